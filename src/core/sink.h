// FindingSink: where findings go. The engines (scan, audit) call it; they never name a
// concrete output. Text, jsonl, OCSF, webhooks and the case store are sinks.
//
// Threads: the engines call a sink from one thread only (they order findings first), except
// render(), below.
#pragma once

#include <string>
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

  // Output made ahead. A sink whose output for a finding is a function of that finding alone
  // may let the engine make it on its worker threads, as findings are found, and hold it in
  // place of the finding until its turn: renders_ahead() says so, render() makes it (called
  // from several threads at once), and on_rendered() takes it, in order, in place of
  // on_finding().
  virtual bool renders_ahead() const { return false; }
  virtual std::string render(const Finding& f) const {
    (void)f;
    return {};
  }
  virtual bool on_rendered(std::string_view output) {
    (void)output;
    return false;
  }
};

}  // namespace rg
