#include "respond/timeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "test_util.h"

namespace rg::respond {
namespace {

namespace fs = std::filesystem;

const char* kTrail = R"TRAIL({"Records":[
{"eventVersion":"1.09","eventTime":"2026-11-20T10:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRoot","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.5","userAgent":"aws-cli","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::999988887777:assumed-role/Admin/alice","accountId":"999988887777","accessKeyId":"ASIACALLER"},"requestParameters":{"targetPrincipal":"111122223333","taskPolicyArn":{"arn":"arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"}},"responseElements":{"credentials":{"accessKeyId":"ASIAISSUED"}},"eventID":"e1","recipientAccountId":"999988887777"},
{"eventVersion":"1.09","eventTime":"2026-11-20T10:01:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.5","userAgent":"aws-cli","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAISSUED"},"eventID":"e2","recipientAccountId":"111122223333"},
{"eventVersion":"1.09","eventTime":"2026-11-20T10:02:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.5","userAgent":"aws-cli","errorCode":"AccessDenied","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAISSUED"},"eventID":"e3","recipientAccountId":"111122223333"}
]}
)TRAIL";

TEST(Timeline, ClassifiesActions) {
  EXPECT_EQ(classify_action("iam.amazonaws.com", "ListUsers", true), "read");
  EXPECT_EQ(classify_action("iam.amazonaws.com", "CreateAccessKey", false), "create");
  EXPECT_EQ(classify_action("iam.amazonaws.com", "UpdateLoginProfile", false), "change");
  EXPECT_EQ(classify_action("iam.amazonaws.com", "DeactivateMFADevice", false), "delete");
  EXPECT_EQ(classify_action("signin.amazonaws.com", "ConsoleLogin", false), "sign-in");
}

