#include "respond/cases.h"

#include <gtest/gtest.h>

#include "respond/alert.h"
#include "respond/fixtures.h"
#include "test_util.h"

namespace rg::respond {
namespace {

using rg::test::root_login_finding;

struct Fixture {
  rg::test::TempDir dir;
  std::unique_ptr<Store> store = std::move(open_store((dir / "s").string()).value());
  CaseBook book{*store, CasePolicy{}};
  std::int64_t file(const Finding& f) { return book.file(f, alert_key(f), 1000, "rootguard").value(); }
};

TEST(Cases, SameAccountAndSessionJoinOthersOpenTheirOwn) {
  Fixture fx;
  std::int64_t a = fx.file(root_login_finding(1));
  EXPECT_GT(a, 0);
  EXPECT_EQ(fx.file(root_login_finding(2)), a) << "same key, minutes apart";
  EXPECT_EQ(fx.file(root_login_finding(1)), a) << "idempotent per alert";
  EXPECT_NE(fx.file(root_login_finding(3, "111122223333", "ASIAOTHERKEY", "198.51.100.9")), a) << "another session";
  EXPECT_NE(fx.file(root_login_finding(4, "444455556666")), a) << "another account";
  EXPECT_NE(fx.file(root_login_finding(5, "111122223333", "ASIAEXAMPLEKEY00001", "203.0.113.7", 1794996000000 + 3 * 3600000)), a)
      << "same key hours later";
  Finding no_key = root_login_finding(6);
  no_key.event.access_key_id.clear();
  std::int64_t by_ip = fx.file(no_key);
  EXPECT_EQ(by_ip, a) << "console sign-ins carry no key: the source IP decides";
  Finding low = root_login_finding(7);
  low.severity = Severity::Medium;
  EXPECT_EQ(fx.file(low), 0) << "below the threshold";
  auto v = fx.book.view(a).value();
  EXPECT_EQ(v.findings.size(), 3u);
  EXPECT_EQ(v.history.size(), 3u);
  EXPECT_EQ(v.history[0].action, "opened");
  EXPECT_EQ(v.history[1].action, "joined");
}

TEST(Cases, WalkTheSixStepsWithHistoryAndClose) {
  Fixture fx;
  std::int64_t id = fx.file(root_login_finding(1));
  ASSERT_TRUE(fx.book.assign(id, "lead", "alice", 2000).ok());
  ASSERT_TRUE(fx.book.advance(id, "alice", "custodian confirmed", 3000).ok());
  ASSERT_TRUE(fx.book.check(id, "alice", 2, 0, 3500).ok());
  ASSERT_TRUE(fx.book.note(id, "alice", "timeline shows no writes", 4000).ok());
  for (int i = 1; i < kStepCount; ++i) ASSERT_TRUE(fx.book.advance(id, "alice", "", 5000 + i).ok());
  EXPECT_FALSE(fx.book.advance(id, "alice", "", 6000).ok()) << "no seventh step";
  EXPECT_FALSE(fx.book.close(id, "alice", "because", "", 7000).ok()) << "reasons are a closed list";
  ASSERT_TRUE(fx.book.close(id, "alice", "benign", "planned billing change", 7000).ok());
  EXPECT_FALSE(fx.book.close(id, "alice", "benign", "", 7001).ok());
  auto v = fx.book.view(id).value();
  EXPECT_EQ(v.rec.status, "closed");
  EXPECT_EQ(v.rec.close_reason, "benign");
  EXPECT_EQ(v.rec.assignee, "alice");
  EXPECT_EQ(v.rec.step, kStepCount);
  for (int s = 0; s < kStepCount; ++s)
    for (int i = 0; i < static_cast<int>(v.playbook->steps[static_cast<size_t>(s)].size()); ++i) EXPECT_TRUE(v.checked(s, i));
  ASSERT_GE(v.history.size(), 10u);
  EXPECT_EQ(v.history[1].who, "lead");
  EXPECT_EQ(v.history[1].detail, "- -> alice");
  EXPECT_EQ(v.history[2].detail, "verify -> contain: custodian confirmed");
  EXPECT_EQ(v.history.back().action, "closed");
  EXPECT_EQ(v.history.back().at_ms, 7000);
}

TEST(Cases, EveryBuiltInFamilyHasAFullPlaybook) {
  for (int n = 1; n <= 20; ++n) {
    char id[8];
    std::snprintf(id, sizeof id, "D%02d", n);
    const Playbook& p = playbook_for(id);
    EXPECT_EQ(p.family, id);
    for (int s = 0; s < kStepCount; ++s) EXPECT_FALSE(p.steps[static_cast<size_t>(s)].empty()) << id << " " << step_name(s);
  }
  EXPECT_EQ(playbook_for("D04-brute-force").family, "D04");
  EXPECT_EQ(playbook_for("my-rule").family, "generic");
  const Playbook& d03 = playbook_for("D03");
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
  };
  EXPECT_NE(joined(d03.steps[0]).find("token custodian"), std::string::npos);
  EXPECT_NE(joined(d03.steps[0]).find("root mailbox"), std::string::npos);
  EXPECT_NE(joined(d03.steps[1]).find("Reset the root password"), std::string::npos);
  EXPECT_NE(joined(d03.steps[2]).find("rootguard timeline"), std::string::npos);
  EXPECT_NE(joined(d03.steps[4]).find("rootguard harden"), std::string::npos);
}

TEST(Cases, ReportsCarryFindingsChecklistAndHistoryAndEscapeInput) {
  Fixture fx;
  Finding f = root_login_finding(1);
  f.reason = "<script>alert(1)</script> | pipe";
  std::int64_t id = fx.file(f);
  ASSERT_TRUE(fx.book.advance(id, "alice", "ok", 2000).ok());
  auto v = fx.book.view(id).value();
  std::string html = case_html(v);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos) << "self-contained";
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_NE(html.find("&#9745; Confirm with the token custodian"), std::string::npos);
  std::string md = case_markdown(v);
  EXPECT_NE(md.find("- [x] Confirm with the token custodian"), std::string::npos);
  EXPECT_NE(md.find("- [ ] Reset the root password"), std::string::npos);
  EXPECT_NE(md.find("\\| pipe"), std::string::npos);
  EXPECT_NE(md.find("### 2. contain (current)"), std::string::npos);
  EXPECT_NE(md.find("--account 111122223333 --from 2026-11-18T09:00:01Z"), std::string::npos) << md;
}

