// `rootguard watch sqs://`: three workers on one SQS queue (S3 object notifications, raw and
// through SNS, each delivered twice) and one PostgreSQL store, over a trail whose events also
// repeat across files; one worker is killed midway. Every alert a clean scan finds arrives
// exactly once, every good message is deleted, and the unreadable one ends in the
// dead-letter queue through the redrive policy.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <thread>

#include "aws/sqs.h"
#include "core/strings.h"
#include "node_tools.h"
#include "pg_test_server.h"
#include "test_util.h"

extern char** environ;

namespace rg::test {
namespace {

namespace fs = std::filesystem;





TEST(SqsNotification, RawSnsWrappedEventBridgeTestEventAndJunk) {
  auto raw = aws::parse_s3_notification(
      R"({"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"trail"},"object":{"key":"AWSLogs/o-1/111/CloudTrail/us-east-1/2026/11/20/a+b%3Dc.json.gz","size":12}}},{"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"trail"},"object":{"key":"x"}}}]})");
  ASSERT_TRUE(raw.ok()) << raw.error().str();
  ASSERT_EQ(raw->size(), 1u);
  EXPECT_EQ((*raw)[0].bucket, "trail");
  EXPECT_EQ((*raw)[0].key, "AWSLogs/o-1/111/CloudTrail/us-east-1/2026/11/20/a b=c.json.gz");
  EXPECT_EQ((*raw)[0].size, 12u);
  auto sns = aws::parse_s3_notification(
      R"({"Type":"Notification","Message":"{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:CompleteMultipartUpload\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\"}}}]}"})");
  ASSERT_TRUE(sns.ok()) << sns.error().str();
  ASSERT_EQ(sns->size(), 1u);
  EXPECT_EQ((*sns)[0].key, "k");
  auto eb = aws::parse_s3_notification(
      R"({"detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{"name":"b"},"object":{"key":"a b.json","size":5}}})");
  ASSERT_TRUE(eb.ok());
  EXPECT_EQ((*eb)[0].key, "a b.json");
  auto test_event = aws::parse_s3_notification(R"({"Service":"Amazon S3","Event":"s3:TestEvent"})");
  ASSERT_TRUE(test_event.ok());
  EXPECT_TRUE(test_event->empty());
  EXPECT_FALSE(aws::parse_s3_notification("not json").ok());
  auto other = aws::parse_s3_notification(R"({"hello":"world"})");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().what.find("not an S3 event notification"), std::string::npos);
  EXPECT_FALSE(aws::parse_sqs_spec("sqs://queue-name").ok());
  EXPECT_EQ(*aws::parse_sqs_spec("sqs://https://sqs.us-east-1.amazonaws.com/111122223333/q"),
            "https://sqs.us-east-1.amazonaws.com/111122223333/q");
}

