// Prefilter: a byte-level "maybe" in front of JSON parsing and rule evaluation.
//
// Compiled from RuleSet::prefilter_literals() (sigma/literal.h): a record passes when one
// literal holds in its raw bytes. False positives cost a parse; a false negative would lose
// a finding, so no literals (nullopt) or an empty plain literal means everything passes,
// and a record holding a JSON \u escape passes too (an escaped letter hides a literal).
// Keyed literals and the "\u" escape rule are checked by sigma::LiteralMatcher (a SIMD
// search for each "key"; for a record framed with the key probe, the framer's marks stand
// for the search of the first up to 4 keys); plain literals by Hyperscan (literal mode, block scans) when built
// with it, else by the portable search. Both paths give the same answers.
//
// A Prefilter is immutable and shared by all workers; each worker owns one Scratch.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sigma/literal.h"

namespace rg::scan {

class Prefilter {
 public:
  class Scratch;

  // Compiles the literals. Never fails for valid input; an Error means the matcher library
  // refused them (the caller then scans without a prefilter).
  static Result<std::shared_ptr<const Prefilter>> compile(const std::optional<sigma::Literals>& literals);
  // A prefilter that passes everything.
  static std::shared_ptr<const Prefilter> pass_all();

  ~Prefilter();

  bool passes_everything() const { return all_; }
  std::unique_ptr<Scratch> make_scratch() const;
  // True when `bytes` may hold an event that some rule matches.
  bool maybe(std::string_view bytes, Scratch& scratch) const;
  // The key probe for the framer to run (core/key_probe.h; count 0: none), and maybe() for a
  // record it framed with that probe: `offset` where it starts, `hits` the probe's marks.
  KeyProbe probe() const;
  bool maybe(std::string_view bytes, Scratch& scratch, std::uint64_t offset, std::span<const ProbeHit> hits) const;
  // The same answer computed with the portable search (differential tests).
  bool maybe_scalar(std::string_view bytes) const;

 private:
  Prefilter() = default;
  bool plain_maybe(std::string_view bytes, Scratch& scratch) const;  // the plain literals' part
  bool all_ = false;
  std::unique_ptr<sigma::LiteralMatcher> matcher_;
  struct Hs;
  std::unique_ptr<Hs> hs_;
};

class Prefilter::Scratch {
 public:
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

 private:
  friend class Prefilter;
  Scratch() = default;
  void* hs_scratch_ = nullptr;
};

}  // namespace rg::scan