TEST(CaseCli, ImportWorkAndReport) {
  rg::test::TempDir d;
  Finding f = root_login_finding(1);
  rg::test::write_file(d / "alerts.jsonl", to_json(make_alert(f)) + "\n" + "not json\n");
  std::string state = (d / "st").string();
  auto r = rg::test::run_rootguard({"case", "import", (d / "alerts.jsonl").string(), "--state", state});
  EXPECT_EQ(r.status, 2) << "a bad line is reported, the rest filed";
  EXPECT_NE(r.err.find("alerts.jsonl:2"), std::string::npos) << r.err;
  r = rg::test::run_rootguard({"case", "list", "--state", state});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("#1  critical  D03 Root login without MFA  account 111122223333  open, verify"), std::string::npos) << r.out;
  r = rg::test::run_rootguard({"case", "advance", "1", "--note", "custodian confirmed", "--who", "alice", "--state", state});
  ASSERT_EQ(r.status, 0) << r.err;
  r = rg::test::run_rootguard({"case", "close", "1", "--reason", "benign", "--state", state, "--who", "alice"});
  ASSERT_EQ(r.status, 0) << r.err;
  r = rg::test::run_rootguard({"case", "report", "1", "--format", "html", "--state", state});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_NE(r.out.find("closed (benign)"), std::string::npos);
  r = rg::test::run_rootguard({"case", "show", "7", "--state", state});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("case 7: no such case"), std::string::npos) << r.err;
  r = rg::test::run_rootguard({"case", "list", "--store", "sqlite:" + (d / "junk.db").string()});
  EXPECT_EQ(r.status, 0);
  rg::test::write_file(d / "bad.db", std::string(5000, 'x'));
  r = rg::test::run_rootguard({"case", "list", "--store", "sqlite:" + (d / "bad.db").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("will not reset"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rg::respond
