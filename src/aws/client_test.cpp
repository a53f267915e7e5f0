// Protocols (XML and JSON answers in the CLI's shape) and the client's retries, pagination
// and errors, against loopback servers.
#include "aws/client.h"

#include <gtest/gtest.h>

#include <atomic>

#include "aws/protocol.h"
#include "loopback_server.h"
#include "test_util.h"

using namespace rg::aws;
using rg::test::HttpCapture;
using rg::test::HttpReply;
using rg::test::LoopbackServer;

namespace {
std::string sample(const std::string& name) {
  return rg::test::read_file(rg::test::shared_testdata() / "aws-responses" / name);
}
Settings endpoint_settings(const std::string& url) {
  Settings s;
  s.endpoint_flag = url;
  s.region = "eu-west-1";
  return s;
}
CredentialsFn fixed_credentials() {
  return [] { return rg::Result<Credentials>(Credentials{"AKIDEXAMPLE", "canary-secret", "", std::nullopt, "test"}); };
}
}  // namespace

TEST(AwsProtocol, QueryXmlBecomesCliJson) {
  RG_SKIP_WITHOUT_SHARED_TESTDATA(rg::test::shared_testdata() / "aws-responses");
  auto summary = query_xml_to_json(sample("GetAccountSummary.xml"), "GetAccountSummary");
  ASSERT_TRUE(summary.ok());
  const Json* map = summary->find("SummaryMap");
  ASSERT_TRUE(map && map->is_object());
  ASSERT_TRUE(map->find("Users"));
  EXPECT_EQ(map->find("Users")->kind(), Json::Kind::Int);
  EXPECT_EQ(map->find("Users")->as_int(), 35);

  auto mfa = query_xml_to_json(sample("ListVirtualMFADevices.xml"), "ListVirtualMFADevices");
  ASSERT_TRUE(mfa.ok());
  ASSERT_TRUE(mfa->find("VirtualMFADevices")->is_array());
  EXPECT_GE(mfa->find("VirtualMFADevices")->items().size(), 2u);
  EXPECT_EQ(mfa->find("IsTruncated")->kind(), Json::Kind::Bool);

  auto report = query_xml_to_json(sample("GetCredentialReport.xml"), "GetCredentialReport");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->find("GeneratedTime")->str(), "2014-08-28T21:42:50+00:00");
  EXPECT_EQ(report->find("ReportFormat")->str(), "text/csv");

  auto empty = query_xml_to_json("<R><DescribeAlarmsResult><MetricAlarms/><CompositeAlarms/></DescribeAlarmsResult></R>",
                                 "DescribeAlarms");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->dump(), "{\n    \"MetricAlarms\": [],\n    \"CompositeAlarms\": []\n}\n");
}

TEST(AwsProtocol, JsonTimestampsAndErrors) {
  auto j = json_protocol_to_cli(R"({"Accounts":[{"Id":"1","JoinedTimestamp":1481830215.45}],"Threshold":70.0})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->find("Accounts")->items()[0].find("JoinedTimestamp")->str(), "2016-12-15T19:30:15.450000+00:00");
  EXPECT_NE(j->dump().find("\"Threshold\": 70.0"), std::string::npos);
  EXPECT_EQ(parse_error(R"({"__type":"com.amazonaws#AccessDeniedException","Message":"no"})", "").first,
            "AccessDeniedException");
  EXPECT_EQ(parse_error("{}", "ResourceNotFoundException:http://internal.amazon.com/").first, "ResourceNotFoundException");
  EXPECT_EQ(parse_error("<ErrorResponse><Error><Code>ReportInProgress</Code><Message>m</Message></Error></ErrorResponse>", ""),
            std::make_pair(std::string("ReportInProgress"), std::string("m")));
}

// Whatever answers at --endpoint-url may send anything: an answer nested past any AWS answer
// is refused (it used to exhaust the stack), one with many members converts whole (each
// member used to be looked for among all the members before it), repeated keys keep the
// last value where the key first stood.
TEST(AwsProtocol, HostileAnswersAreRefusedOrConvertedWhole) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  for (int i = 0; i < 100000; ++i) deep += "</a>";
  auto refused = query_xml_to_json("<R><GetAccountSummaryResult>" + deep + "</GetAccountSummaryResult></R>",
                                   "GetAccountSummary");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().what.find("deeper than 100 levels"), std::string::npos) << refused.error().what;
  EXPECT_EQ(parse_error("<E>" + deep + "</E>", "").first, "");

  std::string wide = "<R><GetAccountSummaryResult><SummaryMap>";
  for (int i = 0; i < 60000; ++i) wide += "<entry><key>K" + std::to_string(i) + "</key><value>" + std::to_string(i) + "</value></entry>";
  wide += "<entry><key>K7</key><value>70</value></entry></SummaryMap>";
  for (int i = 0; i < 60000; ++i) wide += "<M" + std::to_string(i) + ">x</M" + std::to_string(i) + ">";
  wide += "</GetAccountSummaryResult></R>";
  auto many = query_xml_to_json(wide, "GetAccountSummary");
  ASSERT_TRUE(many.ok());
  ASSERT_EQ(many->members().size(), 60001u);
  const auto& map = many->find("SummaryMap")->members();
  ASSERT_EQ(map.size(), 60000u);
  EXPECT_EQ(map[7].first, "K7");
  EXPECT_EQ(map[7].second.as_int(), 70);
  EXPECT_EQ(map[59999].second.as_int(), 59999);

  std::string obj = "{";
  for (int i = 0; i < 60000; ++i) obj += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  obj += "\"k3\":-3}";
  auto j = json_protocol_to_cli(obj);
  ASSERT_TRUE(j.ok());
  ASSERT_EQ(j->members().size(), 60000u);
  EXPECT_EQ(j->members()[3].second.as_int(), -3);
}