TEST(Timeline, LinksAssumeRootToTheMemberAccountSessionAndFlagsFailures) {
  rg::test::TempDir d;
  rg::test::write_file(d / "trail.json", kTrail);
  auto r = rg::test::run_rootguard({"timeline", (d / "trail.json").string(), "--account", "111122223333"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("AssumeRoot session: issued to arn:aws:sts::999988887777:assumed-role/Admin/alice"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("delete  s3.amazonaws.com DeleteBucketPolicy"), std::string::npos);
  EXPECT_NE(r.out.find("FAILED AccessDenied"), std::string::npos);
  EXPECT_LT(r.out.find("AssumeRoot  us-east-1"), r.out.find("DeleteBucketPolicy")) << "in time order";
  r = rg::test::run_rootguard({"timeline", (d / "trail.json").string(), "--from", "2026-11-20T10:01:30Z", "--format", "jsonl"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_NE(r.out.find("\"failed\":true"), std::string::npos);
  r = rg::test::run_rootguard({"timeline", (d / "trail.json").string(), (d / "missing.json").string()});
  EXPECT_EQ(r.status, 2) << "a missing input costs one line, the rest is shown";
  EXPECT_NE(r.out.find("DeleteBucketPolicy"), std::string::npos);
  r = rg::test::run_rootguard({"timeline", (d / "trail.json").string(), "--format", "html"});
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("<!DOCTYPE html>"), std::string::npos);
}

// Only the events shown are kept as the trail is read, and the AssumeRoot calls, which are
// few: a session picked by the member account's source IP still shows the call that began it,
// though the call was made from another address in another account.
TEST(Timeline, ASessionPickedByAnotherFieldStillShowsTheAssumeRootCallBehindIt) {
  rg::test::TempDir d;
  std::string text(kTrail);
  for (std::size_t at = text.find("198.51.100.5", text.find("\"e1\"")); at != std::string::npos;
       at = text.find("198.51.100.5", at))
    text.replace(at, 12, "203.0.113.9");  // the member account's events only
  rg::test::write_file(d / "trail.json", text);
  auto r = rg::test::run_rootguard({"timeline", (d / "trail.json").string(), "--session", "203.0.113.9"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("AssumeRoot session: issued to arn:aws:sts::999988887777:assumed-role/Admin/alice"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("AssumeRoot  us-east-1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DeleteBucketPolicy"), std::string::npos) << r.out;
  r = rg::test::run_rootguard({"timeline", (d / "trail.json").string(), "--session", "198.51.100.5"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("DeleteBucketPolicy"), std::string::npos) << "the caller's address shows the call only: " << r.out;
}

// The same trail in a copy of an organization's bucket, each event in its account's folder of
// its day: --from/--to keep the walk to their days; --account does not keep it out of the
// account where the AssumeRoot call was recorded.
TEST(Timeline, ACopyOfATrailBucketIsWalkedOnTheWindowsDaysOnly) {
  rg::test::TempDir d;
  const std::string head = R"({"Records":[)";
  std::string text(kTrail);
  const std::size_t first = text.find('\n') + 1, second = text.find('\n', first) + 1;
  const std::string assume = text.substr(first, second - first - 2);  // the line, without ",\n"
  const std::string rest = text.substr(second, text.rfind(']') - second);
  const fs::path org = d / "AWSLogs/o-abc123";
  fs::create_directories(org / "999988887777/CloudTrail/us-east-1/2026/11/20");
  fs::create_directories(org / "111122223333/CloudTrail/us-east-1/2026/11/20");
  fs::create_directories(org / "111122223333/CloudTrail/us-east-1/2026/11/27");
  rg::test::write_file(org / "999988887777/CloudTrail/us-east-1/2026/11/20/a.json", head + assume + "]}");
  rg::test::write_file(org / "111122223333/CloudTrail/us-east-1/2026/11/20/b.json", head + rest + "]}");
  rg::test::write_file(org / "111122223333/CloudTrail/us-east-1/2026/11/27/c.json", "not a trail file");
  auto r = rg::test::run_rootguard({"timeline", d.path().string(), "--account", "111122223333", "--from", "2026-11-20",
                                    "--to", "2026-11-21"});
  ASSERT_EQ(r.status, 0) << r.err;  // the 27th's broken file is not read
  EXPECT_NE(r.out.find("AssumeRoot session: issued to arn:aws:sts::999988887777:assumed-role/Admin/alice"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DeleteBucketPolicy"), std::string::npos) << r.out;
  r = rg::test::run_rootguard({"timeline", d.path().string(), "--account", "111122223333"});
  EXPECT_EQ(r.status, 2) << "without a window every day is read";
  EXPECT_NE(r.err.find("c.json"), std::string::npos) << r.err;
}

// Records that cannot be shown are passed over before they are parsed, by a byte-level test of
// the session, root or the account, or an AssumeRoot call: the timelines are the same as with
// every record parsed, over the examples (every input shape, the lookup-events one holding
// its events as escaped strings) and the public logs.
TEST(Timeline, ThePrefilterLeavesTheTimelineAsItIs) {
  std::vector<std::string> inputs = {std::string(RG_SOURCE_DIR) + "/examples/cloudtrail"};
  if (rg::test::have_shared_testdata()) inputs.push_back((rg::test::shared_testdata() / "cloudtrail-public").string());
  const std::vector<std::vector<std::string>> option_sets = {
      {"--root"},
      {"--account", "111122223333"},
      {"--account", "222233334444", "--root"},
      {"--session", "ASIAZ4EXAMPLECONSOLE"},
      {"--session", "asiaz4exampleroottsk"},  // no such key: its case differs
      {"--session", "ASIAZ4EXAMPLEROOTTSK"},
      {"--session", "192.0.2.55"},
      {"--root", "--from", "2026-11-21T00:00:00Z"}};
  for (const auto& opts : option_sets) {
    std::vector<std::string> args = {"timeline", "--format", "jsonl"};
    // (the public logs, 12,608 events, with the first option set only: the suite runs under ASan)
    args.insert(args.end(), inputs.begin(), &opts == &option_sets.front() ? inputs.end() : inputs.begin() + 1);
    args.insert(args.end(), opts.begin(), opts.end());
    SCOPED_TRACE(::testing::PrintToString(opts));
    const auto with = rg::test::run_rootguard(args);
    args.push_back("--no-prefilter");
    const auto without = rg::test::run_rootguard(args);
    EXPECT_EQ(with.status, without.status);
    EXPECT_EQ(with.out, without.out);
    if (opts.size() < 2 || opts[1] != "asiaz4exampleroottsk") {
      EXPECT_GT(std::count(with.out.begin(), with.out.end(), '\n'), 0);
    }
  }
}

// A value the raw bytes spell with an escape is still found: such records are parsed.
TEST(Timeline, EscapedValuesAreStillFound) {
  rg::test::TempDir d;
  std::string text(kTrail);
  const std::string type = "\"type\":\"Root\"", key = "\"accessKeyId\":\"ASIAISSUED\"},\"eventID\":\"e2\"";
  text.replace(text.find(type), type.size(), "\"type\":\"R\\u006fot\"");
  text.replace(text.find(key), key.size(), "\"accessKeyId\":\"ASIA\\u0049SSUED\"},\"eventID\":\"e2\"");
  rg::test::write_file(d / "trail.json", text);
  for (const std::vector<std::string>& opts : {std::vector<std::string>{"--root"}, {"--session", "ASIAISSUED"}}) {
    std::vector<std::string> args = {"timeline", (d / "trail.json").string(), "--format", "jsonl"};
    args.insert(args.end(), opts.begin(), opts.end());
    auto r = rg::test::run_rootguard(args);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("DeleteBucketPolicy"), std::string::npos) << opts.back() << ": " << r.out;
  }
}

// Bad input is told as scan tells it: events without userIdentity in one line for the file,
// where the first was, and the rest of the file still read.
TEST(Timeline, EventsWithoutIdentityAreToldInOneLine) {
  rg::test::TempDir d;
  std::string lines;
  for (int i = 0; i < 50; ++i)
    lines += R"({"eventVersion":"1.09","eventTime":"2026-11-20T09:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"n)" +
             std::to_string(i) + "\"}\n";
  lines += R"({"eventVersion":"1.09","eventTime":"2026-11-20T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","userIdentity":{"type":"Root","accountId":"111122223333"},"eventID":"r1","recipientAccountId":"111122223333"})"
           "\n";
  rg::test::write_file(d / "export.jsonl", lines);
  auto r = rg::test::run_rootguard({"timeline", (d / "export.jsonl").string(), "--format", "jsonl"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("\"r1\""), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("export.jsonl: line 1: events without userIdentity skipped: 50 in this file"), std::string::npos) << r.err;
}

// Files are read in parallel; the timeline is the same whatever the number of workers, the
// same event delivered twice (two files) included: shown twice, in the order of where it was read.
TEST(Timeline, TheSameWhateverTheNumberOfWorkers) {
  rg::test::TempDir d;
  for (int i = 0; i < 12; ++i) rg::test::write_file(d / ("trail-" + std::to_string(i) + ".json"), kTrail);
  std::string first;
  for (const char* jobs : {"1", "2", "5"}) {
    auto r = rg::test::run_rootguard({"timeline", d.path().string(), "-j", jobs, "--format", "jsonl"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 36) << r.out;
    if (first.empty()) first = r.out;
    EXPECT_EQ(r.out, first) << "-j " << jobs;
  }
  const std::size_t a = first.find("trail-0.json"), b = first.find("trail-1.json"), c = first.find("trail-10.json");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c) << "ties in time and event id go by where they were read (file, then place)";
}

}  // namespace
}  // namespace rg::respond
