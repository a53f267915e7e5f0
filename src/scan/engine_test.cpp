#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "cloudtrail/framing.h"
#include "core/cpu.h"
#include "core/strings.h"
#include "core/time.h"
#include "io/source.h"
#include "respond/alert.h"
#include "scan/prefilter.h"
#include "scan/scan.h"
#include "sigma/correlation.h"
#include "test_util.h"

namespace rg::scan {
namespace {

namespace fs = std::filesystem;

// A test-only detector (the real rules live in sigma/): rule 0 fires on any Root event,
// rule 1 on ConsoleLogin (critical when it failed).
class TestDetector : public Detector {
 public:
  TestDetector() {
    infos_.resize(2);
    infos_[0].id = "T01";
    infos_[0].title = "Root activity";
    infos_[0].severity = Severity::High;
    infos_[0].practice = "P1";
    infos_[0].next_step = "Check it";
    infos_[1].id = "T02";
    infos_[1].title = "Console login";
    infos_[1].severity = Severity::Medium;
    literals_ = sigma::Literals{sigma::Literal::plain("root"), sigma::Literal::plain("consolelogin")};
  }
  const std::optional<sigma::Literals>& prefilter_literals() const override { return literals_; }
  void match(const cloudtrail::EventView& ev, std::vector<sigma::Match>& out) const override {
    std::string_view type, name, login;
    if (!ev.event["userIdentity"]["type"].get_string().get(type) && iequals(type, "root"))
      out.push_back({0, Severity::High});
    if (!ev.event["eventName"].get_string().get(name) && iequals(name, "consolelogin")) {
      bool failed = !ev.event["responseElements"]["ConsoleLogin"].get_string().get(login) && login == "Failure";
      out.push_back({1, failed ? Severity::Critical : Severity::Medium});
    }
  }
  const sigma::RuleInfo& info(std::size_t i) const override { return infos_[i]; }

 private:
  std::vector<sigma::RuleInfo> infos_;
  std::optional<sigma::Literals> literals_;
};

// Keeps the findings. With `ahead`, it also lets the engine render them ahead, as JSON, and
// keeps the output it hands back in order (`out`), beside the JSON of the findings it hands
// over whole.
class CollectSink : public FindingSink {
 public:
  explicit CollectSink(bool ahead = false) : ahead_(ahead) {}
  bool on_finding(const Finding& f) override {
    findings.push_back(f);
    out.push_back(respond::finding_to_json(f));
    return true;
  }
  bool renders_ahead() const override { return ahead_; }
  std::string render(const Finding& f) const override { return respond::finding_to_json(f); }
  bool on_rendered(std::string_view output) override {
    out.emplace_back(output);
    ++rendered;
    return true;
  }
  std::vector<Finding> findings;
  std::vector<std::string> out;
  std::size_t rendered = 0;

 private:
  bool ahead_ = false;
};

struct ScanRun {
  Report report;
  std::vector<Finding> findings;
  std::vector<std::string> lines;
  std::vector<std::string> out;  // CollectSink::out
  std::size_t rendered = 0;
};

ScanRun scan_paths(const std::vector<std::string>& paths, Options o = {}, const Detector* d = nullptr) {
  static TestDetector det;
  ScanRun r;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { r.lines.push_back(l); });
  auto srcs = io::expand(paths, io::Env::posix(), diag);
  CollectSink sink;
  r.report = run(srcs, d ? *d : det, o, sink, diag);
  r.findings = sink.findings;
  return r;
}

std::string key(const Finding& f) {
  return f.id + "|" + std::string(to_string(f.severity)) + "|" + f.event.event_time + "|" + f.event.event_id + "|" +
         f.account + "|" + f.event.input + "|" + f.reason;
}
std::vector<std::string> keys(const std::vector<Finding>& fs) {
  std::vector<std::string> k;
  for (auto& f : fs) k.push_back(key(f));
  return k;
}

const char* kRootLogin = R"({"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""},"eventTime":"2026-03-01T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No"},"eventID":"e-1","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"})";
const char* kUserCall = R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"},"eventTime":"2026-03-01T09:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.9","eventID":"e-0","eventType":"AwsApiCall","recipientAccountId":"111122223333"})";
const char* kRootKey = R"({"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::444455556666:root","accountId":"444455556666","accessKeyId":"AKIAEXAMPLEROOTKEY01","sessionContext":{"attributes":{"mfaAuthenticated":"true"}}},"eventTime":"2026-02-01T08:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","requestParameters":{"userName":"backdoor"},"eventID":"e-2","eventType":"AwsApiCall","recipientAccountId":"444455556666"})";

TEST(Scan, FindingCarriesTheEvidence) {
  test::TempDir dir;
  test::write_file(dir / "t.json.gz", test::gzip(std::string("{\"Records\":[") + kUserCall + "," + kRootLogin + "]}"));
  auto r = scan_paths({(dir / "t.json.gz").string()});
  EXPECT_TRUE(r.lines.empty());
  ASSERT_EQ(r.findings.size(), 2u);  // T01 and T02 on the same event
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.id, "T01");
  EXPECT_EQ(f.severity, Severity::High);
  EXPECT_EQ(f.account, "111122223333");
  EXPECT_EQ(f.region, "us-east-1");
  EXPECT_EQ(f.event.principal, "arn:aws:iam::111122223333:root");
  EXPECT_EQ(f.event.source_ip, "198.51.100.7");
  EXPECT_EQ(f.event.mfa, "no");
  EXPECT_EQ(f.event.event_name, "ConsoleLogin");
  EXPECT_EQ(f.event.event_type, "AwsConsoleSignIn");
  EXPECT_EQ(f.event.time_ms, 1772359200000);
  EXPECT_EQ(f.practice, "P1");
  EXPECT_EQ(f.next_step, "Check it");
  std::size_t off = std::string("{\"Records\":[").size() + std::strlen(kUserCall) + 1;
  EXPECT_EQ(f.event.input, (dir / "t.json.gz").string() + ":" + std::to_string(off));
  EXPECT_NE(f.reason.find("Root ConsoleLogin"), std::string::npos) << f.reason;
  EXPECT_NE(f.reason.find("198.51.100.7"), std::string::npos) << f.reason;
  EXPECT_EQ(r.report.files, 1u);
  EXPECT_EQ(r.report.records, 2u);
  EXPECT_EQ(r.report.per_file[0].shape, cloudtrail::Shape::S3Records);
  EXPECT_TRUE(r.report.per_file[0].gzip);
  EXPECT_EQ(r.report.by_severity[static_cast<int>(Severity::High)], 1u);
}

