#include "harden/policies.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cctype>
#include <set>

#include "harden/ct_samples.h"
#include "harden/eventbridge_eval.h"
#include "sigma/ruleset.h"
#include "test_util.h"

namespace rg::harden {
namespace {

using simdjson::dom::element;

// The root detections the EventBridge rule claims to cover (docs/harden.md), written as a
// plain predicate from the research notes (D02-D09, D11-D14), independent of the pattern.
bool expected_by_detections(element e) {
  auto str = [&](std::initializer_list<const char*> path) -> std::string {
    element cur = e;
    for (const char* k : path)
      if (cur.type() != simdjson::dom::element_type::OBJECT || cur[k].get(cur)) return "\x01missing";
    std::string_view s;
    return cur.get_string().get(s) ? "\x01notstring" : std::string(s);
  };
  const std::string src = str({"eventSource"}), name = str({"eventName"});
  const bool root = str({"userIdentity", "type"}) == "Root";
  const bool no_user = str({"requestParameters", "userName"}) == "\x01missing";
  static const std::set<std::string> mfa = {"DeactivateMFADevice", "DeleteVirtualMFADevice", "EnableMFADevice",
                                            "CreateVirtualMFADevice", "ResyncMFADevice"};
  static const std::set<std::string> profile = {"CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile"};
  if (src == "signin.amazonaws.com") {
    if (name == "ConsoleLogin") {
      const std::string outcome = str({"responseElements", "ConsoleLogin"});
      return root && (outcome == "Success" || outcome == "Failure");
    }
    if (name == "PasswordUpdated") return root;
    return name == "PasswordRecoveryRequested" || name == "PasswordRecoveryCompleted";
  }
  if (src == "iam.amazonaws.com") {
    if (name == "CreateAccessKey" || profile.count(name)) return root && no_user;
    if (mfa.count(name)) return root || str({"requestParameters", "userName"}) == "AWS ROOT USER";
    return name == "DisableOrganizationsRootCredentialsManagement" || name == "DisableOrganizationsRootSessions" ||
           name == "EnableOrganizationsRootCredentialsManagement" || name == "EnableOrganizationsRootSessions";
  }
  return src == "sts.amazonaws.com" && name == "AssumeRoot";
}

class EventBridgePattern : public ::testing::Test {
 protected:
  void SetUp() override {
    pattern_text_ = eventbridge_pattern().to_json();
    ASSERT_FALSE(pattern_parser_.parse(pattern_text_).get(pattern_)) << pattern_text_;
  }
  // Whether the rule fires for a bare CloudTrail record.
  bool fires(const std::string& record) {
    simdjson::dom::parser p;
    element rec;
    EXPECT_FALSE(p.parse(record).get(rec)) << record;
    const std::string env = rg::test::eventbridge_envelope(rec, record);
    simdjson::dom::parser p2;
    element ev;
    EXPECT_FALSE(p2.parse(env).get(ev)) << env;
    rg::test::EventBridgeEval eval;
    const bool m = eval.matches(pattern_, ev);
    EXPECT_EQ(eval.error, "") << "the pattern uses something the evaluator (and EventBridge) does not know";
    return m;
  }
  std::string pattern_text_;
  simdjson::dom::parser pattern_parser_;
  element pattern_;
};

TEST_F(EventBridgePattern, ListedRootEventsFireAndLookalikesDoNot) {
  struct Case {
    const char* label;
    std::string record;
    bool fire;
  };
  auto ev = [](const char* src, const char* name, const char* type, const char* extra = "") {
    return std::string(R"({"eventVersion":"1.08","eventSource":")") + src + R"(","eventName":")" + name +
           R"(","eventType":")" + (std::string(src) == "signin.amazonaws.com" ? "AwsConsoleSignIn" : "AwsApiCall") +
           R"(","userIdentity":{"type":")" + type + R"(","arn":"arn:aws:iam::111122223333:root"})" + extra + "}";
  };
  const std::vector<Case> cases = {
      {"root console login success", ev("signin.amazonaws.com", "ConsoleLogin", "Root", R"(,"responseElements":{"ConsoleLogin":"Success"})"), true},
      {"root console login failure", ev("signin.amazonaws.com", "ConsoleLogin", "Root", R"(,"responseElements":{"ConsoleLogin":"Failure"})"), true},
      {"IAM user console login", ev("signin.amazonaws.com", "ConsoleLogin", "IAMUser", R"(,"responseElements":{"ConsoleLogin":"Success"})"), false},
      {"password recovery requested", ev("signin.amazonaws.com", "PasswordRecoveryRequested", "Root"), true},
      {"password recovery completed", ev("signin.amazonaws.com", "PasswordRecoveryCompleted", "Root"), true},
      {"root password changed", ev("signin.amazonaws.com", "PasswordUpdated", "Root"), true},
      {"IAM user password changed", ev("signin.amazonaws.com", "PasswordUpdated", "IAMUser"), false},
      {"root key for itself", ev("iam.amazonaws.com", "CreateAccessKey", "Root", R"(,"requestParameters":null)"), true},
      {"root key, no requestParameters", ev("iam.amazonaws.com", "CreateAccessKey", "Root"), true},
      {"root makes a key for an IAM user", ev("iam.amazonaws.com", "CreateAccessKey", "Root", R"(,"requestParameters":{"userName":"alice"})"), false},
      {"IAM user makes a key", ev("iam.amazonaws.com", "CreateAccessKey", "IAMUser", R"(,"requestParameters":{"userName":"bob"})"), false},
      {"root console password set (AssumeRoot)", ev("iam.amazonaws.com", "CreateLoginProfile", "Root"), true},
      {"IAM user login profile", ev("iam.amazonaws.com", "CreateLoginProfile", "AssumedRole", R"(,"requestParameters":{"userName":"carol"})"), false},
      {"root MFA deactivated by root", ev("iam.amazonaws.com", "DeactivateMFADevice", "Root", R"(,"requestParameters":{"userName":"AWS ROOT USER"})"), true},
      {"root MFA deactivated by someone else", ev("iam.amazonaws.com", "DeactivateMFADevice", "IAMUser", R"(,"requestParameters":{"userName":"AWS ROOT USER"})"), true},
      {"IAM user MFA enabled", ev("iam.amazonaws.com", "EnableMFADevice", "IAMUser", R"(,"requestParameters":{"userName":"dave"})"), false},
      {"AssumeRoot", ev("sts.amazonaws.com", "AssumeRoot", "AssumedRole", R"(,"requestParameters":{"targetPrincipal":"444455556666"})"), true},
      {"AssumeRole", ev("sts.amazonaws.com", "AssumeRole", "AssumedRole"), false},
      {"root sessions turned off", ev("iam.amazonaws.com", "DisableOrganizationsRootSessions", "AssumedRole"), true},
      {"root sessions turned on", ev("iam.amazonaws.com", "EnableOrganizationsRootSessions", "AssumedRole"), true},
      {"centralized access listed", ev("iam.amazonaws.com", "ListOrganizationsFeatures", "AssumedRole"), false},
      {"other root API call (the CIS alarm's job)", ev("s3.amazonaws.com", "PutBucketVersioning", "Root"), false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(fires(c.record), c.fire) << c.label;
    simdjson::dom::parser p;
    element rec = p.parse(c.record).value();
    EXPECT_EQ(expected_by_detections(rec), c.fire) << "the reference predicate disagrees on: " << c.label;
  }
}

TEST_F(EventBridgePattern, PublicSamplesFireExactlyOnTheCoveredRootEvents) {
  RG_SKIP_WITHOUT_SHARED_TESTDATA(rg::test::shared_testdata() / "cloudtrail-public");
  const auto& samples = rg::test::cloudtrail_samples();
  ASSERT_GT(samples.size(), 10000u) << "shared CloudTrail samples missing";
  std::size_t fired = 0, disagreements = 0;
  std::set<std::string> fired_names;
  simdjson::dom::parser p;
  for (const auto& s : samples) {
    element rec;
    ASSERT_FALSE(p.parse(s.json).get(rec));
    const bool want = expected_by_detections(rec);
    const bool got = fires(s.json);
    if (got) {
      ++fired;
      fired_names.insert(std::string(rec["eventName"].get_string().value()));
    }
    if (want != got && ++disagreements < 5) ADD_FAILURE() << s.file << ": pattern " << got << ", detections " << want;
  }
  EXPECT_EQ(disagreements, 0u);
  // The AWS documentation examples: root ConsoleLogin x3 (success, success, failure),
  // root EnableMFADevice, root PasswordUpdated.
  EXPECT_EQ(fired, 5u);
  EXPECT_EQ(fired_names, (std::set<std::string>{"ConsoleLogin", "EnableMFADevice", "PasswordUpdated"}));
}

// The rule fires on exactly the events that the built-in rules it covers (D02-D09, D11-D14)
// match: over the public samples and over every built-in rule's own test events.
TEST_F(EventBridgePattern, FiresExactlyWhenTheCoveredBuiltInRulesMatch) {
  Diagnostics diag(Diagnostics::silent());
  sigma::LoadOptions lo;
  const sigma::RuleSet rules = sigma::load_rules(lo, diag);
  ASSERT_EQ(diag.error_count(), 0u);
  static const std::set<std::string> covered = {"D02", "D03", "D04", "D05", "D06", "D07", "D08",
                                                "D09", "D11", "D12", "D13", "D14"};
  std::vector<std::size_t> idx;
  std::set<std::string> found;
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (covered.count(rules.info(i).id)) {
      idx.push_back(i);
      found.insert(rules.info(i).id);
    }
  ASSERT_EQ(found, covered) << "a covered built-in rule is missing";
  for (const auto& b : eventbridge_branches()) EXPECT_TRUE(covered.count(b.rule_id)) << b.rule_id;

  std::vector<std::pair<std::string, std::string>> events;  // label, record
  for (const auto& s : rg::test::cloudtrail_samples()) events.emplace_back(s.file, s.json);
  std::size_t rule_tests = 0;
  for (std::size_t i = 0; i < rules.size(); ++i)
    for (const auto& t : rules.info(i).tests) {
      events.emplace_back(rules.info(i).id + " test " + t.name, t.event_json);
      ++rule_tests;
    }
  ASSERT_GT(rule_tests, 20u);
  std::size_t fired = 0;
  simdjson::dom::parser p;
  for (const auto& [label, json] : events) {
    element rec;
    ASSERT_FALSE(p.parse(json).get(rec)) << label;
    cloudtrail::EventView view{rec, json, label, 0, 0};
    std::string by;
    for (std::size_t i : idx)
      if (rules.evaluate(i, view)) by += rules.info(i).id + " ";
    const bool got = fires(json);
    fired += got;
    EXPECT_EQ(got, !by.empty()) << label << ": built-in rules [" << by << "], pattern " << got << "\n" << json;
  }
  EXPECT_GT(fired, 20u);
}

TEST_F(EventBridgePattern, TargetsSignInAndApiCallEventsOnly) {
  std::set<std::string> types;
  for (auto t : rg::test::arr(pattern_["detail-type"])) types.insert(std::string(t.get_string().value()));
  EXPECT_EQ(types, (std::set<std::string>{"AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"}));
  EXPECT_EQ(rg::test::arr(pattern_["$or"]).size(), eventbridge_branches().size() + 1)
      << "one branch per documented detection (D11 has two: by root and on root)";
}

// ---------------------------------------------------------------- SCP

void expect_valid_iam_policy(element policy) {
  static const std::set<std::string> top = {"Version", "Id", "Statement"};
  static const std::set<std::string> stmt_keys = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal"};
  for (auto [k, v] : rg::test::obj(policy)) EXPECT_TRUE(top.count(std::string(k))) << k;
  EXPECT_EQ(policy["Version"].get_string().value(), "2012-10-17");
  for (element st : rg::test::arr(policy["Statement"])) {
    for (auto [k, v] : rg::test::obj(st)) EXPECT_TRUE(stmt_keys.count(std::string(k))) << k;
    std::string_view sid = st["Sid"].get_string().value();
    for (char c : sid) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << "Sid must be alphanumeric: " << sid;
    const std::string_view effect = st["Effect"].get_string().value();
    EXPECT_TRUE(effect == "Allow" || effect == "Deny");
    element a;
    EXPECT_FALSE(st["Action"].get(a)) << "Action required (NotAction would leave gaps)";
  }
}

TEST(DenyRootScp, IsTheDocumentedForm) {
  simdjson::dom::parser p;
  const std::string text = deny_root_scp(false).to_json();
  element d = p.parse(text).value();
  expect_valid_iam_policy(d);
  auto stmts = rg::test::arr(d["Statement"]);
  ASSERT_EQ(stmts.size(), 1u);
  element st = stmts.at(0).value();
  EXPECT_EQ(st["Effect"].get_string().value(), "Deny");
  EXPECT_EQ(st["Action"].get_string().value(), "*");
  EXPECT_EQ(st["Resource"].get_string().value(), "*");
  auto cond = rg::test::obj(st["Condition"]);
  EXPECT_EQ(cond.size(), 1u);
  EXPECT_EQ(st["Condition"]["StringLike"]["aws:PrincipalArn"].get_string().value(), "arn:aws:iam::*:root");
}

// The same decision as Control Tower's GRRESTRICTROOTUSER artifact.
TEST(DenyRootScp, DecidesAsControlTowersRestrictRootGuardrail) {
  const auto artifact = rg::test::shared_testdata() / "aws-responses/SCP_GRRESTRICTROOTUSER.policy.json";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(artifact);
  simdjson::dom::parser p;
  const std::string text = deny_root_scp(false).to_json();
  element st = p.parse(text).value()["Statement"].at(0).value();
  simdjson::dom::parser p2;
  const std::string ct = rg::test::read_file(artifact);
  element ref = p2.parse(ct).value()["Statement"].at(0).value();
  EXPECT_EQ(ref["Effect"].get_string().value(), st["Effect"].get_string().value());
  EXPECT_EQ(ref["Action"].get_string().value(), st["Action"].get_string().value());
  EXPECT_EQ(ref["Condition"]["StringLike"]["aws:PrincipalArn"].at(0).get_string().value(),
            st["Condition"]["StringLike"]["aws:PrincipalArn"].get_string().value());
}

TEST(DenyRootScp, AssumeRootExemptionAddsTheNullCondition) {
  simdjson::dom::parser p;
  const std::string text = deny_root_scp(true).to_json();
  element st = p.parse(text).value()["Statement"].at(0).value();
  EXPECT_EQ(st["Condition"]["Null"]["aws:AssumedRoot"].get_string().value(), "true");
  EXPECT_EQ(st["Condition"]["StringLike"]["aws:PrincipalArn"].get_string().value(), "arn:aws:iam::*:root");
}

TEST(DenyRootScp, NoteSaysManagementAccountIsNeverRestricted) {
  EXPECT_NE(scp_note(false).find("never restrict the management account"), std::string::npos);
  const std::string steps = centralized_root_access_steps();
  for (const char* cmd : {"aws organizations enable-aws-service-access --service-principal iam.amazonaws.com",
                          "aws iam enable-organizations-root-credentials-management",
                          "aws iam enable-organizations-root-sessions"})
    EXPECT_NE(steps.find(cmd), std::string::npos) << cmd;
}

}  // namespace
}  // namespace rg::harden
