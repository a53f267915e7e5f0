#include "posture/checks/common.h"

#include "core/time.h"

namespace rg::posture::checks {

const CredentialReport* root_report(const CheckMeta& meta, const CheckInput& in, std::vector<Finding>& out) {
  if (!in.account.credentials.ok()) {
    out.push_back(unknown_finding(meta, in, in.account.credentials.error()));
    return nullptr;
  }
  const CredentialReport& r = *in.account.credentials;
  if (r.root_index() < 0) {
    Finding f = make_finding(meta, in, FindingStatus::Unknown,
                             "iam.GetCredentialReport.json: the credential report has no <root_account> row");
    add_evidence(f, "file", "iam.GetCredentialReport.json");
    out.push_back(std::move(f));
    return nullptr;
  }
  return &r;
}

Result<std::optional<std::int64_t>> summary_value(const Account& a, std::string_view key) {
  auto s = a.files.json("iam.GetAccountSummary.json");
  if (!s) return s.error();
  simdjson::dom::element map;
  if (s->at_key("SummaryMap").get(map))
    return make_error(ErrorKind::Corrupt, "iam.GetAccountSummary.json", "no \"SummaryMap\" object");
  return get_int(map, key);
}

std::string quote(const CredentialReport& r, std::string_view column) {
  CredValue v = r.root(column);
  return std::string(column) + "=" + (v.kind == CredValue::Kind::Missing ? "<column missing>" : v.raw);
}

std::int64_t reference_time(const CheckInput& in) {
  if (in.now_ms) return in.now_ms;
  if (in.account.credentials.ok())
    if (auto t = parse_iso8601_ms(in.account.credentials->generated_time)) return *t;
  return 0;
}

RootEmail root_email(const CheckInput& in) {
  const std::string& id = in.account.id;
  if (in.org) {
    if (const OrgAccount* oa = in.org->find(id); oa && !oa->email.empty()) return {oa->email, "organizations.ListAccounts.json"};
    if (id == in.org->management_id && !in.org->management_email.empty())
      return {in.org->management_email, "organizations.DescribeOrganization.json"};
  }
  if (auto p = in.account.files.json("account.GetPrimaryEmail.json"))
    if (auto e = get_string(*p, "PrimaryEmail")) return {*e, "account.GetPrimaryEmail.json"};
  if (auto it = in.config.root_emails.find(id); it != in.config.root_emails.end())
    return {it->second, in.config.source + " (root_emails)"};
  return {};
}

void add_generated_time(Finding& f, const CredentialReport& r) {
  add_evidence(f, "generated_time", r.generated_time.empty() ? "(not in snapshot)" : r.generated_time);
}

bool outside_commercial_partition(const Account& a) { return a.partition != "aws"; }

std::string phone_digits(const std::string& s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d += c;
  return d;
}

}  // namespace rg::posture::checks

namespace rg::posture::checks {

EmailParts split_email(const std::string& email, const std::string& delimiter) {
  EmailParts p;
  auto at = email.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 >= email.size()) return p;
  std::string local = email.substr(0, at);
  p.domain = email.substr(at + 1);
  auto d = delimiter.empty() ? std::string::npos : local.find(delimiter);
  if (d != std::string::npos) {
    p.tag = local.substr(d + delimiter.size());
    local = local.substr(0, d);
  }
  p.mailbox = local + "@" + p.domain;
  p.valid = !local.empty();
  return p;
}

}  // namespace rg::posture::checks
