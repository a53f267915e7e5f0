#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "core/strings.h"
#include "core/time.h"
#include "respond/alert.h"
#include "respond/fixtures.h"
#include "respond/sink_test_server.h"
#include "respond/sinks/kinds.h"
#include "respond/sinks/sink.h"
#include "test_util.h"

namespace rg::respond {
std::string slack_payload(const Alert& a);
std::string syslog_message(const Alert& a, const std::string& hostname, std::int64_t now_ms, int pid);

namespace {

using rg::test::SinkTestServer;

Alert sample(int n = 1) { return make_alert(rg::test::root_login_finding(n), 7); }

std::unique_ptr<Sink> sink_ok(const std::string& spec, const SinkOptions& o = {}) {
  auto s = make_sink(spec, o);
  if (!s.ok()) ADD_FAILURE() << s.error().str();
  return s.ok() ? std::move(s.value()) : nullptr;
}

TEST(Alert, JsonRoundTripsAndKeysOnRuleAndEvent) {
  Alert a = sample(3);
  EXPECT_EQ(a.key, "D03:ev-3");
  auto back = alert_from_json(to_json(a));
  ASSERT_TRUE(back.ok()) << back.error().str();
  EXPECT_EQ(to_json(*back), to_json(a));
  EXPECT_EQ(back->case_id, 7);
  EXPECT_EQ(back->finding.event.source_ip, "203.0.113.7");
  EXPECT_EQ(back->finding.facets.size(), 1u);
}

TEST(Alert, AddendumRedeliveryHasTheOriginalKey) {
  Finding late = rg::test::root_login_finding(9);
  late.event.event_id = "ev-redelivered";
  late.facets.emplace_back(std::string(kOriginalEventFacet), "ev-9");
  EXPECT_EQ(alert_key(late), alert_key(rg::test::root_login_finding(9)));
}

TEST(SinkTable, UnknownAndMalformedSpecsAreRefusedWithoutSecrets) {
  auto bad = make_sink("teams:https://example.invalid/hooks/secretpath", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().str().find("secretpath"), std::string::npos) << bad.error().str();
  EXPECT_NE(bad.error().what.find("webhook:URL"), std::string::npos);
  EXPECT_FALSE(make_sink("webhook:ftp://x", {}).ok());
  EXPECT_FALSE(make_sink("syslog:host:514", {}).ok());
  EXPECT_FALSE(make_sink("smtp://mail.example/?from=a@b", {}).ok());
  auto slack = sink_ok("slack:https://hooks.slack.com/services/T000/B000/SECRETSECRET");
  ASSERT_TRUE(slack);
  EXPECT_EQ(slack->name().find("SECRETSECRET"), std::string::npos) << slack->name();
  auto mail = sink_ok("smtp://bob:hunter2@mail.example:587/?from=rg@example.com&to=sec@example.com");
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->name().find("hunter2"), std::string::npos) << mail->name();
  EXPECT_NE(sink_id("webhook:https://a/"), sink_id("webhook:https://b/"));
}

TEST(FileSink, WritesPrivateJsonLinesAndNeverRepeatsAKeyAcrossReopen) {
  rg::test::TempDir d;
  std::string path = (d / "alerts.jsonl").string();
  {
    auto s = sink_ok("file:" + path);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->deliver(sample(1)).outcome, Outcome::Accepted);
    EXPECT_EQ(s->deliver(sample(2)).outcome, Outcome::Accepted);
  }
  // A crash mid-write leaves half a line: it is cut off, whole lines are kept.
  std::string text = rg::test::read_file(path);
  rg::test::write_file(path, text + "{\"key\":\"D03:ev-3\",\"ca");
  auto s = sink_ok("file:" + path);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->deliver(sample(2)).outcome, Outcome::Accepted);  // already there: not written again
  EXPECT_EQ(s->deliver(sample(3)).outcome, Outcome::Accepted);
  std::string after = rg::test::read_file(path);
  EXPECT_EQ(std::count(after.begin(), after.end(), '\n'), 3);
  EXPECT_EQ(after.find("\"ca{"), std::string::npos);
  simdjson::dom::parser p;
  for (const auto& line : split(after.substr(0, after.size() - 1), '\n')) EXPECT_EQ(p.parse(line).error(), simdjson::SUCCESS);
  struct stat st{};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(FileSink, FullDiskIsRetriedNotLost) {
  auto s = sink_ok("file:/dev/full");
  ASSERT_TRUE(s);
  Delivery d = s->deliver(sample());
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_NE(d.detail.find("No space left"), std::string::npos) << d.detail;
}

