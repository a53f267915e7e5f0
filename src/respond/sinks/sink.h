// Sink: one place alerts are delivered to (stdout, a jsonl file, a webhook, Slack, syslog,
// e-mail). The outbox (outbox.h) calls deliver() and acts on the answer: Accepted marks the
// alert sent; Retry keeps it and tries again later with backoff; Rejected (the receiver
// refused this alert for good, e.g. HTTP 400/403/404) keeps it, marks it and reports it,
// without a retry storm.
//
// Sinks are created from a spec ("file:alerts.jsonl", "webhook:https://..."), through the
// explicit table in sink_table.cpp. name() is the spec with any secret redacted: it is the
// only form of the spec that may be printed. A deliver() call never throws and returns
// within the configured timeout. Sinks are used from one thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/client.h"
#include "core/result.h"
#include "respond/alert.h"

namespace rg::respond {

enum class Outcome { Accepted, Retry, Rejected };
const char* to_string(Outcome o);

struct Delivery {
  Outcome outcome = Outcome::Accepted;
  std::string detail;  // why (redacted): "HTTP 503", "connection refused", "No space left on device"
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual std::string name() const = 0;
  virtual Delivery deliver(const Alert& a) = 0;

  // A sink that never repeats an alert it already holds (the file sink knows the keys in its
  // file) takes the outbox's due alerts a batch at a time: one deliver_batch() call (the file
  // sink: one write and one fsync), and one transaction marking them. A kill before the marks
  // offers the batch again, which such a sink absorbs. Answers one Delivery per alert, in
  // order; after a Retry the rest are not tried (the outbox keeps them as they were).
  virtual bool idempotent() const { return false; }
  // A sink that holds findings and updates them by their key (Security Hub): `audit --sink`
  // sends it the checks that pass too, which mark the failures it holds from before as fixed.
  virtual bool keeps_findings() const { return false; }
  // (Callers use deliver_all(), which holds a sink to one answer per alert.)
  virtual std::vector<Delivery> deliver_batch(const std::vector<Alert>& alerts) {
    std::vector<Delivery> out;
    out.reserve(alerts.size());
    for (const Alert& a : alerts) {
      out.push_back(deliver(a));
      if (out.back().outcome == Outcome::Retry) break;
    }
    out.resize(alerts.size(), out.empty() ? Delivery{} : out.back());
    return out;
  }
};

// deliver_batch() with one answer per alert whatever the sink does: an alert it gave no answer
// for is to be tried again (Retry), never taken as sent.
std::vector<Delivery> deliver_all(Sink& sink, const std::vector<Alert>& alerts);

// What sinks need besides their spec; cli/ fills it (from flags, files and the environment).
struct SinkOptions {
  std::string hmac_secret;         // webhook: signs each body (X-Rootguard-Signature); never printed
  std::int64_t timeout_ms = 10000; // network sinks: whole-delivery timeout
  std::string hostname;            // syslog HOSTNAME, e-mail Message-ID
  std::FILE* out = nullptr;        // stdout sink: where to write (default stdout)
  // sns sink: makes one signed AWS call (cli/ builds it over an aws::Client with the user's
  // credential chain; tests point it at a loopback server). Unset: the sns sink is refused.
  std::function<aws::CallResult(const aws::Request&)> aws_call;
};

// Creates the sink for spec; Invalid with the redacted spec when it is malformed or names
// no known kind.
Result<std::unique_ptr<Sink>> make_sink(std::string_view spec, const SinkOptions& opts);

// A stable id for a spec (hex SHA-256 prefix), under which the outbox keeps its alerts: the
// secret URL itself is never stored.
std::string sink_id(std::string_view spec);

// The kinds, for --help and docs: "stdout", "file:PATH", ...
struct SinkKind {
  std::string_view prefix;   // "file:"
  std::string_view usage;    // "file:PATH"
  std::string_view summary;
  bool calls_aws = false;    // needs SinkOptions::aws_call (sns:, securityhub:)
};
const std::vector<SinkKind>& sink_kinds();
// True when the sink `spec` names calls AWS, so the caller must give it a client.
bool sink_calls_aws(std::string_view spec);

}  // namespace rg::respond
