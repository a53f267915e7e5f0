#include "respond/outbox.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "respond/fixtures.h"
#include "respond/sink_test_server.h"
#include "test_util.h"

namespace rg::respond {
namespace {

using rg::test::SinkTestServer;

std::unique_ptr<Store> open_tmp(const rg::test::TempDir& d) {
  auto s = open_store((d / "state").string());
  EXPECT_TRUE(s.ok());
  return std::move(s.value());
}

std::unique_ptr<Sink> webhook(const std::string& spec) {
  SinkOptions o;
  o.timeout_ms = 2000;
  auto s = make_sink(spec, o);
  EXPECT_TRUE(s.ok());
  return std::move(s.value());
}

std::map<std::string, int> arrivals(const SinkTestServer& srv) {
  std::map<std::string, int> n;
  for (const auto& r : srv.accepted()) ++n[r.headers.at("x-rootguard-alert-key")];
  return n;
}

TEST(Backoff, GrowsExponentiallyWithJitterAndACap) {
  RetryPolicy p{.base_ms = 1000, .max_ms = 60000};
  std::mt19937_64 rng(1);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    std::int64_t full = std::min<std::int64_t>(60000, 1000LL << (attempt - 1));
    for (int i = 0; i < 20; ++i) {
      std::int64_t d = backoff_ms(p, attempt, rng);
      EXPECT_GE(d, full / 2);
      EXPECT_LE(d, full);
    }
  }
  std::set<std::int64_t> seen;
  for (int i = 0; i < 20; ++i) seen.insert(backoff_ms(p, 5, rng));
  EXPECT_GT(seen.size(), 5u) << "jittered";
}

TEST(Outbox, SinkDownUnderAStreamThenBackEveryAlertArrivesExactlyOnce) {
  rg::test::TempDir d;
  SinkTestServer srv;
  std::string spec = "webhook:" + srv.url();
  auto store = open_tmp(d);
  Diagnostics diag(Diagnostics::silent());
  std::int64_t now = 1'000'000;
  const int total = 60;
  int attempts_while_down = 0;
  {
    Outbox box(*store, RetryPolicy{.base_ms = 500, .max_ms = 4000});
    box.add_sink(spec, webhook(spec));
    for (int i = 0; i < total; ++i) {
      if (i == 10) srv.set_down(true);
      if (i == 40) srv.set_down(false);
      ASSERT_EQ(*box.enqueue(make_alert(rg::test::root_login_finding(i)), now), 1);
      if (i % 3 == 0) {
        ASSERT_EQ(*box.enqueue(make_alert(rg::test::root_login_finding(i)), now), 0) << "a repeat is not queued";
      }
      auto rep = box.deliver_due(now, diag);
      ASSERT_TRUE(rep.ok());
      if (i >= 10 && i < 40) attempts_while_down += static_cast<int>(rep->retried);
      now += 200;
    }
    EXPECT_LT(attempts_while_down, 30) << "a down sink is paused, not tried for every alert";
  }
  // A restart in the middle of the backlog: a new Outbox over the same store carries on.
  store.reset();
  store = open_tmp(d);
  Outbox box(*store, RetryPolicy{.base_ms = 500, .max_ms = 4000});
  box.add_sink(spec, webhook(spec));
  for (int round = 0; round < 50; ++round) {
    auto next = box.next_due_ms();
    ASSERT_TRUE(next.ok());
    if (!next->has_value()) break;
    now = std::max(now, **next);
    ASSERT_TRUE(box.deliver_due(now, diag).ok());
  }
  auto got = arrivals(srv);
  ASSERT_EQ(got.size(), static_cast<size_t>(total));
  for (const auto& [key, n] : got) EXPECT_EQ(n, 1) << key;
  auto st = *box.status();
  EXPECT_EQ(st[0].counts.sent, static_cast<std::uint64_t>(total));
  EXPECT_EQ(st[0].counts.pending, 0u);
}

TEST(Outbox, A4xxIsKeptMarkedAndReportedWithoutARetryStorm) {
  rg::test::TempDir d;
  SinkTestServer srv;
  srv.set_status(403);
  std::string spec = "webhook:" + srv.url();
  auto store = open_tmp(d);
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  Outbox box(*store, RetryPolicy{.base_ms = 10, .max_ms = 100});
  box.add_sink(spec, webhook(spec));
  ASSERT_TRUE(box.enqueue(make_alert(rg::test::root_login_finding(1)), 0).ok());
  for (std::int64_t now = 0; now < 10000; now += 50) ASSERT_TRUE(box.deliver_due(now, diag).ok());
  EXPECT_EQ(srv.count(), 1u) << "tried once";
  auto rej = *store->outbox_items(sink_id(spec), OutboxState::Rejected);
  ASSERT_EQ(rej.size(), 1u);
  EXPECT_EQ(rej[0].last_error, "HTTP 403");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("rejected: HTTP 403"), std::string::npos) << lines[0];
  EXPECT_FALSE(box.next_due_ms()->has_value());
}

