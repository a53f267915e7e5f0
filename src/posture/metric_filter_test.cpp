#include "posture/metric_filter.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "test_util.h"

namespace rg::posture {
namespace {

constexpr const char* kQuoted =
    R"({ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" })";
constexpr const char* kUnquoted =
    R"({ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent })";

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& json) {
  return p.parse(json).value();
}

// Fact 8: semantic matching accepts both CIS forms and spacing/order/parentheses variants.
TEST(MetricFilterCis, AcceptsQuotedAndUnquotedForms) {
  EXPECT_TRUE(check_cis_root_filter(kQuoted).acceptable);
  EXPECT_TRUE(check_cis_root_filter(kUnquoted).acceptable);
  EXPECT_TRUE(check_cis_root_filter(
                  R"({$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"})")
                  .acceptable);
  EXPECT_TRUE(check_cis_root_filter(
                  R"({ ($.eventType != "AwsServiceEvent") && ($.userIdentity.invokedBy NOT EXISTS && $.userIdentity.type = Root) })")
                  .acceptable);
}

TEST(MetricFilterCis, RefusesExtraOrTerms) {
  auto v = check_cis_root_filter(
      R"({ ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent") || $.eventName = "ConsoleLogin" })");
  EXPECT_FALSE(v.acceptable);
  EXPECT_NE(v.reason.find("||"), std::string::npos) << v.reason;
}

TEST(MetricFilterCis, RefusesMissingExtraOrAlteredClauses) {
  auto weak = check_cis_root_filter(R"({ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" })");
  EXPECT_FALSE(weak.acceptable);
  EXPECT_NE(weak.reason.find("invokedBy"), std::string::npos) << weak.reason;
  auto extra = check_cis_root_filter(
      R"({ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.awsRegion = "us-east-1" })");
  EXPECT_FALSE(extra.acceptable);
  EXPECT_NE(extra.reason.find("awsRegion"), std::string::npos) << extra.reason;
  EXPECT_FALSE(check_cis_root_filter(
                   R"({ $.userIdentity.type = "Ro*" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" })")
                   .acceptable);
  EXPECT_FALSE(check_cis_root_filter(
                   R"({ $.userIdentity.type = "root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" })")
                   .acceptable);
  EXPECT_FALSE(check_cis_root_filter("{ $.userIdentity.type = Root ").acceptable);
  EXPECT_FALSE(check_cis_root_filter("Root").acceptable);
}

// Every real pattern in the shared sample file: the weaker tutorial variant is refused,
// all the others are accepted.
TEST(MetricFilterCis, RealPublishedVariants) {
  auto path = rg::test::shared_testdata() / "aws-responses/DescribeMetricFilters.root_filterPattern_variants.txt";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(path);
  std::ifstream in(path);
  std::string line;
  int accepted = 0, refused = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto bar = line.rfind('|');
    ASSERT_NE(bar, std::string::npos);
    std::string label = line.substr(0, bar), pattern = line.substr(bar + 1);
    bool weaker = label.rfind("WEAKER", 0) == 0;
    auto v = check_cis_root_filter(pattern);
    EXPECT_EQ(v.acceptable, !weaker) << label << ": " << v.reason;
    (v.acceptable ? accepted : refused)++;
  }
  EXPECT_GE(accepted, 4);
  EXPECT_EQ(refused, 1);
}

TEST(MetricFilterEval, CisPatternOnCloudTrailEvents) {
  simdjson::dom::parser p;
  auto f = parse_metric_filter(kQuoted);
  ASSERT_TRUE(f.ok());
  auto f2 = parse_metric_filter(kUnquoted);
  ASSERT_TRUE(f2.ok());
  std::string root_login = R"({"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root"},"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn"})";
  std::string root_via_service = R"({"userIdentity":{"type":"Root","invokedBy":"support.amazonaws.com"},"eventType":"AwsApiCall"})";
  std::string service_event = R"({"userIdentity":{"type":"Root"},"eventType":"AwsServiceEvent"})";
  std::string iam_user = R"({"userIdentity":{"type":"IAMUser"},"eventType":"AwsApiCall"})";
  EXPECT_TRUE(filter_matches(*f, parse(p, root_login)));
  EXPECT_TRUE(filter_matches(*f2, parse(p, root_login)));
  EXPECT_FALSE(filter_matches(*f, parse(p, root_via_service)));
  EXPECT_FALSE(filter_matches(*f, parse(p, service_event)));
  EXPECT_FALSE(filter_matches(*f, parse(p, iam_user)));
}

TEST(MetricFilterEval, OrParenthesesWildcardNumbersNull) {
  simdjson::dom::parser p;
  auto ev = parse(p, R"({"eventName":"DeleteTrail","errorCode":null,"requestParameters":{"count":12,"names":["a","b"]},"readOnly":false,"sourceIPAddress":"10.1.2.3"})");
  auto m = [&](const char* pat) {
    auto r = filter_matches(pat, ev);
    EXPECT_TRUE(r.ok()) << pat;
    return r.ok() && *r;
  };
  EXPECT_TRUE(m(R"({ $.eventName = "Delete*" })"));
  EXPECT_TRUE(m(R"({ $.eventName = *Trail })"));
  EXPECT_FALSE(m(R"({ $.eventName = "Stop*" })"));
  EXPECT_TRUE(m(R"({ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) })"));
  EXPECT_TRUE(m(R"({ $.eventName = X || $.eventName = Y || $.sourceIPAddress = "10.1.*" })"));
  EXPECT_FALSE(m(R"({ $.eventName = DeleteTrail && ($.sourceIPAddress = "192.*" || $.readOnly IS TRUE) })"));
  EXPECT_TRUE(m(R"({ $.readOnly IS FALSE })"));
  EXPECT_TRUE(m(R"({ $.errorCode IS NULL })"));
  EXPECT_FALSE(m(R"({ $.errorCode NOT EXISTS })"));
  EXPECT_TRUE(m(R"({ $.errorMessage NOT EXISTS })"));
  EXPECT_FALSE(m(R"({ $.errorMessage IS NULL })"));
  EXPECT_TRUE(m(R"({ $.requestParameters.count > 10 })"));
  EXPECT_TRUE(m(R"({ $.requestParameters.count = 12 })"));
  EXPECT_FALSE(m(R"({ $.requestParameters.count >= 13 })"));
  EXPECT_TRUE(m(R"({ $.requestParameters.count <= 12 && $.requestParameters.count < 12.5 })"));
  EXPECT_FALSE(m(R"({ $.eventName > 3 })"));
  EXPECT_TRUE(m(R"({ $.requestParameters.names[1] = "b" })"));
  // A comparison on an absent field is false, for != too.
  EXPECT_FALSE(m(R"({ $.missing != "x" })"));
  EXPECT_TRUE(m(R"({ $.eventName != "StopLogging" })"));
}

TEST(MetricFilterParse, ErrorsNameTheOffset) {
  for (const char* bad : {"", "{", "{ }", "{ $.a = }", "{ $.a = 1 && }", "{ $. = 1 }", "{ $.a NOT THERE }",
                          "{ ($.a = 1 }", "{ $.a = \"x }", "{ $.a ~ 1 }", "{ $.a = 1 } tail", "$.a = 1",
                          "{ $.a[x] = 1 }", "{ a = 1 }"}) {
    auto r = parse_metric_filter(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().str().find("offset"), std::string::npos) << r.error().str();
  }
  std::string deep = "{ " + std::string(200, '(') + "$.a = 1" + std::string(200, ')') + " }";
  EXPECT_FALSE(parse_metric_filter(deep).ok());
}

}  // namespace
}  // namespace rg::posture