// An attacker chooses the user agent (and the event's other free text): control characters
// (terminal escapes, line breaks) become spaces in the finding, and long values are cut.
TEST(Scan, ControlCharactersInTheEventDoNotReachTheFinding) {
  test::TempDir dir;
  std::string ev = kRootLogin;
  ev.replace(ev.find("\"Mozilla/5.0\""), 13, "\"curl\\u001b[2J\\nfake line\\r\\u007f\\t" + std::string(300, 'x') + "\"");
  ev.replace(ev.find("\"198.51.100.7\""), 14, "\"198.51.100.7\\n2026-03-01 ok\"");
  test::write_file(dir / "t.json", ev);
  auto r = scan_paths({(dir / "t.json").string()});
  ASSERT_EQ(r.findings.size(), 2u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.event.user_agent, "curl [2J fake line   " + std::string(256 - 21, 'x') + "...");
  EXPECT_EQ(f.event.source_ip, "198.51.100.7 2026-03-01 ok");
  for (const std::string& text : {f.reason, f.event.user_agent, f.event.source_ip})
    for (char c : text) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << text;
}

TEST(Scan, EnvelopesAreRemovedBeforeRulesSeeTheEvent) {
  test::TempDir dir;
  std::string eb = std::string(R"({"version":"0","id":"x","detail-type":"AWS Console Sign In via CloudTrail","source":"aws.signin","account":"111122223333","time":"2026-03-01T10:00:00Z","region":"us-east-1","resources":[],"detail":)") + kRootLogin + "}";
  test::write_file(dir / "eb.jsonl", eb + "\n" + eb + "\n");
  std::string lookup = std::string(R"({"Events":[{"EventId":"e-2","EventName":"CreateUser","CloudTrailEvent":")") + json_escape(kRootKey) + "\"}]}";
  test::write_file(dir / "lookup.json", lookup);
  Options o;
  o.min_severity = Severity::High;
  auto r = scan_paths({dir.path().string()}, o);
  EXPECT_TRUE(r.lines.empty()) << r.lines[0];
  ASSERT_EQ(r.findings.size(), 2u);  // the EventBridge copy is de-duplicated by eventID
  EXPECT_EQ(r.findings[0].event.event_name, "CreateUser");
  EXPECT_EQ(r.findings[0].event.mfa, "yes");
  EXPECT_EQ(r.findings[0].event.access_key_id, "AKIAEXAMPLEROOTKEY01");
  EXPECT_EQ(r.findings[0].resource, "backdoor");
  EXPECT_EQ(r.findings[1].event.event_name, "ConsoleLogin");
  EXPECT_EQ(r.findings[1].event.input, (dir / "eb.jsonl").string() + ":1");
  EXPECT_EQ(r.report.per_file[0].shape, cloudtrail::Shape::EventBridge);
  EXPECT_EQ(r.report.per_file[1].shape, cloudtrail::Shape::LookupEvents);
}

TEST(Scan, RecordKindsAreToldApartInJsonLines) {
  // One object per line: lookup-events entries whose event comes last, after more than the
  // first 512 bytes; an EventBridge envelope around an event no rule matches (the file's
  // shape is still known); a bare event.
  test::TempDir dir;
  const std::string pad(700, 'x');
  std::string lookup;
  for (int i = 0; i < 2; ++i)
    lookup += std::string(R"({"EventId":"e-2","EventName":"CreateUser","Resources":[{"ResourceName":")") + pad +
              R"("}],"CloudTrailEvent":")" + json_escape(kRootKey) + "\"}\n";
  test::write_file(dir / "a-lookup.jsonl", lookup);
  test::write_file(dir / "b-eb.jsonl",
                   std::string(R"({"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":)") +
                       kUserCall + "}\n");
  test::write_file(dir / "c-events.jsonl", std::string(kUserCall) + "\n" + kRootLogin + "\n");
  Options o;
  o.min_severity = Severity::High;
  auto r = scan_paths({dir.path().string()}, o);
  EXPECT_TRUE(r.lines.empty()) << r.lines[0];
  ASSERT_EQ(r.findings.size(), 2u);  // the two lookup lines hold one event
  EXPECT_EQ(r.findings[0].event.event_name, "CreateUser");
  EXPECT_EQ(r.findings[0].event.access_key_id, "AKIAEXAMPLEROOTKEY01");
  EXPECT_EQ(r.findings[1].event.event_name, "ConsoleLogin");
  ASSERT_EQ(r.report.per_file.size(), 3u);
  EXPECT_EQ(r.report.per_file[0].shape, cloudtrail::Shape::LookupEvents);
  EXPECT_EQ(r.report.per_file[1].shape, cloudtrail::Shape::EventBridge);
  EXPECT_EQ(r.report.per_file[2].shape, cloudtrail::Shape::JsonLines);
}