TEST(Outbox, AHangingSinkTimesOutAndTheAlertIsDeliveredLater) {
  rg::test::TempDir d;
  SinkTestServer srv;
  srv.set_hang(true);
  std::string spec = "webhook:" + srv.url();
  auto store = open_tmp(d);
  Diagnostics diag(Diagnostics::silent());
  Outbox box(*store, RetryPolicy{.base_ms = 100, .max_ms = 100});
  SinkOptions o;
  o.timeout_ms = 300;
  box.add_sink(spec, std::move(make_sink(spec, o).value()));
  ASSERT_TRUE(box.enqueue(make_alert(rg::test::root_login_finding(1)), 0).ok());
  auto rep = box.deliver_due(0, diag);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->retried, 1u);
  srv.set_hang(false);
  rep = box.deliver_due(1000, diag);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->sent, 1u);
  EXPECT_EQ(arrivals(srv).size(), 1u);
}

TEST(Outbox, FullDiskFileSinkKeepsTheAlertPending) {
  rg::test::TempDir d;
  auto store = open_tmp(d);
  Diagnostics diag(Diagnostics::silent());
  Outbox box(*store, RetryPolicy{});
  box.add_sink("file:/dev/full", std::move(make_sink("file:/dev/full", {}).value()));
  ASSERT_TRUE(box.enqueue(make_alert(rg::test::root_login_finding(1)), 0).ok());
  ASSERT_TRUE(box.deliver_due(0, diag).ok());
  auto st = *box.status();
  EXPECT_EQ(st[0].counts.pending, 1u);
  EXPECT_NE(st[0].last_error.find("No space left"), std::string::npos);
  EXPECT_EQ(diag.warning_count(), 1u);
}

// An idempotent sink that records each batch it is offered, accepting the first `accept`
// alerts of each and answering Retry for the rest.
class BatchSink final : public Sink {
 public:
  std::string name() const override { return "batch"; }
  bool idempotent() const override { return true; }
  Delivery deliver(const Alert&) override {
    ADD_FAILURE() << "an idempotent sink is offered batches";
    return {Outcome::Retry, "wrong path"};
  }
  std::vector<Delivery> deliver_batch(const std::vector<Alert>& alerts) override {
    batches.push_back(alerts.size());
    std::vector<Delivery> out;
    for (const Alert& a : alerts) {
      if (out.size() < accept) {
        ++got[a.key];
        out.push_back({Outcome::Accepted, ""});
      } else {
        out.push_back({Outcome::Retry, "HTTP 503"});
      }
    }
    out.resize(std::min(out.size(), answers));
    return out;
  }
  std::size_t answers = SIZE_MAX;  // a faulty sink answers for fewer alerts than it was offered
  std::size_t accept = SIZE_MAX;
  std::vector<std::size_t> batches;
  std::map<std::string, int> got;
};

TEST(Outbox, AnIdempotentSinkIsOfferedTheDueAlertsABatchAtATime) {
  rg::test::TempDir d;
  auto store = open_tmp(d);
  Diagnostics diag(Diagnostics::silent());
  Outbox box(*store, RetryPolicy{.batch = 200});
  auto owned = std::make_unique<BatchSink>();
  BatchSink& sink = *owned;
  box.add_sink("batch", std::move(owned));
  for (int i = 0; i < 450; ++i) ASSERT_EQ(*box.enqueue(make_alert(rg::test::root_login_finding(i)), 0), 1);
  std::uint64_t sent = 0;
  for (int pass = 0; pass < 3; ++pass) sent += box.deliver_due(0, diag)->sent;
  EXPECT_EQ(sent, 450u);
  EXPECT_EQ(sink.batches, (std::vector<std::size_t>{200, 200, 50}));
  EXPECT_EQ(sink.got.size(), 450u);
  EXPECT_EQ(box.status()->at(0).counts.sent, 450u);
  EXPECT_FALSE(box.next_due_ms()->has_value());
}

