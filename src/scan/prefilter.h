// Prefilter: a byte-level "maybe" in front of JSON parsing and rule evaluation.
//
// Compiled from RuleSet::prefilter_literals(): a record passes when its raw bytes contain at
// least one literal, compared without regard to ASCII case. False positives cost a parse;
// a false negative would lose a finding, so: no literals (nullopt) or an empty literal means
// everything passes; and every record holding a JSON \u escape passes too, since an escaped
// letter could hide a literal from a byte search. Hyperscan (literal mode, block scans) when
// built with it, a portable scalar search otherwise; both give the same answers.
//
// A Prefilter is immutable and shared by all workers; each worker owns one Scratch.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace rg::scan {

class Prefilter {
 public:
  class Scratch;

  // Compiles the literals. Never fails for valid input; an Error means the matcher library
  // refused them (the caller then scans without a prefilter).
  static Result<std::shared_ptr<const Prefilter>> compile(const std::optional<std::vector<std::string>>& literals);
  // A prefilter that passes everything.
  static std::shared_ptr<const Prefilter> pass_all();

  ~Prefilter();

  bool passes_everything() const { return all_; }
  std::unique_ptr<Scratch> make_scratch() const;
  // True when `bytes` may hold an event that some rule matches.
  bool maybe(std::string_view bytes, Scratch& scratch) const;
  // The same answer computed with the portable search (differential tests).
  bool maybe_scalar(std::string_view bytes) const;

 private:
  Prefilter() = default;
  bool all_ = false;
  std::vector<std::string> lits_;  // lower case, plus "\\u"
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