// CloudTrail delivered to CloudWatch Logs and read back: a subscription's envelopes as Firehose
// writes them to S3 (gzip members back to back, a control message first), filter-log-events
// output, its events flattened one per line, and an envelope with sorted keys (its logEvents
// come first, so the framer splits them). Each holds the same three events as plain JSON lines.
TEST(Scan, CloudWatchLogsShapesHoldTheSameEvents) {
  test::TempDir dir;
  const std::vector<std::string> events{kUserCall, kRootLogin, kRootKey};
  auto log_event = [&](std::size_t i, const std::string& message) {
    return R"({"id":")" + std::to_string(i) + R"(","timestamp":1795000000000,"message":")" + json_escape(message) + "\"}";
  };
  auto envelope = [&](const std::string& type, const std::vector<std::string>& messages) {
    std::string s = R"({"messageType":")" + type +
                    R"(","owner":"111122223333","logGroup":"aws-cloudtrail-logs","logStream":"111122223333_CloudTrail_us-east-1",)"
                    R"("subscriptionFilters":["to-firehose"],"logEvents":[)";
    for (std::size_t i = 0; i < messages.size(); ++i) s += (i ? "," : "") + log_event(i, messages[i]);
    return s + "]}";
  };
  test::write_file(dir / "bare.jsonl", events[0] + "\n" + events[1] + "\n" + events[2] + "\n");
  test::write_file(dir / "firehose.gz",
                   test::gzip(envelope("CONTROL_MESSAGE", {"CWL CONTROL MESSAGE: Checking health of destination Firehose."})) +
                       test::gzip(envelope("DATA_MESSAGE", {events[0], events[1]})) +
                       test::gzip(envelope("DATA_MESSAGE", {events[2]})));
  std::string filter = "{\n    \"events\": [";
  std::string flat;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string e = R"({"logStreamName":"s","timestamp":1795000000000,"message":")" + json_escape(events[i]) +
                          R"(","ingestionTime":1795000000100,"eventId":")" + std::to_string(i) + "\"}";
    filter += (i ? ",\n        " : "\n        ") + e;
    flat += e + "\n";
  }
  test::write_file(dir / "filter.json", filter + "\n    ],\n    \"searchedLogStreams\": []\n}\n");
  test::write_file(dir / "flat.jsonl", flat);
  std::string sorted = R"({"logEvents":[)";
  for (std::size_t i = 0; i < events.size(); ++i) sorted += (i ? "," : "") + log_event(i, events[i]);
  test::write_file(dir / "sorted.json", sorted + R"(],"logGroup":"g","messageType":"DATA_MESSAGE","owner":"1"})");

  const ScanRun want = scan_paths({(dir / "bare.jsonl").string()});
  ASSERT_EQ(want.findings.size(), 3u);
  for (const char* name : {"firehose.gz", "filter.json", "flat.jsonl", "sorted.json"}) {
    SCOPED_TRACE(name);
    const ScanRun got = scan_paths({(dir / name).string()});
    EXPECT_TRUE(got.lines.empty()) << got.lines[0];
    ASSERT_EQ(got.findings.size(), want.findings.size());
    for (std::size_t i = 0; i < want.findings.size(); ++i) {
      EXPECT_EQ(got.findings[i].id, want.findings[i].id);
      EXPECT_EQ(got.findings[i].severity, want.findings[i].severity);
      EXPECT_EQ(got.findings[i].event.event_id, want.findings[i].event.event_id);
      EXPECT_EQ(got.findings[i].event.access_key_id, want.findings[i].event.access_key_id);
    }
    ASSERT_EQ(got.report.per_file.size(), 1u);
    EXPECT_EQ(got.report.per_file[0].records, 3u);  // the control message is not an event
    EXPECT_EQ(got.report.per_file[0].shape, cloudtrail::Shape::CloudWatchLogs);
  }

  // A log group that is not CloudTrail's: one line for the message that is not an event, and
  // the events beside it are still scanned.
  test::write_file(dir / "mixed.json", envelope("DATA_MESSAGE", {"START RequestId: 1f2e Version: $LATEST", events[1]}));
  const ScanRun mixed = scan_paths({(dir / "mixed.json").string()});
  ASSERT_EQ(mixed.lines.size(), 1u);
  EXPECT_NE(mixed.lines[0].find("mixed.json: offset 0: CloudWatch Logs message is not a JSON event"), std::string::npos)
      << mixed.lines[0];
  ASSERT_EQ(mixed.findings.size(), 2u);
  EXPECT_EQ(mixed.findings[0].event.event_id, "e-1");
  EXPECT_EQ(mixed.report.per_file[0].errors, 1u);
}

// A file with more bad lines than are shown is still scanned to its end: every event after
// the twentieth error is found, and the errors not shown still count.
TEST(Scan, AFileWithManyBadLinesIsScannedToItsEnd) {
  test::TempDir dir;
  std::string text;
  for (int i = 0; i < 40; ++i) {
    std::string ev(kRootLogin);
    ev.replace(ev.find("\"e-1\""), 5, "\"e-" + std::to_string(100 + i) + "\"");
    text += ev + "\n{\"broken\":\n";
  }
  test::write_file(dir / "export.jsonl", text);
  auto r = scan_paths({(dir / "export.jsonl").string()});
  EXPECT_EQ(r.report.records, 40u);
  std::set<std::string> ids;
  for (const Finding& f : r.findings) ids.insert(f.event.event_id);
  EXPECT_EQ(ids.size(), 40u);
  ASSERT_EQ(r.lines.size(), 21u);
  EXPECT_NE(r.lines.back().find("20 more errors in this file, not shown"), std::string::npos) << r.lines.back();
  EXPECT_EQ(r.report.errors, 40u);
}

TEST(Scan, FiltersAndOrderAreIndependentOfJobs) {
  test::TempDir dir;
  for (int i = 0; i < 12; ++i) {
    std::string recs;
    for (int k = 0; k < 5; ++k) {
      std::string e = kRootKey;
      e = std::regex_replace(e, std::regex("e-2"), "e-" + std::to_string(i * 10 + k));
      e = std::regex_replace(e, std::regex("2026-02-01T08"), "2026-02-" + std::string(i < 9 ? "0" : "") +
                                                                 std::to_string(i + 1) + "T0" + std::to_string(k));
      recs += (k ? "," : "") + e;
    }
    test::write_file(dir / ("f" + std::to_string(i) + ".json"), "{\"Records\":[" + recs + "]}");
  }
  Options o1, o4;
  o1.jobs = 1;
  o4.jobs = 4;
  auto a = scan_paths({dir.path().string()}, o1);
  auto b = scan_paths({dir.path().string()}, o4);
  ASSERT_EQ(a.findings.size(), 60u);
  EXPECT_EQ(keys(a.findings), keys(b.findings));
  for (std::size_t i = 1; i < a.findings.size(); ++i) EXPECT_FALSE(finding_less(a.findings[i], a.findings[i - 1]));

  Options f;
  f.since_ms = *parse_iso8601_ms("2026-02-03");
  f.until_ms = *parse_iso8601_ms("2026-02-05");
  EXPECT_EQ(scan_paths({dir.path().string()}, f).findings.size(), 10u);
  f = {};
  f.accounts = {"999999999999"};
  EXPECT_EQ(scan_paths({dir.path().string()}, f).findings.size(), 0u);
  f.accounts = {"444455556666"};
  EXPECT_EQ(scan_paths({dir.path().string()}, f).findings.size(), 60u);
  f = {};
  f.min_severity = Severity::Critical;
  EXPECT_EQ(scan_paths({dir.path().string()}, f).findings.size(), 0u);
}

// Workers take files from both ends of the size order (the last one smallest first): every
// file is scanned exactly once, whatever the number of files and of jobs.
TEST(Scan, EveryFileIsScannedOnceWhateverTheJobs) {
  for (int nfiles = 1; nfiles <= 7; ++nfiles) {
    test::TempDir dir;
    std::uint64_t events = 0;
    for (int i = 0; i < nfiles; ++i) {
      const int n = 1 + (i * 3) % 5;  // sizes differ, some repeat
      std::string recs;
      for (int k = 0; k < n; ++k) {
        std::string e = std::regex_replace(std::string(kRootKey), std::regex("e-2"), "e-" + std::to_string(i * 10 + k));
        recs += (k ? "," : "") + e;
      }
      events += static_cast<std::uint64_t>(n);
      test::write_file(dir / ("f" + std::to_string(i) + ".json"), "{\"Records\":[" + recs + "]}");
    }
    std::vector<std::string> want;
    for (unsigned jobs = 1; jobs <= 5; ++jobs) {
      SCOPED_TRACE(std::to_string(nfiles) + " files, -j" + std::to_string(jobs));
      Options o;
      o.jobs = jobs;
      auto r = scan_paths({dir.path().string()}, o);
      EXPECT_EQ(r.report.files, static_cast<std::uint64_t>(nfiles));
      EXPECT_EQ(r.report.records, events);
      ASSERT_EQ(r.report.per_file.size(), static_cast<std::size_t>(nfiles));
      for (int i = 0; i < nfiles; ++i)  // in walk order: f0, f1, ...
        EXPECT_EQ(r.report.per_file[static_cast<std::size_t>(i)].records, static_cast<std::uint64_t>(1 + (i * 3) % 5));
      EXPECT_EQ(r.findings.size(), events);
      if (jobs == 1) want = keys(r.findings);
      EXPECT_EQ(keys(r.findings), want);
    }
  }
}