TEST(WebhookSink, PostsSignedJsonThatVerifies) {
  SinkTestServer srv;
  SinkOptions o;
  o.hmac_secret = "s3cr3t-hmac-key";
  auto s = sink_ok("webhook:" + srv.url("/ingest?token=abc"), o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name().find("token=abc"), std::string::npos);
  Delivery d = s->deliver(sample());
  ASSERT_EQ(d.outcome, Outcome::Accepted) << d.detail;
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].headers["x-rootguard-signature"], "sha256=" + hmac_sha256_hex("s3cr3t-hmac-key", reqs[0].body));
  EXPECT_EQ(reqs[0].headers["x-rootguard-alert-key"], "D03:ev-1");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/json");
  auto back = alert_from_json(reqs[0].body);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->key, "D03:ev-1");
  // Known vector (RFC 4231 case 2).
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSink, AnswersMapToOutcomes) {
  SinkTestServer srv;
  SinkOptions o;
  o.timeout_ms = 400;
  auto s = sink_ok("webhook:" + srv.url(), o);
  ASSERT_TRUE(s);
  srv.set_status(503);
  EXPECT_EQ(s->deliver(sample()).outcome, Outcome::Retry);
  srv.set_status(429);
  EXPECT_EQ(s->deliver(sample()).outcome, Outcome::Retry);
  srv.set_status(403);
  Delivery d = s->deliver(sample());
  EXPECT_EQ(d.outcome, Outcome::Rejected);
  EXPECT_EQ(d.detail, "HTTP 403");
  srv.set_status(200);
  srv.set_hang(true);
  d = s->deliver(sample());
  EXPECT_EQ(d.outcome, Outcome::Retry) << "a sink that hangs times out";
  srv.set_hang(false);
  srv.set_down(true);
  d = s->deliver(sample());
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_FALSE(d.detail.empty());
}

TEST(SlackSink, BlockKitCarriesTheFactsPeopleNeed) {
  SinkTestServer srv;
  auto s = sink_ok("slack:" + srv.url("/services/T1/B2/XXXX"));
  ASSERT_TRUE(s);
  ASSERT_EQ(s->deliver(sample()).outcome, Outcome::Accepted);
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const std::string& body = reqs[0].body;
  simdjson::dom::parser p;
  simdjson::dom::element root;
  ASSERT_EQ(p.parse(body).get(root), simdjson::SUCCESS);
  simdjson::dom::array blocks;
  ASSERT_EQ(root["blocks"].get_array().get(blocks), simdjson::SUCCESS);
  EXPECT_EQ(std::string(blocks.at(0)["type"].get_string().value()), "header");
  for (const char* want : {"*Severity*\\ncritical", "*Account*\\n111122223333", "*Who*\\narn:aws:iam::111122223333:root",
                           "*From*\\n203.0.113.7", "*MFA*\\nno", "*Case*\\n#7", "Next step"})
    EXPECT_NE(body.find(want), std::string::npos) << want << " in " << body;
}

TEST(SyslogSink, Rfc5424OverUdpAndOctetCountedTcp) {
  Alert a = sample();
  std::string m = syslog_message(a, "host1", 0, 42);
  EXPECT_EQ(m.rfind("<82>1 1970-01-01T00:00:00Z host1 rootguard 42 D03 [rootguard@32473 key=\"D03:ev-1\"", 0), 0u) << m;
  EXPECT_NE(m.find("case=\"7\""), std::string::npos);

  rg::test::UdpReceiver udp;
  SinkOptions o;
  o.hostname = "host1";
  auto us = sink_ok("syslog:udp://127.0.0.1:" + std::to_string(udp.port()), o);
  ASSERT_TRUE(us);
  ASSERT_EQ(us->deliver(a).outcome, Outcome::Accepted);
  std::string got = udp.receive(2000);
  EXPECT_EQ(got.rfind("<82>1 ", 0), 0u) << got;
  EXPECT_NE(got.find(" host1 rootguard "), std::string::npos);

  SinkTestServer tcp(SinkTestServer::Mode::RawTcp);
  auto ts = sink_ok("syslog:tcp://127.0.0.1:" + std::to_string(tcp.port()), o);
  ASSERT_TRUE(ts);
  ASSERT_EQ(ts->deliver(sample(1)).outcome, Outcome::Accepted);
  ASSERT_EQ(ts->deliver(sample(2)).outcome, Outcome::Accepted);
  std::string stream;
  for (int i = 0; i < 200 && stream.find("ev-2") == std::string::npos; ++i) {
    auto r = tcp.requests();
    stream = r.empty() ? "" : r[0].body;
    usleep(10000);
  }
  // Two frames "LEN SP MSG", each LEN exactly the message's length.
  size_t pos = 0;
  for (int frame = 0; frame < 2; ++frame) {
    size_t sp = stream.find(' ', pos);
    ASSERT_NE(sp, std::string::npos);
    size_t len = std::stoul(stream.substr(pos, sp - pos));
    std::string msg = stream.substr(sp + 1, len);
    EXPECT_EQ(msg.rfind("<82>1 ", 0), 0u) << msg;
    EXPECT_NE(msg.find("ev-" + std::to_string(frame + 1)), std::string::npos);
    pos = sp + 1 + len;
  }
  EXPECT_EQ(pos, stream.size());
}

