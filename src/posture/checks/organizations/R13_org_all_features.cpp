// R13: the account is in an Organization with all features (Account.2).
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R13_org_all_features;
const Check R13_org_all_features{
    .meta =
        {
            .id = "R13",
            .title = "Account is in an Organization with all features",
            .severity = Severity::Medium,
            .cis = {},
            .security_hub = "Account.2",
            .practice = "Manage every account from one Organization so root can be centralized and fenced by SCPs.",
            .console = {"In the management account: AWS Organizations > Settings > 'Enable all features', and "
                        "invite standalone accounts (AWS accounts > Add an AWS account > Invite)."},
            .cli = {"aws organizations enable-all-features",
                    "aws organizations invite-account-to-organization --target Id=<account-id>,Type=ACCOUNT"},
            .reads = {"organizations.DescribeOrganization.json"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R13_org_all_features.meta;
  const std::string file = "organizations.DescribeOrganization.json";
  std::string feature_set, org_id;
  if (in.org) {
    auto d = in.org->files.json(file);
    if (!d) return {unknown_finding(m, in, d.error())};
    feature_set = in.org->feature_set;
    org_id = in.org->id;
  } else {
    auto d = in.account.files.json(file);
    if (!d) {
      if (in.account.files.aws_error_code(file) == "AWSOrganizationsNotInUseException") {
        Finding f = make_finding(m, in, FindingStatus::Fail, "not in an Organization (AWSOrganizationsNotInUseException)");
        add_evidence(f, "file", file);
        return {f};
      }
      return {unknown_finding(m, in, d.error())};
    }
    simdjson::dom::element o;
    if (!d->at_key("Organization").get(o)) {
      feature_set = get_string(o, "FeatureSet").value_or("");
      org_id = get_string(o, "Id").value_or("");
    }
  }
  Finding f = make_finding(m, in, feature_set == "ALL" ? FindingStatus::Pass : FindingStatus::Fail,
                           "Organization " + org_id + " FeatureSet=" + (feature_set.empty() ? "<missing>" : feature_set));
  add_evidence(f, "file", file);
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
