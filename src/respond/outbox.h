// Outbox: every alert goes through here, so none is lost and none is sent twice.
//
// enqueue() writes the alert for each configured sink into the Store (one row per sink and
// alert key; a second enqueue of the same key is a no-op: a rescan after a crash, a
// CloudTrail addendum re-delivery). Callers enqueue inside the same Store transaction that
// marks the source file done. deliver_due() then offers each due alert to its sink, in
// queue order: Accepted marks it sent; Retry reschedules it with exponential backoff and
// jitter and pauses that sink until then (no hammering a sink that is down); Rejected
// keeps it, marks it rejected and reports it once (no retry storm on a 4xx). State lives in
// the Store, so retries go on across restarts.
//
// Exactly once: an alert is marked sent right after its sink accepts it. A kill between the
// two can repeat it once for network sinks, which therefore carry the alert key
// (X-Rootguard-Alert-Key, syslog key=, e-mail header) for the receiver to drop it; the
// file sink checks the keys already in its file and never repeats. Such an idempotent sink
// (Sink::idempotent) is offered its due alerts a batch at a time instead: one transaction
// claims them, one call delivers them, one transaction marks them.
//
// Threads: one thread; the clock is passed in (now_ms), as is the jitter seed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "respond/alert.h"
#include "respond/sinks/sink.h"
#include "respond/store.h"

namespace rg::respond {

struct RetryPolicy {
  std::int64_t base_ms = 2000;     // first retry after about this long
  std::int64_t max_ms = 300000;    // never wait longer than this between tries
  std::size_t batch = 200;         // alerts offered per sink per pass
  std::int64_t claim_ms = 20000;   // a claimed alert another worker may not send for this long (2x a sink's timeout)
};

// The wait before try number `attempt` (1-based): min(max, base * 2^(attempt-1)), of which
// the upper half is random ("equal jitter"), so sinks coming back are not hit in step.
std::int64_t backoff_ms(const RetryPolicy& p, int attempt, std::mt19937_64& rng);

struct DeliveryReport {
  std::uint64_t sent = 0, retried = 0, rejected = 0;
};

class Outbox {
 public:
  Outbox(Store& store, RetryPolicy policy, std::uint64_t seed = 0x5eed);

  // Takes a sink created from spec (make_sink); its alerts are kept under sink_id(spec).
  void add_sink(std::string spec, std::unique_ptr<Sink> sink);
  std::size_t sink_count() const { return sinks_.size(); }

  // Queues the alert for every sink; returns how many rows were new (0: seen before).
  Result<int> enqueue(const Alert& a, std::int64_t now_ms);

  // One pass over every sink's due alerts. Rejections and first failures of a sink are
  // reported to diag (one line each, sink named in its redacted form).
  Result<DeliveryReport> deliver_due(std::int64_t now_ms, Diagnostics& diag);

  // The earliest time something is due (nullopt: nothing pending).
  Result<std::optional<std::int64_t>> next_due_ms();

  struct SinkStatus {
    std::string name;        // redacted
    OutboxCounts counts;
    std::string last_error;  // "" when the last try worked
  };
  Result<std::vector<SinkStatus>> status();

 private:
  struct Entry {
    std::string id;
    std::unique_ptr<Sink> sink;
    std::int64_t paused_until = 0;
    std::string last_error;
  };
  Result<bool> settle(Entry& e, const OutboxItem& it, const Delivery& d, std::int64_t now_ms, Diagnostics& diag,
                      DeliveryReport& rep);
  Status deliver_each(Entry& e, const std::vector<OutboxItem>& due, std::int64_t now_ms, Diagnostics& diag,
                      DeliveryReport& rep);
  Status deliver_whole(Entry& e, const std::vector<OutboxItem>& due, std::int64_t now_ms, Diagnostics& diag,
                       DeliveryReport& rep);
  Store& store_;
  RetryPolicy policy_;
  std::mt19937_64 rng_;
  std::vector<Entry> sinks_;
};

}  // namespace rg::respond