TEST(SmtpSink, SendsOneMailPerAlertAndRefusalIsRejected) {
  SinkTestServer srv(SinkTestServer::Mode::Smtp);
  SinkOptions o;
  o.timeout_ms = 3000;
  std::string spec = "smtp://127.0.0.1:" + std::to_string(srv.port()) + "/?from=rootguard@example.com&to=sec@example.com,oncall@example.com";
  auto s = sink_ok(spec, o);
  ASSERT_TRUE(s);
  Delivery d = s->deliver(sample());
  ASSERT_EQ(d.outcome, Outcome::Accepted) << d.detail;
  auto mails = srv.accepted();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].headers["mail from"], "<rootguard@example.com>");
  EXPECT_EQ(mails[0].headers["rcpt to"], "<sec@example.com><oncall@example.com>");
  EXPECT_NE(mails[0].body.find("Subject: [rootguard] CRITICAL D03 Root login without MFA in 111122223333 (case #7)"),
            std::string::npos) << mails[0].body;
  EXPECT_NE(mails[0].body.find("Next step: confirm with the token custodian"), std::string::npos);
  srv.set_status(550);
  EXPECT_EQ(s->deliver(sample(2)).outcome, Outcome::Rejected);
}

}  // namespace
}  // namespace rg::respond

namespace rg::respond {
namespace {

// Sink options whose AWS calls go to the loopback server (one try, fixed credentials), as
// cli/ gives the sns and securityhub sinks a client.
SinkOptions aws_options(const SinkTestServer& srv) {
  aws::Settings settings;
  settings.endpoint_flag = "http://127.0.0.1:" + std::to_string(srv.port());
  settings.region = "eu-west-1";
  aws::ClientOptions co;
  co.max_attempts = 1;
  auto client = std::make_shared<aws::Client>(
      [] { return rg::Result<aws::Credentials>(aws::Credentials{"AKIDEXAMPLE", "canary-secret", "", std::nullopt, "test"}); },
      settings, co);
  SinkOptions o;
  o.aws_call = [client](const aws::Request& r) { return client->call(r); };
  return o;
}

TEST(SnsSink, PublishesToTheTopicRegionWithTextAndJson) {
  SinkTestServer srv;
  srv.set_body("<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>");
  SinkOptions o = aws_options(srv);
  auto s = make_sink("sns:arn:aws:sns:us-east-1:111122223333:root-alerts", o);
  ASSERT_TRUE(s.ok()) << s.error().str();
  Delivery d = (*s)->deliver(sample());
  EXPECT_EQ(d.outcome, Outcome::Accepted) << d.detail;
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_NE(reqs[0].body.find("Action=Publish"), std::string::npos);
  EXPECT_NE(reqs[0].body.find("TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A111122223333%3Aroot-alerts"), std::string::npos);
  EXPECT_NE(reqs[0].body.find("MessageStructure=json"), std::string::npos);
  EXPECT_NE(reqs[0].headers["authorization"].find("/us-east-1/sns/aws4_request"), std::string::npos)
      << "signed for the topic's region";
  EXPECT_EQ(reqs[0].body.find("canary-secret"), std::string::npos);
  EXPECT_FALSE(make_sink("sns:arn:aws:sqs:us-east-1:1:q", o).ok());
  EXPECT_FALSE(make_sink("sns:arn:aws:sns:us-east-1:1:t", SinkOptions{}).ok());
}

// A Security Hub sink over a client pointed at the loopback server.
std::unique_ptr<Sink> securityhub(SinkTestServer& srv, const std::string& spec) {
  auto s = make_sink(spec, aws_options(srv));
  EXPECT_TRUE(s.ok()) << s.error().str();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(SecurityHubSink, ImportsAlertsAsAsffFindingsOfTheCallingAccountAHundredACall) {
  SinkTestServer srv;
  srv.set_body(R"({"FailedCount": 0, "SuccessCount": 100, "FailedFindings": []})");
  auto sink = securityhub(srv, "securityhub:us-east-1:999988887777");
  ASSERT_TRUE(sink);
  EXPECT_TRUE(sink->idempotent()) << "a finding imported again is updated, not repeated";
  std::vector<Alert> alerts;
  for (int i = 0; i < 150; ++i) alerts.push_back(make_alert(rg::test::root_login_finding(i, i % 2 ? "111122223333" : "444455556666"), 7));
  std::vector<Delivery> got = sink->deliver_batch(alerts);
  ASSERT_EQ(got.size(), 150u);
  for (const Delivery& d : got) EXPECT_EQ(d.outcome, Outcome::Accepted) << d.detail;
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 2u) << "at most 100 findings a call";
  EXPECT_EQ(reqs[0].line, "POST /findings/import HTTP/1.1");
  EXPECT_NE(reqs[0].headers["authorization"].find("/us-east-1/securityhub/aws4_request"), std::string::npos)
      << "signed for the product's region";
  EXPECT_EQ(reqs[0].body.find("canary-secret"), std::string::npos);
  simdjson::dom::parser p;
  std::size_t findings = 0;
  for (const auto& r : reqs) {
    simdjson::dom::element body;
    ASSERT_EQ(p.parse(r.body).get(body), simdjson::SUCCESS) << r.body.substr(0, 200);
    simdjson::dom::array list = body["Findings"].get_array().value();
    for (simdjson::dom::element f : list) {
      const Alert& a = alerts[findings++];
      EXPECT_EQ(std::string_view(f["SchemaVersion"].get_string().value()), "2018-10-08");
      EXPECT_EQ(std::string(f["Id"].get_string().value()), "rootguard/" + a.key);
      EXPECT_EQ(std::string_view(f["ProductArn"].get_string().value()),
                "arn:aws:securityhub:us-east-1:999988887777:product/999988887777/default");
      EXPECT_EQ(std::string_view(f["AwsAccountId"].get_string().value()), "999988887777")
          << "Security Hub takes findings only from the account they name";
      EXPECT_EQ(std::string(f["Resources"].at(0)["Id"].get_string().value()), "AWS::::Account:" + a.finding.account)
          << "the account the alert is about";
      EXPECT_EQ(std::string_view(f["Severity"]["Label"].get_string().value()), "CRITICAL");
      EXPECT_EQ(std::string_view(f["Title"].get_string().value()), "D03 Root login without MFA");
      EXPECT_EQ(std::string(f["CreatedAt"].get_string().value()), format_iso8601(a.finding.event.time_ms))
          << "the event's time: an import again changes nothing";
      EXPECT_EQ(std::string_view(f["Action"]["AwsApiCallAction"]["RemoteIpDetails"]["IpAddressV4"].get_string().value()),
                "203.0.113.7");
      EXPECT_EQ(std::string_view(f["ProductFields"]["rootguard/Case"].get_string().value()), "7");
      EXPECT_EQ(std::string_view(f["ProductFields"]["rootguard/MFA"].get_string().value()), "no");
    }
  }
  EXPECT_EQ(findings, 150u);
}

TEST(SecurityHubSink, AFindingSecurityHubRefusesIsRejectedAndTheOthersAccepted) {
  SinkTestServer srv;
  std::vector<Alert> alerts = {sample(1), sample(2), sample(3)};
  srv.set_body(R"({"FailedCount": 2, "SuccessCount": 1, "FailedFindings": [)"
               R"({"Id": "rootguard/)" + alerts[1].key + R"(", "ErrorCode": "InvalidInput", "ErrorMessage": "Title too long"},)"
               R"({"Id": "rootguard/)" + alerts[2].key + R"(", "ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"}]})");
  auto sink = securityhub(srv, "securityhub:arn:aws:securityhub:eu-central-1:999988887777:product/999988887777/default");
  ASSERT_TRUE(sink);
  std::vector<Delivery> got = sink->deliver_batch(alerts);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].outcome, Outcome::Accepted);
  EXPECT_EQ(got[1].outcome, Outcome::Rejected);
  EXPECT_EQ(got[1].detail, "Security Hub refused the finding: InvalidInput: Title too long");
  EXPECT_EQ(got[2].outcome, Outcome::Retry) << "throttling passes";
  EXPECT_NE(srv.requests()[0].headers["authorization"].find("/eu-central-1/securityhub/"), std::string::npos);
}

