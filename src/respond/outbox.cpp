#include "respond/outbox.h"

#include <algorithm>

namespace rg::respond {

std::int64_t backoff_ms(const RetryPolicy& p, int attempt, std::mt19937_64& rng) {
  std::int64_t d = p.base_ms;
  for (int i = 1; i < attempt && d < p.max_ms; ++i) d *= 2;
  d = std::min(d, p.max_ms);
  std::int64_t half = d / 2;
  std::uniform_int_distribution<std::int64_t> dist(0, std::max<std::int64_t>(0, d - half));
  return half + dist(rng);
}

Outbox::Outbox(Store& store, RetryPolicy policy, std::uint64_t seed) : store_(store), policy_(policy), rng_(seed) {}

void Outbox::add_sink(std::string spec, std::unique_ptr<Sink> sink) {
  sinks_.push_back(Entry{sink_id(spec), std::move(sink), 0, {}});
}

Result<int> Outbox::enqueue(const Alert& a, std::int64_t now_ms) {
  std::string payload = to_json(a);
  int added = 0;
  for (const Entry& e : sinks_) {
    auto r = store_.enqueue(e.id, a.key, payload, now_ms);
    if (!r.ok()) return r.error();
    added += *r ? 1 : 0;
  }
  return added;
}

// Records what the sink answered for one claimed alert: false when the sink is to be left
// alone until its backoff ends (a Retry), the rest of its queue with it.
Result<bool> Outbox::settle(Entry& e, const OutboxItem& it, const Delivery& d, std::int64_t now_ms, Diagnostics& diag,
                            DeliveryReport& rep) {
  const int attempts = it.attempts + 1;
  if (d.outcome == Outcome::Accepted) {
    if (Status s = store_.mark_sent(it.id, now_ms); !s.ok()) return s.error();
    if (!e.last_error.empty()) diag.note(e.sink->name(), "delivering again");
    e.last_error.clear();
    ++rep.sent;
    return true;
  }
  if (d.outcome == Outcome::Rejected) {
    if (Status s = store_.mark_rejected(it.id, attempts, now_ms, d.detail); !s.ok()) return s.error();
    diag.warning(e.sink->name(), "alert " + it.alert_key + " rejected: " + d.detail +
                                     " (kept in the outbox as rejected, not retried)");
    ++rep.rejected;
    return true;
  }
  // Retry: this alert waits, and so does the rest of this sink's queue.
  std::int64_t next = now_ms + backoff_ms(policy_, attempts, rng_);
  if (Status s = store_.mark_retry(it.id, attempts, next, d.detail); !s.ok()) return s.error();
  if (e.last_error != d.detail) diag.warning(e.sink->name(), d.detail + " (alert kept; retrying with backoff)");
  e.last_error = d.detail;
  e.paused_until = next;
  ++rep.retried;
  return false;
}

namespace {
Delivery unreadable(const Error& e) { return {Outcome::Rejected, "stored alert is unreadable: " + e.what}; }
}  // namespace

// One at a time: claim, deliver, mark. A kill between the delivery and its mark repeats
// that one alert, which a receiver drops by its key. The mark of one alert and the claim of
// the next share a commit (one fdatasync an alert, not two); the next one's claim still begins
// just before it is delivered.
Status Outbox::deliver_each(Entry& e, const std::vector<OutboxItem>& due, std::int64_t now_ms, Diagnostics& diag,
                            DeliveryReport& rep) {
  // Claims the first item at or after `from` that no other worker holds: its index, or
  // due.size() when there is none. Another worker on a shared store may be looking at them.
  auto claim_from = [&](std::size_t from) -> Result<std::size_t> {
    for (; from < due.size(); ++from) {
      auto claimed = store_.claim(due[from].id, now_ms, now_ms + policy_.claim_ms);
      if (!claimed.ok()) return claimed.error();
      if (*claimed) return from;
    }
    return from;
  };
  auto at = claim_from(0);
  if (!at.ok()) return at.error();
  while (*at < due.size()) {
    const OutboxItem& it = due[*at];
    auto alert = alert_from_json(it.payload);
    const Delivery d = alert.ok() ? e.sink->deliver(*alert) : unreadable(alert.error());
    bool go_on = false;
    std::size_t next = due.size();
    Status st = store_.transaction([&]() -> Status {
      auto settled = settle(e, it, d, now_ms, diag, rep);
      if (!settled.ok()) return settled.error();
      go_on = *settled;
      if (!go_on) return ok_status();
      auto n = claim_from(*at + 1);
      if (!n.ok()) return n.error();
      next = *n;
      return ok_status();
    });
    if (!st.ok()) return st;
    if (!go_on) break;
    *at = next;
  }
  return ok_status();
}

// An idempotent sink takes the batch whole: one transaction claims it, one call delivers it
// (the file sink: one write, one fsync), one transaction marks it. Where a flood of alerts
// cost two commits and an fsync each, it costs three for the batch.
Status Outbox::deliver_whole(Entry& e, const std::vector<OutboxItem>& due, std::int64_t now_ms, Diagnostics& diag,
                             DeliveryReport& rep) {
  std::vector<const OutboxItem*> taken;
  Status st = store_.transaction([&]() -> Status {
    for (const OutboxItem& it : due) {
      auto claimed = store_.claim(it.id, now_ms, now_ms + policy_.claim_ms);
      if (!claimed.ok()) return claimed.error();
      if (*claimed) taken.push_back(&it);
    }
    return ok_status();
  });
  if (!st.ok()) return st;
  std::vector<Delivery> answers(taken.size());
  std::vector<Alert> alerts;
  std::vector<std::size_t> offered;  // index in `taken` of each alert in `alerts`
  for (std::size_t i = 0; i < taken.size(); ++i) {
    auto alert = alert_from_json(taken[i]->payload);
    if (!alert.ok()) {
      answers[i] = unreadable(alert.error());
      continue;
    }
    alerts.push_back(std::move(*alert));
    offered.push_back(i);
  }
  if (!alerts.empty()) {
    std::vector<Delivery> got = deliver_all(*e.sink, alerts);
    for (std::size_t j = 0; j < offered.size(); ++j) answers[offered[j]] = std::move(got[j]);
  }
  DeliveryReport batch;
  st = store_.transaction([&]() -> Status {
    batch = {};
    std::size_t i = 0;
    for (; i < taken.size(); ++i) {
      auto go_on = settle(e, *taken[i], answers[i], now_ms, diag, batch);
      if (!go_on.ok()) return go_on.error();
      if (!*go_on) break;
    }
    // After a Retry the rest were not tried: they are given back as they were.
    for (++i; i < taken.size(); ++i) {
      const OutboxItem& it = *taken[i];
      if (Status s = store_.mark_retry(it.id, it.attempts, it.next_at_ms, it.last_error); !s.ok()) return s;
    }
    return ok_status();
  });
  if (!st.ok()) return st;
  rep.sent += batch.sent;
  rep.retried += batch.retried;
  rep.rejected += batch.rejected;
  return ok_status();
}

Result<DeliveryReport> Outbox::deliver_due(std::int64_t now_ms, Diagnostics& diag) {
  DeliveryReport rep;
  for (Entry& e : sinks_) {
    if (e.paused_until > now_ms) continue;
    auto due = store_.due(e.id, now_ms, policy_.batch);
    if (!due.ok()) return due.error();
    Status st = e.sink->idempotent() ? deliver_whole(e, *due, now_ms, diag, rep) : deliver_each(e, *due, now_ms, diag, rep);
    if (!st.ok()) return st.error();
  }
  return rep;
}

Result<std::optional<std::int64_t>> Outbox::next_due_ms() {
  std::optional<std::int64_t> best;
  for (const Entry& e : sinks_) {
    auto n = store_.next_due_ms(e.id);
    if (!n.ok()) return n.error();
    if (!n->has_value()) continue;
    std::int64_t t = std::max(**n, e.paused_until);
    if (!best || t < *best) best = t;
  }
  return best;
}

Result<std::vector<Outbox::SinkStatus>> Outbox::status() {
  std::vector<SinkStatus> out;
  for (const Entry& e : sinks_) {
    auto c = store_.outbox_counts(e.id);
    if (!c.ok()) return c.error();
    out.push_back({e.sink->name(), *c, e.last_error});
  }
  return out;
}

}  // namespace rg::respond
