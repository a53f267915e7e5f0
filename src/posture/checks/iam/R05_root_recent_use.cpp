// R05: the root user was not used recently (CIS 1.7 / IAM.20). Last use is the LATEST of
// password_last_used and both keys' last_used_date; N/A, no_information and not_supported are
// not dates (never epoch 0).
#include "core/time.h"
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R05_root_recent_use;
const Check R05_root_recent_use{
    .meta =
        {
            .id = "R05",
            .title = "Root user not used recently",
            .severity = Severity::High,
            .cis = {.v1_2 = "1.1", .v1_4 = "1.7", .v5_0 = "1.6", .v6_0 = "2.6", .v7_0 = "2.7"},
            .security_hub = "IAM.20",
            .practice = "Use root only for the few tasks that need it, on a recorded, two-person occasion.",
            .console = {"Open CloudTrail > Event history, filter 'User name' = root, and confirm each use was planned.",
                        "If any use is unexplained, follow the root incident runbook (rootguard case) and rotate the root password."},
            .cli = {"aws iam generate-credential-report && aws iam get-credential-report --query Content --output text "
                    "| base64 -d | cut -d, -f1,5,11,16 | grep '<root_account>'",
                    "aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=root "
                    "--max-results 50"},
            .reads = {"iam.GetCredentialReport.json"},
            .needs_config = false,
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R05_root_recent_use.meta;
  std::vector<Finding> out;
  const CredentialReport* r = root_report(m, in, out);
  if (!r) return out;
  const char* cols[] = {"password_last_used", "access_key_1_last_used_date", "access_key_2_last_used_date"};
  std::int64_t latest = 0;
  std::string latest_col, latest_raw;
  std::string nondates;
  bool missing = false;
  for (const char* c : cols) {
    CredValue v = r->root(c);
    if (v.kind == CredValue::Kind::Missing) missing = true;
    if (v.is_date()) {
      if (latest_col.empty() || v.ms > latest) {
        latest = v.ms;
        latest_col = c;
        latest_raw = v.raw;
      }
    } else {
      nondates += (nondates.empty() ? "" : ", ") + std::string(c) + "=" + (v.raw.empty() ? "<missing>" : v.raw);
    }
  }
  if (latest_col.empty()) {
    Finding f = make_finding(m, in, missing ? FindingStatus::Unknown : FindingStatus::Pass,
                             (missing ? "cannot tell: " : "no recorded root use: ") + nondates);
    add_generated_time(f, *r);
    out.push_back(std::move(f));
    return out;
  }
  std::int64_t now = reference_time(in);
  if (now == 0) {
    Finding f = make_finding(m, in, FindingStatus::Unknown,
                             "last root use " + latest_raw + " (" + latest_col + ") but no GeneratedTime to compare with");
    out.push_back(std::move(f));
    return out;
  }
  std::int64_t window_ms = static_cast<std::int64_t>(in.config.root_use_window_days) * 86'400'000;
  std::int64_t age_ms = now - latest;
  std::string age = age_ms < 0 ? "after the report" : std::to_string(age_ms / 86'400'000) + " day(s) before " + format_iso8601(now);
  FindingStatus st = age_ms < window_ms ? FindingStatus::Fail : FindingStatus::Pass;
  Finding f = make_finding(m, in, st,
                           "last root use " + latest_raw + " (" + latest_col + "), " + age +
                               (st == FindingStatus::Fail ? ", inside" : ", outside") + " the " +
                               std::to_string(in.config.root_use_window_days) + "-day window");
  add_evidence(f, "last_used", latest_raw);
  add_generated_time(f, *r);
  out.push_back(std::move(f));
  return out;
}

}  // namespace
}  // namespace rg::posture::checks
