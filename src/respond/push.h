// push: findings sent to sinks once, without an outbox (audit --sink).
//
// An audit is a one-shot report, so its findings go straight to the sinks, a batch at a time
// (deliver_batch): a finding that FAILs goes to every sink; a sink that keeps findings and
// updates them by their key (Sink::keeps_findings: Security Hub) also gets the checks that
// PASS, which mark the failures an earlier audit sent there as fixed. What a sink refuses, or
// cannot take now, is told in one line per sink and counted; nothing is retried later (run
// the audit again).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics.h"
#include "core/finding.h"
#include "respond/sinks/sink.h"

namespace rg::respond {

struct PushReport {
  std::uint64_t sent = 0;      // accepted, over all sinks
  std::uint64_t not_sent = 0;  // refused or not taken now
};

PushReport push_findings(const std::vector<std::unique_ptr<Sink>>& sinks, const std::vector<Finding>& findings,
                         Diagnostics& diag);

}  // namespace rg::respond