TEST(Scan, AddendumRedeliveryKeepsOneFindingPerEvent) {
  test::TempDir dir;
  std::string again = std::string(kRootKey);
  again.insert(again.size() - 1, R"(,"addendum":{"reason":"DELIVERY_DELAY","updatedFields":"sourceIPAddress"})");
  again = std::regex_replace(again, std::regex("192.0.2.1"), "192.0.2.99");
  test::write_file(dir / "a.json", std::string("{\"Records\":[") + kRootKey + "]}");
  test::write_file(dir / "b.json", "{\"Records\":[" + again + "]}");
  auto r = scan_paths({dir.path().string()});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].event.source_ip, "192.0.2.99");
}

// Produces a 200 MB single-line record without holding it.
class BigLineReader : public io::Reader {
 public:
  Result<std::size_t> read(char* buf, std::size_t n) override {
    static const std::string head = "{\"Records\":[{\"eventName\":\"X\",\"userIdentity\":{\"type\":\"Root\"},\"pad\":\"";
    static const std::string tail = std::string("\"},") + std::regex_replace(std::string(kRootLogin), std::regex("e-1"), "big") + "]}";
    const std::uint64_t body = 200ull << 20, total = head.size() + body + tail.size();
    std::size_t k = 0;
    while (k < n && pos_ < total) {
      if (pos_ < head.size()) {
        buf[k++] = head[pos_++];
      } else if (pos_ < head.size() + body) {
        std::size_t run = static_cast<std::size_t>(std::min<std::uint64_t>(n - k, head.size() + body - pos_));
        std::memset(buf + k, 'a', run);
        k += run;
        pos_ += run;
      } else {
        buf[k++] = tail[pos_++ - head.size() - body];
      }
    }
    return k;
  }

 private:
  std::uint64_t pos_ = 0;
};

std::string root_login(const std::string& id) {
  return std::regex_replace(std::string(kRootLogin), std::regex("\"e-1\""), "\"" + id + "\"");
}

// Past its memory budget the scan sorts the findings it holds and writes them to a
// temporary file, then merges them back. Spilled on every finding (so merged in several
// passes), on one worker or three, the built-in rules give the same findings in the same
// order, re-deliveries left out the same way and correlations (which feed on spilled
// matches) firing the same; with no temporary file to be had, the same again, with one
// warning.
TEST(Scan, SpilledFindingsComeOutTheSame) {
  Diagnostics quiet(Diagnostics::silent());
  sigma::LoadOptions lo;
  lo.tests = false;
  const sigma::RuleSet rules = sigma::load_rules(lo, quiet);
  ASSERT_GT(rules.correlation_count(), 0u);
  test::TempDir dir, tmp;
  std::string again = std::string(kRootKey);
  again.insert(again.size() - 1, R"(,"addendum":{"reason":"DELIVERY_DELAY","updatedFields":"sourceIPAddress"})");
  again = std::regex_replace(again, std::regex("192.0.2.1"), "192.0.2.99");
  test::write_file(dir / "a.json", std::string("{\"Records\":[") + kRootKey + "]}");
  test::write_file(dir / "b.json", "{\"Records\":[" + again + "," + root_login("x") + "]}");
  std::string failures;
  for (int i = 0; i < 12; ++i) {  // a burst of failed root sign-ins: the brute-force correlation
    std::string e = std::regex_replace(root_login("fail-" + std::to_string(i)), std::regex("Success"), "Failure");
    e = std::regex_replace(e, std::regex("10:00:00"), "10:0" + std::to_string(i % 10) + ":" + std::to_string(10 + i));
    failures += e + "\n";
  }
  test::write_file(dir / "c.jsonl", failures);
  std::vector<std::string> paths{(test::source_dir() / "examples" / "cloudtrail").string(), dir.path().string()};
  fs::path pub = test::shared_testdata() / "cloudtrail-public";
  if (fs::exists(pub)) paths.push_back(pub.string());

  auto scan_with = [&](unsigned jobs, std::size_t budget, const std::string& temp_dir, bool ahead = false) {
    ScanRun r;
    Diagnostics diag([&](Diagnostics::Level, const std::string& l) { r.lines.push_back(l); });
    auto srcs = io::expand(paths, io::Env::posix(), diag);
    CollectSink sink(ahead);
    Options o;
    o.jobs = jobs;
    o.findings_budget = budget;
    o.temp_dir = temp_dir;
    r.report = run(srcs, rules, o, sink, diag);
    r.findings = sink.findings;
    r.out = sink.out;
    r.rendered = sink.rendered;
    std::sort(r.lines.begin(), r.lines.end());  // workers report in the order they meet them
    return r;
  };
  const ScanRun held = scan_with(2, Options{}.findings_budget, tmp.path().string());
  std::set<std::string> ids;
  for (const Finding& f : held.findings) ids.insert(f.id);
  EXPECT_TRUE(ids.count("D04B")) << "the correlation fired";
  EXPECT_EQ(std::count_if(held.findings.begin(), held.findings.end(),
                          [](const Finding& f) { return f.event.event_id == "e-2" && f.id == "D10"; }),
            1);
  for (const Finding& f : held.findings) {
    if (f.event.event_id == "e-2") {
      EXPECT_EQ(f.event.source_ip, "192.0.2.99") << f.id;
    }
  }
  // Every field of every finding, the rule's title, practice and next step included (they are
  // added only as findings are printed).
  auto whole = [](const std::vector<Finding>& fs) {
    std::vector<std::string> v;
    for (const Finding& f : fs) v.push_back(respond::finding_to_json(f));
    return v;
  };
  for (const Finding& f : held.findings) {
    EXPECT_FALSE(f.title.empty() || f.practice.empty() || f.next_step.empty()) << f.id;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (rules.info(i).id == f.id) {
        EXPECT_EQ(f.next_step, rules.info(i).next_step) << f.id;
      }
    }
  }
  for (unsigned jobs : {1u, 3u}) {
    SCOPED_TRACE("-j" + std::to_string(jobs));
    const ScanRun spilled = scan_with(jobs, 1, tmp.path().string());
    EXPECT_EQ(keys(spilled.findings), keys(held.findings));
    EXPECT_EQ(whole(spilled.findings), whole(held.findings));
    EXPECT_EQ(spilled.report.findings, held.report.findings);
    EXPECT_EQ(spilled.report.by_severity, held.report.by_severity);
    EXPECT_EQ(spilled.lines, held.lines);
  }
  // A sink that renders ahead (as the output formats do) has the findings rendered on the
  // workers and held as its output until their turn, held or spilled: the same output. The
  // correlations' findings are handed over whole.
  std::set<std::string> correlation_ids;
  for (std::size_t c = 0; c < rules.correlation_count(); ++c) correlation_ids.insert(rules.correlation(c).info.id);
  for (unsigned jobs : {1u, 3u}) {
    for (std::size_t budget : {Options{}.findings_budget, std::size_t{1}}) {
      SCOPED_TRACE("ahead, -j" + std::to_string(jobs) + ", budget " + std::to_string(budget));
      const ScanRun ahead = scan_with(jobs, budget, tmp.path().string(), true);
      EXPECT_EQ(ahead.out, whole(held.findings));
      EXPECT_GT(ahead.rendered, 0u);
      EXPECT_EQ(ahead.findings.size(), ahead.out.size() - ahead.rendered);
      for (const Finding& f : ahead.findings) EXPECT_TRUE(correlation_ids.count(f.id)) << f.id;
      EXPECT_EQ(ahead.report.by_severity, held.report.by_severity);
      EXPECT_EQ(ahead.lines, held.lines);
    }
  }
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "temporary files are unlinked at once";
  const ScanRun unspillable = scan_with(2, 1, (tmp / "missing").string());
  EXPECT_EQ(keys(unspillable.findings), keys(held.findings));
  ASSERT_EQ(unspillable.lines.size(), held.lines.size() + 1);
  EXPECT_EQ(std::count_if(unspillable.lines.begin(), unspillable.lines.end(),
                          [](const std::string& l) { return l.find("held in memory instead") != std::string::npos; }),
            1);
}

