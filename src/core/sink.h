// FindingSink: where findings go. The engines (scan, audit) call it; they never name a
// concrete output. Text, jsonl, OCSF, webhooks and the case store are sinks.
//
// Threads: the engines call a sink from one thread only (they order findings first).
#pragma once

#include <string_view>

#include "core/finding.h"

namespace rg {

class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void begin() {}
  // Returns false to ask the engine to stop early (e.g. the output pipe closed).
  virtual bool on_finding(const Finding& f) = 0;
  virtual void finish() {}
};

}  // namespace rg