TEST(SecurityHubSink, SecurityHubNotEnabledOrNotAllowedKeepsTheAlertsForLater) {
  SinkTestServer srv;
  srv.set_status(403);
  srv.set_body(R"({"__type": "InvalidAccessException", "message": "Account 999988887777 is not subscribed to AWS Security Hub"})");
  auto sink = securityhub(srv, "securityhub:us-east-1:999988887777");
  ASSERT_TRUE(sink);
  std::vector<Delivery> got = sink->deliver_batch({sample(1), sample(2)});
  ASSERT_EQ(got.size(), 2u);
  for (const Delivery& d : got) {
    EXPECT_EQ(d.outcome, Outcome::Retry);
    EXPECT_EQ(d.detail, "Security Hub InvalidAccessException: Account 999988887777 is not subscribed to AWS Security Hub");
  }
  srv.set_status(400);
  srv.set_body(R"({"__type": "InvalidInputException", "message": "bad request"})");
  EXPECT_EQ(sink->deliver(sample(3)).outcome, Outcome::Rejected) << "a request Security Hub calls invalid will not pass later";
}

TEST(SecurityHubSink, LongTextIsCutOnCharacterBoundariesAndBadSpecsAreRefused) {
  SinkTestServer srv;
  srv.set_body(R"({"FailedCount": 0, "SuccessCount": 1, "FailedFindings": []})");
  auto sink = securityhub(srv, "securityhub:us-gov-west-1:999988887777");
  ASSERT_TRUE(sink);
  Alert a = sample(1);
  a.finding.reason = "a";
  for (int i = 0; i < 600; ++i) a.finding.reason += "\xC3\xA9";  // then 1,200 bytes of two-byte characters
  a.finding.title = std::string(300, 'x');
  EXPECT_EQ(sink->deliver(a).outcome, Outcome::Accepted);
  simdjson::dom::parser p;
  simdjson::dom::element body;
  ASSERT_EQ(p.parse(srv.requests()[0].body).get(body), simdjson::SUCCESS) << "valid UTF-8 JSON";
  simdjson::dom::element f = body["Findings"].at(0);
  EXPECT_EQ(f["Description"].get_string().value().size(), 1023u) << "the 1,024th byte begins a character";
  EXPECT_EQ(f["Title"].get_string().value().size(), 256u);
  EXPECT_EQ(std::string_view(f["ProductArn"].get_string().value()),
            "arn:aws-us-gov:securityhub:us-gov-west-1:999988887777:product/999988887777/default");
  // The caller: an IPv4 address, an IPv6 one (no ASFF field but ProductFields), or a service.
  for (const auto& [ip, caller] : std::vector<std::pair<std::string, std::string>>{
           {"2001:db8::7", "remoteip"}, {"cloudformation.amazonaws.com", "domain"}}) {
    Alert b = sample(2);
    b.finding.event.source_ip = ip;
    EXPECT_EQ(sink->deliver(b).outcome, Outcome::Accepted);
    simdjson::dom::element last;
    ASSERT_EQ(p.parse(srv.requests().back().body).get(last), simdjson::SUCCESS);
    simdjson::dom::element call = last["Findings"].at(0)["Action"]["AwsApiCallAction"];
    EXPECT_EQ(std::string(call["CallerType"].get_string().value()), caller) << ip;
    EXPECT_EQ(call["RemoteIpDetails"].error(), simdjson::NO_SUCH_FIELD) << ip;
    EXPECT_EQ(std::string(last["Findings"].at(0)["ProductFields"]["rootguard/SourceIp"].get_string().value()), ip);
  }

  SinkOptions with_aws;
  with_aws.aws_call = [](const aws::Request&) { return aws::CallResult{}; };
  for (const char* bad : {"securityhub:us-east-1", "securityhub:us-east-1:12345", "securityhub:useast1:999988887777",
                          "securityhub:arn:aws:securityhub:us-east-1:999988887777:product/111122223333/default"}) {
    auto s = make_sink(bad, with_aws);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.error().what.find("securityhub needs REGION:ACCOUNT"), std::string::npos) << s.error().what;
  }
  EXPECT_FALSE(make_sink("securityhub:us-east-1:999988887777", SinkOptions{}).ok()) << "needs an AWS client";
}

}  // namespace
}  // namespace rg::respond
