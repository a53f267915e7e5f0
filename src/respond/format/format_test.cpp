#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>

#include "respond/alert.h"
#include "respond/format/format.h"

namespace rg::respond::format {
namespace {

Finding sample() {
  Finding f;
  f.id = "D03";
  f.title = "Root console login without MFA";
  f.severity = Severity::Critical;
  f.reason = "Root ConsoleLogin (signin.amazonaws.com) from 203.0.113.66, MFA no";
  f.next_step = "Confirm with the root owner. Then rotate the password.";
  f.account = "111122223333";
  f.region = "us-east-1";
  f.event.event_id = "e-1";
  f.event.event_time = "2026-11-20T10:05:10Z";
  f.event.time_ms = 1795169110000;
  f.event.event_name = "ConsoleLogin";
  f.event.identity_type = "Root";
  f.event.principal = "arn:aws:iam::111122223333:root";
  f.event.source_ip = "203.0.113.66";
  f.event.mfa = "no";
  f.event.input = "x.json.gz:12";
  return f;
}

TEST(Format, TextIsOneLineWithTheShortNextStep) {
  std::string l = text_line(sample(), false);
  EXPECT_EQ(l,
            "2026-11-20T10:05:10Z  111122223333  us-east-1  CRITICAL  D03 Root console login without MFA  by "
            "arn:aws:iam::111122223333:root from 203.0.113.66  ConsoleLogin  MFA no  next: Confirm with the root owner.\n");
}

TEST(Format, JsonlRoundTripsThroughTheRespondReader) {
  std::string l = jsonl_line(sample());
  EXPECT_EQ(l.rfind("{\"schema\":\"rootguard.finding/1\",\"rule\":\"D03\"", 0), 0u) << l;
  EXPECT_EQ(l.back(), '\n');
  auto back = finding_from_json(l);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->event.input, "x.json.gz:12");
  EXPECT_EQ(back->event.time_ms, 1795169110000);
  EXPECT_EQ(back->severity, Severity::Critical);
}

TEST(Format, OcsfMapsTheCoreAttributes) {
  std::string l = ocsf_line(sample(), "0.1.0");
  for (const char* want : {"\"class_uid\":2004", "\"type_uid\":200401", "\"severity_id\":5", "\"time\":1795169110000",
                           "\"uid\":\"D03:e-1\"", "\"account\":{\"uid\":\"111122223333\",\"type_id\":10",
                           "\"src_endpoint\":{\"ip\":\"203.0.113.66\"}", "\"operation\":\"ConsoleLogin\"",
                           "\"remediation\":{\"desc\":\"Confirm"})
    EXPECT_NE(l.find(want), std::string::npos) << want << "\n" << l;
}

TEST(Format, AClosedPipeMakesTheSinkStop) {
  std::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ::close(fds[0]);
  std::FILE* out = fdopen(fds[1], "w");
  auto sink = make_sink(Format::Jsonl, out, {});
  bool went_on = true;
  for (int i = 0; i < 10000 && went_on; ++i) went_on = sink->on_finding(sample());
  sink->finish();
  EXPECT_FALSE(went_on);
  EXPECT_TRUE(sink->broken());
  std::fclose(out);
}

}  // namespace
}  // namespace rg::respond::format