// scan over a stream (a walk taken a batch at a time, so that a million files are never
// listed whole) finds what it finds over the list of the same files, in the same order, and
// counts the same: in batches of one file, of a few and of all, on one worker or three.
TEST(Scan, AStreamOfSourcesGivesWhatTheirListGives) {
  Diagnostics quiet(Diagnostics::silent());
  sigma::LoadOptions lo;
  lo.tests = false;
  const sigma::RuleSet rules = sigma::load_rules(lo, quiet);
  test::TempDir dir;
  test::write_file(dir / "a.json", std::string("{\"Records\":[") + kRootKey + "," + kRootLogin + "]}");
  test::write_file(dir / "b.json", "{\"Records\":[" + root_login("x") + ",");  // damaged
  std::vector<std::string> paths{(test::source_dir() / "examples" / "cloudtrail").string(), dir.path().string()};
  fs::path pub = test::shared_testdata() / "cloudtrail-public";
  if (fs::exists(pub)) paths.push_back(pub.string());

  auto scan_with = [&](unsigned jobs, std::size_t batch) {  // batch 0: over the list
    ScanRun r;
    Diagnostics diag([&](Diagnostics::Level, const std::string& l) { r.lines.push_back(l); });
    CollectSink sink;
    Options o;
    o.jobs = jobs;
    o.stream_batch = batch;
    if (batch == 0) {
      r.report = run(io::expand(paths, io::Env::posix(), diag), rules, o, sink, diag);
    } else {
      io::Walk walk(paths, io::Env::posix(), diag, nullptr, batch);
      r.report = run(walk, rules, o, sink, diag);
    }
    r.findings = sink.findings;
    std::sort(r.lines.begin(), r.lines.end());  // workers report in the order they meet them
    return r;
  };
  const ScanRun listed = scan_with(2, 0);
  EXPECT_GT(listed.findings.size(), 20u);
  EXPECT_GE(listed.report.errors, 1u);  // the damaged file (and the public logs' broken ones)
  for (unsigned jobs : {1u, 3u}) {
    for (std::size_t batch : {1u, 3u, 4096u}) {
      SCOPED_TRACE("-j" + std::to_string(jobs) + ", batches of " + std::to_string(batch));
      const ScanRun streamed = scan_with(jobs, batch);
      EXPECT_EQ(keys(streamed.findings), keys(listed.findings));
      EXPECT_EQ(streamed.report.findings, listed.report.findings);
      EXPECT_EQ(streamed.report.by_severity, listed.report.by_severity);
      EXPECT_EQ(streamed.report.files, listed.report.files);
      EXPECT_EQ(streamed.report.records, listed.report.records);
      EXPECT_EQ(streamed.report.parsed, listed.report.parsed);
      EXPECT_EQ(streamed.report.bytes_in, listed.report.bytes_in);
      EXPECT_EQ(streamed.report.bytes_out, listed.report.bytes_out);
      EXPECT_EQ(streamed.report.errors, listed.report.errors);
      EXPECT_EQ(streamed.lines, listed.lines);
      EXPECT_TRUE(streamed.report.per_file.empty()) << "a stream keeps no list of its files";
    }
  }
  EXPECT_EQ(listed.report.per_file.size(), listed.report.files);
}

