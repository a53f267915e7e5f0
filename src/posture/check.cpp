#include "posture/check.h"

namespace rg::posture {

Finding make_finding(const CheckMeta& meta, const CheckInput& in, FindingStatus status, std::string reason) {
  Finding f;
  f.id = meta.id;
  f.title = meta.title;
  f.severity = meta.severity;
  f.status = status;
  f.reason = std::move(reason);
  f.practice = meta.practice;
  if (!meta.console.empty()) f.next_step = meta.console.front();
  f.account = in.account.id;
  f.resource = in.account.id.empty() ? "" : in.account.root_arn();
  return f;
}

Finding unknown_finding(const CheckMeta& meta, const CheckInput& in, const Error& e) {
  Finding f = make_finding(meta, in, FindingStatus::Unknown, e.where.empty() ? e.what : e.where + ": " + e.what);
  if (!e.where.empty()) add_evidence(f, "file", e.where);
  return f;
}

void add_evidence(Finding& f, std::string key, std::string value) {
  f.facets.emplace_back(std::move(key), std::move(value));
}

}  // namespace rg::posture