TEST(Outbox, ARetryInABatchPausesTheSinkAndGivesBackTheAlertsNotTried) {
  rg::test::TempDir d;
  auto store = open_tmp(d);
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  Outbox box(*store, RetryPolicy{.base_ms = 1000, .max_ms = 1000});
  auto owned = std::make_unique<BatchSink>();
  BatchSink& sink = *owned;
  sink.accept = 3;
  box.add_sink("batch", std::move(owned));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(box.enqueue(make_alert(rg::test::root_login_finding(i)), 0).ok());
  auto rep = box.deliver_due(0, diag);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->sent, 3u);
  EXPECT_EQ(rep->retried, 1u);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("HTTP 503 (alert kept; retrying with backoff)"), std::string::npos) << lines[0];
  auto pending = *store->outbox_items(sink_id("batch"), OutboxState::Pending);
  ASSERT_EQ(pending.size(), 7u);
  EXPECT_EQ(pending[0].attempts, 1) << "the alert that failed counts a try";
  EXPECT_GE(pending[0].next_at_ms, 500);
  for (std::size_t i = 1; i < pending.size(); ++i) {
    EXPECT_EQ(pending[i].attempts, 0) << "not tried";
    EXPECT_EQ(pending[i].next_at_ms, 0) << "given back, not left claimed";
  }
  EXPECT_EQ(box.deliver_due(100, diag)->sent, 0u) << "the sink is paused until its backoff ends";
  EXPECT_EQ(sink.batches.size(), 1u);
  sink.accept = SIZE_MAX;
  EXPECT_EQ(box.deliver_due(1000, diag)->sent, 7u);
  EXPECT_EQ(sink.got.size(), 10u);
  for (const auto& [key, n] : sink.got) EXPECT_EQ(n, 1) << key;
}

TEST(Outbox, AnAlertASinkGaveNoAnswerForIsKeptNotMarkedSent) {
  rg::test::TempDir d;
  auto store = open_tmp(d);
  Diagnostics diag(Diagnostics::silent());
  Outbox box(*store, RetryPolicy{});
  auto owned = std::make_unique<BatchSink>();
  owned->answers = 2;
  box.add_sink("batch", std::move(owned));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(box.enqueue(make_alert(rg::test::root_login_finding(i)), 0).ok());
  auto rep = box.deliver_due(0, diag);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->sent, 2u);
  EXPECT_EQ(rep->retried, 1u);
  EXPECT_EQ(box.status()->at(0).counts.pending, 3u);
}

// A kill after the file sink wrote a batch and before the outbox marked it: the next run offers
// the batch again and the file keeps one line per alert.
TEST(Outbox, AFileSinkBatchCutShortByAKillIsNotWrittenTwice) {
  rg::test::TempDir d;
  auto store = open_tmp(d);
  Diagnostics diag(Diagnostics::silent());
  const std::string spec = "file:" + (d / "alerts.jsonl").string();
  std::vector<Alert> alerts;
  for (int i = 0; i < 20; ++i) alerts.push_back(make_alert(rg::test::root_login_finding(i)));
  {
    auto before_kill = make_sink(spec, {});
    ASSERT_TRUE(before_kill.ok());
    ASSERT_TRUE((*before_kill)->idempotent());
    std::vector<Alert> first(alerts.begin(), alerts.begin() + 12);
    for (const Delivery& dl : (*before_kill)->deliver_batch(first)) EXPECT_EQ(dl.outcome, Outcome::Accepted);
  }
  Outbox box(*store, RetryPolicy{});
  box.add_sink(spec, std::move(make_sink(spec, {}).value()));
  for (const Alert& a : alerts) ASSERT_TRUE(box.enqueue(a, 0).ok());
  EXPECT_EQ(box.deliver_due(0, diag)->sent, 20u);
  std::istringstream file(rg::test::read_file(d / "alerts.jsonl"));
  std::set<std::string> keys;
  int lines = 0;
  for (std::string l; std::getline(file, l); ++lines) keys.insert(alert_from_json(l)->key);
  EXPECT_EQ(lines, 20);
  EXPECT_EQ(keys.size(), 20u);
}

}  // namespace
}  // namespace rg::respond