TEST(Scan, EveryBadInputCostsOneLineAndTheRestIsScanned) {
  test::TempDir dir;
  std::string good = "{\"Records\":[" + root_login("g") + "]}";
  std::string gz = test::gzip(std::string("{\"Records\":[") + kRootKey + "," + kUserCall + "," + kUserCall + "]}");
  test::write_file(dir / "00-good.json", good);
  test::write_file(dir / "01-truncated.json.gz", gz.substr(0, gz.size() - 20));
  std::string crc = test::gzip(std::string("{\"Records\":[") + std::regex_replace(std::string(kRootKey), std::regex("e-2"), "e-3") + "]}");
  crc[crc.size() - 6] ^= 1;
  test::write_file(dir / "02-badcrc.json.gz", crc);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>(i * 131 % 256));
  test::write_file(dir / "03-garbage.bin", "\x89PNG" + garbage);
  test::write_file(dir / "04-empty.json", "");
  test::write_file(dir / "05-invalid-mid.jsonl", std::string(kUserCall) + "\n{\"userIdentity\":{\"type\":\"Root\"},\"eventName\":tru}\n" + root_login("i") + "\n");
  test::write_file(dir / "06-nonobject.json", "{\"Records\":[\"Root\"," + root_login("n") + "]}");
  test::write_file(dir / "07-noname.json", R"({"Records":[{"userIdentity":{"type":"Root"}},{"eventName":"Root"}]})");
  test::write_file(dir / "08-deep.json", "{\"Records\":[{\"root\":" + std::string(100000, '[') + std::string(100000, ']') + "}]}");
  fs::create_symlink(dir / "09-loop", dir / "09-loop");

  ScanRun r;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { r.lines.push_back(l); });
  auto srcs = io::expand({dir.path().string()}, io::Env::posix(), diag);
  io::Source big;
  big.name = "10-biggest-line.json";
  big.open = []() -> Result<std::unique_ptr<io::Reader>> { return std::unique_ptr<io::Reader>(new BigLineReader()); };
  srcs.push_back(big);
  CollectSink sink;
  Options o;
  o.jobs = 2;
  TestDetector det;
  r.report = run(srcs, det, o, sink, diag);
  r.findings = sink.findings;

  std::map<std::string, int> per_file;
  for (const std::string& l : r.lines) {
    auto p = l.find(dir.path().string());
    std::string name = p == std::string::npos ? l.substr(0, l.find(':')) : fs::path(l.substr(p, l.find(':', p) - p)).filename().string();
    ++per_file[name];
  }
  for (const char* n : {"01-truncated.json.gz", "02-badcrc.json.gz", "03-garbage.bin", "04-empty.json",
                        "05-invalid-mid.jsonl", "06-nonobject.json", "08-deep.json", "09-loop", "10-biggest-line.json"}) {
    EXPECT_EQ(per_file[n], 1) << n;
  }
  EXPECT_EQ(per_file["07-noname.json"], 2);  // one per bad event
  EXPECT_EQ(per_file["00-good.json"], 0);
  auto has = [&](const std::string& needle) {
    for (auto& l : r.lines)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("truncated gzip"));
  EXPECT_TRUE(has("CRC"));
  EXPECT_TRUE(has("05-invalid-mid.jsonl: line 2: invalid JSON"));
  EXPECT_TRUE(has("without eventName"));
  EXPECT_TRUE(has("without userIdentity"));
  EXPECT_TRUE(has("10-biggest-line.json: offset 12: record larger than"));
  // findings from the good parts, including what came before the gzip damage
  std::map<std::string, int> found;
  for (auto& f : r.findings) ++found[fs::path(f.event.input.substr(0, f.event.input.rfind(':'))).filename().string()];
  EXPECT_EQ(found["00-good.json"], 2);
  EXPECT_EQ(found["01-truncated.json.gz"], 1);
  EXPECT_EQ(found["02-badcrc.json.gz"], 1);
  EXPECT_EQ(found["05-invalid-mid.jsonl"], 2);
  EXPECT_EQ(found["06-nonobject.json"], 2);
  EXPECT_EQ(found["10-biggest-line.json"], 2);
  EXPECT_EQ(r.report.errors, r.lines.size() - 1);  // the symlink loop was found before the scan
  if (HasFailure())
    for (auto& l : r.lines) std::cerr << l << "\n";
}

// A gzipped Records file of n records (a root login in every 97), and three damaged copies:
// cut at two thirds, a wrong CRC, a bit flipped in the middle. By file name.
std::vector<std::pair<std::string, std::string>> gzip_and_damaged(int n) {
  std::string many = "{\"Records\":[";
  for (int i = 0; i < n; ++i) many += std::string(i ? "," : "") + (i % 97 ? kUserCall : root_login("m" + std::to_string(i)));
  many += "]}";
  const std::string gz = test::gzip(many);
  std::string crc = gz;
  crc[crc.size() - 7] ^= 4;
  std::string flipped = gz;
  flipped[gz.size() / 2] ^= 0x20;
  return {{"good.json.gz", gz}, {"cut.json.gz", gz.substr(0, gz.size() * 2 / 3)}, {"crc.json.gz", crc},
          {"flipped.json.gz", flipped}};
}

// gzip files decoded in one call (libdeflate) and streamed (ISA-L) give the same findings,
// counts and error lines, damaged or not, and whichever files the budget lets in whole.
TEST(Scan, WholeFileDecodingChangesNothing) {
  test::TempDir dir;
  for (const auto& [name, bytes] : gzip_and_damaged(3000)) test::write_file(dir / name, bytes);
  test::write_file(dir / "members.json.gz", test::gzip("{\"Records\":[" + root_login("a") + ",") + test::gzip(root_login("b") + "]}"));
  test::write_file(dir / "padded.json.gz", test::gzip("{\"Records\":[" + root_login("p") + "]}") + std::string(5, '\0'));
  std::vector<std::string> paths{dir.path().string()};
  fs::path pub = test::shared_testdata() / "cloudtrail-public";
  if (fs::exists(pub)) paths.push_back(pub.string());

  auto run_with = [&](std::size_t budget) {
    Options o;
    o.jobs = 2;
    o.whole_file_budget = budget;
    ScanRun r = scan_paths(paths, o);
    std::sort(r.lines.begin(), r.lines.end());
    return r;
  };
  ScanRun stream = run_with(0), whole = run_with(Options{}.whole_file_budget), mixed = run_with(256u << 10);
  EXPECT_GT(stream.findings.size(), 30u);
  EXPECT_GE(stream.lines.size(), 3u);  // cut, crc, flipped
  for (const ScanRun* r : {&whole, &mixed}) {
    EXPECT_EQ(keys(r->findings), keys(stream.findings));
    EXPECT_EQ(r->lines, stream.lines);
    ASSERT_EQ(r->report.per_file.size(), stream.report.per_file.size());
    for (std::size_t i = 0; i < stream.report.per_file.size(); ++i) {
      const FileReport &a = r->report.per_file[i], &b = stream.report.per_file[i];
      EXPECT_EQ(a.records, b.records) << b.name;
      EXPECT_EQ(a.errors, b.errors) << b.name;
      EXPECT_EQ(a.bytes_out, b.bytes_out) << b.name;
      EXPECT_EQ(a.shape, b.shape) << b.name;
    }
  }
}

