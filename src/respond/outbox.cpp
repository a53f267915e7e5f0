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

Result<DeliveryReport> Outbox::deliver_due(std::int64_t now_ms, Diagnostics& diag) {
  DeliveryReport rep;
  for (Entry& e : sinks_) {
    if (e.paused_until > now_ms) continue;
    auto due = store_.due(e.id, now_ms, policy_.batch);
    if (!due.ok()) return due.error();
    for (const OutboxItem& it : *due) {
      // Claim it first: another worker on a shared store may be looking at the same row.
      auto claimed = store_.claim(it.id, now_ms, now_ms + policy_.claim_ms);
      if (!claimed.ok()) return claimed.error();
      if (!*claimed) continue;
      auto alert = alert_from_json(it.payload);
      Delivery d;
      if (!alert.ok()) d = {Outcome::Rejected, "stored alert is unreadable: " + alert.error().what};
      else d = e.sink->deliver(*alert);
      const int attempts = it.attempts + 1;
      if (d.outcome == Outcome::Accepted) {
        if (Status s = store_.mark_sent(it.id, now_ms); !s.ok()) return s.error();
        if (!e.last_error.empty()) diag.note(e.sink->name(), "delivering again");
        e.last_error.clear();
        ++rep.sent;
        continue;
      }
      if (d.outcome == Outcome::Rejected) {
        if (Status s = store_.mark_rejected(it.id, attempts, now_ms, d.detail); !s.ok()) return s.error();
        diag.warning(e.sink->name(), "alert " + it.alert_key + " rejected: " + d.detail +
                                         " (kept in the outbox as rejected, not retried)");
        ++rep.rejected;
        continue;
      }
      // Retry: this alert waits, and so does the rest of this sink's queue.
      std::int64_t next = now_ms + backoff_ms(policy_, attempts, rng_);
      if (Status s = store_.mark_retry(it.id, attempts, next, d.detail); !s.ok()) return s.error();
      if (e.last_error != d.detail)
        diag.warning(e.sink->name(), d.detail + " (alert kept; retrying with backoff)");
      e.last_error = d.detail;
      e.paused_until = next;
      ++rep.retried;
      break;
    }
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