TEST(SqsWorkers, ThreeWorkersOneStoreOneKilledEveryAlertOnceEveryMessageDeleted) {
  if (!node_ready()) GTEST_SKIP() << "node or tests/node/node_modules not present";
  PgDatabase db = fresh_pg_database();
  if (!db.skip.empty()) GTEST_SKIP() << db.skip;
  ASSERT_TRUE(db.error.empty()) << db.error;
  TempDir t;
  // The trail: the examples, two of them again under other names (the same events in two
  // objects), and a dozen more files of distinct events.
  const fs::path trail = t / "trail";
  const fs::path day = trail / "AWSLogs/o-test/111122223333/CloudTrail/us-east-1/2026/11/20";
  fs::create_directories(day);
  int n = 0;
  for (const auto& e : fs::directory_iterator(source_dir() / "examples/cloudtrail"))
    if (e.is_regular_file()) fs::copy_file(e.path(), day / ("f" + std::to_string(n++) + "_" + e.path().filename().string()));
  fs::copy_file(source_dir() / "examples/cloudtrail/athena-export-dev.jsonl", day / "again_athena.jsonl");
  fs::copy_file(source_dir() / "examples/cloudtrail/lookup-events-prod.json", day / "again_lookup.json");
  static const std::regex id(R"re("eventID": "([^"]+)")re");
  const std::string base = read_file(source_dir() / "examples/cloudtrail/athena-export-dev.jsonl");
  for (int k = 0; k < 12; ++k)
    write_file(day / ("gen" + std::to_string(k) + ".jsonl"),
               std::regex_replace(base, id, "\"eventID\": \"g" + std::to_string(k) + "-$1\""));

  // A brute force split over two objects (three failed root sign-ins, then two more): the
  // workers that take them must count each other's (one D04B alert for the account).
  auto failure = [](int minute, const std::string& event_id) {
    return R"({"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"555566667777","arn":"arn:aws:iam::555566667777:root","accountId":"555566667777"},"eventTime":"2026-11-21T08:0)" +
           std::to_string(minute) +
           R"(:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.77","responseElements":{"ConsoleLogin":"Failure"},"errorMessage":"Failed authentication","eventID":")" +
           event_id + R"(","eventType":"AwsConsoleSignIn","recipientAccountId":"555566667777"})" + "\n";
  };
  write_file(day / "burst_a.jsonl", failure(0, "bf1") + failure(1, "bf2") + failure(2, "bf3"));
  write_file(day / "burst_b.jsonl", failure(3, "bf4") + failure(4, "bf5"));

  NodeServer sqs("sqs_server.mjs", {"--from", trail.string(), "--dup", "1", "--poison", "1", "--max-receives", "3"});
  ASSERT_TRUE(sqs.ok());
  ::setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLEWORKER", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
  ::setenv("AWS_REGION", "us-east-1", 1);
  ::setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  ::setenv("HOME", t.path().c_str(), 1);
  const std::string queue = "http://sqs.us-east-1.localhost:" + std::to_string(sqs.port()) + "/000000000000/trail-objects";
  const fs::path alerts = t / "alerts.jsonl";
  const std::vector<std::string> args = {"watch", "sqs://" + queue, "--store", db.uri, "--sink", "file:" + alerts.string(),
                                         "--endpoint-url", sqs.url(), "--visibility", "4s", "--max-receives", "3",
                                         "--interval", "1s", "--case-min-severity", "critical"};
  std::vector<pid_t> workers;
  for (int w = 0; w < 3; ++w) workers.push_back(spawn_rootguard(args, t / ("w" + std::to_string(w) + ".log")));
  for (pid_t p : workers) ASSERT_GT(p, 0);

  // Kill one worker once work is under way.
  for (int i = 0; i < 200 && (!fs::exists(alerts) || read_file(alerts).size() < 2000); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::kill(workers[1], SIGKILL);
  EXPECT_EQ(wait_exit(workers[1]), 128 + SIGKILL);

  // The others drain the queue: the killed worker's message comes back after its visibility
  // timeout; the unreadable one goes to the dead-letter queue after three tries.
  std::string status;
  const std::vector<std::string> env = {"PATH=/usr/bin:/bin"};
  for (int i = 0; i < 120; ++i) {
    status = run_with_env({"/usr/bin/env", "node", (node_dir() / "sqs_status.mjs").string(), sqs.url()}, env).out;
    if (status.find("\"visible\":0,\"invisible\":0,\"dlq\":1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_NE(status.find("\"visible\":0,\"invisible\":0,\"dlq\":1"), std::string::npos) << status;
  // Let the last deliveries happen, then stop cleanly.
  auto expected = scan_keys(run_rootguard({"scan", trail.string(), "--format", "jsonl"}).out);
  // (an alert claimed by the killed worker waits out its 20 s claim)
  for (int i = 0; i < 160 && alert_keys(read_file(alerts)).size() < expected.size(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  for (pid_t p : {workers[0], workers[2]}) {
    ::kill(p, SIGTERM);
    EXPECT_EQ(wait_exit(p), 0);
  }
  std::string logs;
  for (int w = 0; w < 3; ++w) logs += read_file(t / ("w" + std::to_string(w) + ".log"));
  EXPECT_NE(logs.find("the body is not JSON; left to the queue's redrive policy"), std::string::npos) << "the poison message is reported";
  EXPECT_NE(logs.find("left to the queue's redrive policy"), std::string::npos) << logs.substr(0, 3000);
  EXPECT_EQ(logs.find("wJalrXUtnFEMI"), std::string::npos) << "no secret in any output";

  ASSERT_GT(expected.size(), 100u);
  auto got = alert_keys(read_file(alerts));
  EXPECT_EQ(got.size(), expected.size());
  // Correlation alerts are keyed by the event that completed them, which depends on the order
  // the objects were taken in: compare those by number, per correlation.
  std::map<std::string, int> want_corr, got_corr;
  for (const auto& [k, count] : expected) {
    EXPECT_EQ(count, 1) << "scan reports " << k << " once";
    if (k.rfind("D04B:", 0) == 0 || k.rfind("D21:", 0) == 0 || k.rfind("D22:", 0) == 0) {
      ++want_corr[k.substr(0, k.find(':'))];
      continue;
    }
    EXPECT_EQ(got[k], 1) << "alert " << k << " arrived " << got[k] << " times";
  }
  for (const auto& [k, count] : got) {
    EXPECT_EQ(count, 1) << "alert " << k << " arrived " << count << " times";
    if (k.rfind("D04B:", 0) == 0 || k.rfind("D21:", 0) == 0 || k.rfind("D22:", 0) == 0) ++got_corr[k.substr(0, k.find(':'))];
  }
  EXPECT_EQ(got_corr, want_corr);
  EXPECT_EQ(want_corr["D04B"], 2) << "the examples' burst and the one split over two objects";
}

}  // namespace
}  // namespace rg::test