TEST(AwsClient, RetriesThrottlingHonouringRetryAfterThenSucceeds) {
  std::atomic<int> n{0};
  LoopbackServer server([&](const HttpCapture&) {
    if (n++ < 2)
      return HttpReply{400, {{"Retry-After", "2"}},
                       "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"};
    return HttpReply{200, {}, "<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap><entry><key>AccountMFAEnabled</key>"
                              "<value>1</value></entry></SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>"};
  });
  std::vector<long> sleeps;
  ClientOptions o;
  o.sleep = [&](long ms) { sleeps.push_back(ms); };
  Client client(fixed_credentials(), endpoint_settings(server.url()), o);
  CallResult r = client.call({"iam", "GetAccountSummary"});
  ASSERT_TRUE(r.ok) << r.response.dump();
  EXPECT_EQ(r.attempts, 3);
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_GE(sleeps[0], 2000);
  EXPECT_EQ(r.response.find("SummaryMap")->find("AccountMFAEnabled")->as_int(), 1);
  HttpCapture first = server.requests().at(0);
  EXPECT_NE(first.body.find("Action=GetAccountSummary"), std::string::npos);
  EXPECT_NE(first.header("Authorization").find("/us-east-1/iam/aws4_request"), std::string::npos);
}

TEST(AwsClient, AccessDeniedIsKeptAsTheErrorWithoutRetrying) {
  LoopbackServer server([](const HttpCapture&) {
    return HttpReply{400, {{"x-amzn-ErrorType", "AccessDeniedException:http://internal"}},
                     R"({"__type":"AccessDeniedException","Message":"You don't have permissions"})"};
  });
  ClientOptions o;
  o.sleep = [](long) {};
  Client client(fixed_credentials(), endpoint_settings(server.url()), o);
  Request req{"cloudtrail", "DescribeTrails"};
  CallResult r = client.call(req);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.response.dump(),
            "{\n    \"Error\": {\n        \"Code\": \"AccessDeniedException\",\n        \"Message\": \"You don't have permissions\"\n    }\n}\n");
  EXPECT_EQ(server.requests().at(0).header("X-Amz-Target"), "CloudTrail_20131101.DescribeTrails");
  EXPECT_NE(server.requests().at(0).header("Authorization").find("/eu-west-1/cloudtrail/"), std::string::npos);
}

TEST(AwsClient, ServerErrorsAndDroppedConnectionsGiveUpAfterMaxAttempts) {
  std::atomic<int> n{0};
  LoopbackServer server([&](const HttpCapture&) {
    HttpReply r{500, {}, "<ErrorResponse><Error><Code>InternalFailure</Code><Message>x</Message></Error></ErrorResponse>"};
    r.drop = (n++ % 2) == 1;
    return r;
  });
  ClientOptions o;
  o.sleep = [](long) {};
  o.max_attempts = 4;
  Client client(fixed_credentials(), endpoint_settings(server.url()), o);
  CallResult r = client.call({"sns", "ListSubscriptionsByTopic"});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(server.requests().size(), 4u);
  EXPECT_FALSE(r.error_code.empty());
  EXPECT_EQ(r.response.dump().find("canary-secret"), std::string::npos);
}

TEST(AwsClient, PaginationMergesEveryPageAndDropsTokens) {
  LoopbackServer server([](const HttpCapture& c) {
    bool second = c.body.find("Marker=page2") != std::string::npos;
    std::string items = second ? "<member><SerialNumber>b</SerialNumber></member>"
                               : "<member><SerialNumber>a</SerialNumber></member>";
    return HttpReply{200, {}, "<ListVirtualMFADevicesResponse><ListVirtualMFADevicesResult><IsTruncated>" +
                                  std::string(second ? "false" : "true") + "</IsTruncated>" +
                                  (second ? "" : "<Marker>page2</Marker>") + "<VirtualMFADevices>" + items +
                                  "</VirtualMFADevices></ListVirtualMFADevicesResult></ListVirtualMFADevicesResponse>"};
  });
  Client client(fixed_credentials(), endpoint_settings(server.url()), {});
  CallResult r = client.call_all({"iam", "ListVirtualMFADevices"}, {"Marker", "Marker"});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.response.dump(),
            "{\n    \"VirtualMFADevices\": [\n        {\n            \"SerialNumber\": \"a\"\n        },\n"
            "        {\n            \"SerialNumber\": \"b\"\n        }\n    ]\n}\n");
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(AwsClient, PerServiceLimitBoundsCallsInFlight) {
  std::atomic<int> in_flight{0}, peak{0};
  auto limits = std::make_shared<Limits>();
  Limits& l = *limits;
  const ServiceInfo& org = *find_service("organizations");
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      l.acquire(org);
      int now = ++in_flight;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {}
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      --in_flight;
      l.release(org);
    });
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), org.max_in_flight);
  EXPECT_GE(peak.load(), 1);
}