// A caller that scans one file a run (watch) keeps one worker's buffers across runs: each
// file, big after small and small after big, damaged or not, gives what a run with buffers of
// its own gives; nothing of one file shows through in the next.
TEST(Scan, BuffersKeptAcrossRunsChangeNothing) {
  test::TempDir dir;
  std::vector<std::string> files;
  for (const auto& [name, bytes] : gzip_and_damaged(3000)) {
    test::write_file(dir / name, bytes);
    files.push_back((dir / name).string());
  }
  test::write_file(dir / "small.json.gz", test::gzip("{\"Records\":[" + std::string(kRootKey) + "]}"));
  test::write_file(dir / "lines.jsonl", std::string(kUserCall) + "\n" + kRootLogin + "\n");
  for (const char* f : {"small.json.gz", "lines.jsonl"}) files.insert(files.begin() + 1, (dir / f).string());
  files.push_back((dir / "small.json.gz").string());
  Options kept;
  kept.jobs = 1;
  Reuse reuse(kept.whole_file_budget);
  kept.reuse = &reuse;
  for (const std::string& f : files) {
    Options own;
    own.jobs = 1;
    const ScanRun a = scan_paths({f}, kept), b = scan_paths({f}, own);
    EXPECT_EQ(keys(a.findings), keys(b.findings)) << f;
    EXPECT_EQ(a.lines, b.lines) << f;
    ASSERT_EQ(a.report.per_file.size(), 1u) << f;
    EXPECT_EQ(a.report.per_file[0].records, b.report.per_file[0].records) << f;
    EXPECT_EQ(a.report.per_file[0].bytes_out, b.report.per_file[0].bytes_out) << f;
  }
}

// One streamed file and a spare thread: the file is inflated on that thread, ahead of the
// framing (io::ReadAhead). The same findings, counts and error lines as on one thread,
// damaged or not, and the same bytes counted.
TEST(Scan, ReadingAheadChangesNothing) {
  test::TempDir dir;
  auto files = gzip_and_damaged(20000);
  files.emplace_back("lines.jsonl", std::string(kUserCall) + "\n" + kRootLogin + "\n{\"eventVersion\n");
  for (const auto& [name, bytes] : files) {
    test::write_file(dir / name, bytes);
    auto run_with = [&](unsigned jobs) {
      Options o;
      o.jobs = jobs;
      o.whole_file_budget = 0;  // streamed
      return scan_paths({(dir / name).string()}, o);
    };
    ScanRun one = run_with(1), ahead = run_with(2);
    EXPECT_EQ(keys(ahead.findings), keys(one.findings)) << name;
    EXPECT_EQ(ahead.lines, one.lines) << name;
    ASSERT_EQ(ahead.report.per_file.size(), 1u) << name;
    const FileReport &a = ahead.report.per_file[0], &b = one.report.per_file[0];
    EXPECT_EQ(a.records, b.records) << name;
    EXPECT_EQ(a.errors, b.errors) << name;
    EXPECT_EQ(a.bytes_in, b.bytes_in) << name;
    EXPECT_EQ(a.bytes_out, b.bytes_out) << name;
    EXPECT_EQ(ahead.report.bytes_out, one.report.bytes_out) << name;
    if (name == "good.json.gz") {
      EXPECT_EQ(one.findings.size(), 414u);  // 207 root logins, two rules each
    } else {
      EXPECT_FALSE(one.lines.empty()) << name;  // each damaged file has its error line
    }
  }
}

// --- the public corpus: shape and event count of every file, as INDEX.md lists them ---

struct Expect {
  std::string file;
  std::string shape;  // "" = not CloudTrail (skipped)
  std::uint64_t events = 0;
};

std::vector<Expect> index_table() {
  std::vector<Expect> out;
  std::ifstream in(test::shared_testdata() / "cloudtrail-public/INDEX.md");
  std::string line, folder;
  std::regex heading("^### ([^/]+)/\\s*$");
  std::regex row("^\\| `([^`]+)` \\| [^|]* \\| ([^|]*) \\| ([^|]*) \\| [^|]* \\| (yes|no) \\|");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, heading)) folder = m[1];
    if (!std::regex_search(line, m, row) || folder.empty()) continue;
    Expect e;
    e.file = folder + "/" + m[1].str();
    std::string fmt = m[2];
    auto has = [&](const char* s) { return fmt.find(s) != std::string::npos; };
    if (has("LookupEvents")) e.shape = "lookup-events";
    else if (has("Records wrapper")) e.shape = "s3-records";
    else if (has("JSON array")) e.shape = "json-array";
    else if (has("one event per line")) e.shape = "json-lines";
    else if (has("single event object")) e.shape = "single-event";
    else if (has("digest")) e.shape = "digest";
    else if (has("not valid JSON")) e.shape = "invalid";
    else continue;  // zip, CSV, DDL, credential reports: not CloudTrail logs
    e.events = std::strtoull(m[3].str().c_str(), nullptr, 10);
    out.push_back(e);
  }
  return out;
}

class NoRules : public Detector {
 public:
  const std::optional<sigma::Literals>& prefilter_literals() const override { return none_; }
  void match(const cloudtrail::EventView&, std::vector<sigma::Match>&) const override {}
  const sigma::RuleInfo& info(std::size_t) const override { std::abort(); }

 private:
  std::optional<sigma::Literals> none_;
};

TEST(PublicCorpus, EveryFileHasTheRightShapeAndEventCount) {
  fs::path root = test::shared_testdata() / "cloudtrail-public";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(root / "INDEX.md");
  auto table = index_table();
  ASSERT_GT(table.size(), 150u);
  std::vector<std::string> paths;
  for (auto& e : table) paths.push_back((root / e.file).string());
  Options o;
  o.prefilter = false;  // parse every record: every event must be valid
  o.jobs = 2;
  NoRules none;
  ScanRun r = scan_paths(paths, o, &none);
  ASSERT_EQ(r.report.per_file.size(), table.size());
  std::size_t invalid = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const FileReport& f = r.report.per_file[i];
    EXPECT_EQ(cloudtrail::to_string(f.shape), table[i].shape) << table[i].file;
    if (table[i].shape != "invalid") {
      EXPECT_EQ(f.records, table[i].events) << table[i].file;
      // Permiso's anonymised sessions have no userIdentity: one line per file says so
      bool stripped = table[i].file.starts_with("Permiso");
      EXPECT_EQ(f.errors, stripped ? 1u : 0u) << table[i].file;
    } else {
      ++invalid;
      EXPECT_EQ(f.errors, 1u) << table[i].file;
    }
  }
  EXPECT_EQ(invalid, 1u);
  // the broken file: one error line; the digest: one note
  std::size_t errors = 0, digest_notes = 0;
  for (auto& l : r.lines) {
    if (l.find("bad_cloudtrail.json") != std::string::npos) ++errors;
    if (l.find("digest") != std::string::npos && l.find("skipped") != std::string::npos) ++digest_notes;
  }
  EXPECT_EQ(errors, 1u);
  EXPECT_EQ(digest_notes, 1u);
  std::size_t stripped_lines = 0;
  for (auto& l : r.lines) stripped_lines += l.find("Permiso") != std::string::npos && l.find("without userIdentity") != std::string::npos;
  EXPECT_EQ(r.report.errors, 1u + stripped_lines);
  if (HasFailure())
    for (std::size_t i = 0; i < r.lines.size() && i < 40; ++i) std::cerr << r.lines[i] << "\n";
}

TEST(PublicCorpus, PrefilterNeverChangesTheFindings) {
  fs::path root = test::shared_testdata() / "cloudtrail-public";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(root);
  std::vector<std::string> paths{root.string()};
  if (fs::exists(test::source_dir() / "examples")) paths.push_back((test::source_dir() / "examples").string());
  Options on, off;
  off.prefilter = false;
  auto a = scan_paths(paths, on);
  auto b = scan_paths(paths, off);
  EXPECT_GT(a.findings.size(), 5u);
  EXPECT_EQ(keys(a.findings), keys(b.findings));
  EXPECT_LT(a.report.parsed, b.report.parsed / 5);
}

TEST(Prefilter, HyperscanAndScalarAgree) {
  using sigma::Literal;
  auto p = Prefilter::compile(sigma::Literals{Literal::plain("root"), Literal::plain("consolelogin"),
                                              Literal::plain("stoplogging"), Literal::keyed("eventName", "getobject", true)});
  ASSERT_TRUE(p.ok());
  auto scratch = (*p)->make_scratch();
  std::mt19937 rng(3);
  const std::string words[] = {"ROOT", "roo", "t", "consolelogin", "StopLoggin", "g", "x", "\\u0052", "\"", " ",
                               "\"eventName\":", "\"GetObject\"", ":", "\\"};
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 8);
    for (int k = 0; k < n; ++k) s += words[rng() % std::size(words)];
    EXPECT_EQ((*p)->maybe(s, *scratch), (*p)->maybe_scalar(s)) << s;
  }
  EXPECT_TRUE((*p)->maybe("xxRoOtxx", *scratch));
  EXPECT_TRUE((*p)->maybe("\\u0052oot", *scratch));  // an escape could hide a literal: let it through
  EXPECT_FALSE((*p)->maybe("IAMUser ListBuckets", *scratch));
  EXPECT_TRUE((*p)->maybe(R"({"eventName": "GETOBJECT"})", *scratch));
  EXPECT_FALSE((*p)->maybe(R"({"eventName": "GetObjects"})", *scratch));
  EXPECT_TRUE(Prefilter::compile(std::nullopt).value()->passes_everything());
  EXPECT_TRUE(Prefilter::compile(sigma::Literals{Literal::plain("a"), Literal::plain("")}).value()->passes_everything());
}

}  // namespace
}  // namespace rg::scan

namespace rg::scan {
namespace {

// A prefilter given the framer's key probe marks (core/key_probe.h) answers every record as
// it does on its own, for key sets of one pass and of several, with and without plain
// literals, on records whose keys fall at every offset of the 64-byte blocks. A set whose
// first pass has no anchors (5 keys) has no probe, and the framer marks nothing.
TEST(PrefilterLiterals, FramerMarksGiveTheSameAnswers) {
  using sigma::Literal;
  const std::vector<sigma::Literals> sets = {
      {Literal::keyed("type", "root", true), Literal::keyed("eventName", "consolelogin", true)},
      {Literal::keyed("eventName", "stoplogging", true), Literal::keyed("eventSource", "cloudtrail", false),
       Literal::keyed("errorCode", "accessdenied", true), Literal::keyed("eventType", "awsapicall", true),
       Literal::keyed("type", "root", true)},
      {Literal::keyed("type", "root", true), Literal::keyed("a", "x", true), Literal::keyed("b", "y", true),
       Literal::keyed("c", "z", true), Literal::keyed("d", "w", true), Literal::keyed("userName", "admin", false)},
      {Literal::keyed("eventName", "getobject", true), Literal::plain("mfa")},
  };
  const std::vector<std::string> parts = {
      "\"type\":\"Root\"", "\"type\":\"IAMUser\"", "\"type\" : \"root\"", "\"eventName\":\"ConsoleLogin\"",
      "\"eventName\":\"GetObject\"", "\"eventName\":\"Describe\"", "\"eventSource\":\"cloudtrail.amazonaws.com\"",
      "\"errorCode\":\"AccessDenied\"", "\"eventType\":\"AwsApiCall\"", "\"a\":\"x\"", "\"b\":\"Y\"", "\"c\":\"q\"",
      "\"d\":[\"w\"]", "\"userName\":\"the-admin\"", "\"s\":\"\\u0052oot\"", "\"m\":\"MFA\"", "\"q\":\"\\\"type\\\"\"",
      "\"p\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", "\"n\":{\"type\":\"root\"}"};
  const int keys[] = {2, 0, 4, 1};  // in the probe of each set
  std::mt19937 rng(5);
  std::size_t records = 0, passed = 0;
  for (std::size_t set = 0; set < sets.size(); ++set) {
    auto p = Prefilter::compile(sets[set]);
    ASSERT_TRUE(p.ok());
    const KeyProbe probe = (*p)->probe();
    EXPECT_EQ(probe.count, keys[set]) << set;
    auto scratch = (*p)->make_scratch();
    for (int round = 0; round < 40; ++round) {
      std::string in = "{\"Records\":[";
      for (int i = 0; i < 50; ++i) {
        std::string r = "{";
        const int n = 1 + static_cast<int>(rng() % 6);
        for (int k = 0; k < n; ++k) r += (k ? "," : "") + parts[rng() % parts.size()];
        in += (i ? "," : "") + r + "}";
      }
      in += "]}";
      Diagnostics diag(Diagnostics::silent());
      cloudtrail::Framer fr("in.json", diag);
      fr.set_probe(probe);
      std::string held = in;
      held.resize(in.size() + cloudtrail::kInPlaceTail, ' ');
      fr.run_in_place(held.data(), in.size(), [&](const cloudtrail::RawRecord& r) {
        EXPECT_EQ(r.probed, simd_level() != SimdLevel::Baseline && probe.count > 0);
        const bool own = (*p)->maybe(r.bytes, *scratch);
        if (r.probed) {
          EXPECT_EQ((*p)->maybe(r.bytes, *scratch, r.offset, r.hits), own) << r.bytes;
        }
        ++records;
        passed += own;
        return true;
      });
    }
  }
  EXPECT_EQ(records, 4u * 40 * 50);
  EXPECT_GT(passed, records / 4);
  EXPECT_LT(passed, records - records / 10);
}

}  // namespace
}  // namespace rg::scan
