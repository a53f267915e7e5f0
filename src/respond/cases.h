// Incident cases: each serious finding opens a case, or joins the open case of the same
// account and root session, and the case walks the six response steps of seed 004:
// verify, contain, forensics, notify, remediate, review. Each step has a checklist written
// for the kind of finding (playbooks.cpp: one per built-in detection family D01-D20, and a
// generic one for user rules). Every change (opened, joined, advanced, assigned, note,
// closed) is kept with its time and who made it.
//
// Join rule (decided here; docs/respond.md): a finding joins an open case when the account
// is the same AND the root session is the same, that is the same access key id (ASIA.../
// AKIA...) or, when the event has none (console sign-in events carry none), the same source
// IP, AND its event time is within `join_window_ms` (default 1 h) of the case's first or
// last finding. Otherwise it opens a new case. Filing is idempotent per alert key.
//
// Threads: one; the clock (now_ms) and the actor (who) are passed in.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "respond/store.h"

namespace rg::respond {

inline constexpr int kStepCount = 6;
// "verify", "contain", "forensics", "notify", "remediate", "review"; "done" for 6.
const char* step_name(int step);
std::optional<int> parse_step(std::string_view name);

struct Playbook {
  std::string family;   // "D03" or "generic"
  std::string title;    // what the family detects
  std::array<std::vector<std::string>, kStepCount> steps;  // checklist items; may hold {account}, {key}, {ip}, {from}, {to}
};

// The playbook for a rule id: "D03" and "D03-..." use D03's; others the generic one.
const Playbook& playbook_for(std::string_view rule_id);
const std::vector<Playbook>& playbooks();  // D01..D20 then generic

struct CasePolicy {
  Severity min_severity = Severity::High;   // findings below this open no case
  std::int64_t join_window_ms = 3600000;
};

// Reasons `case close` accepts.
const std::vector<std::string>& close_reasons();  // benign, malicious, false-positive, duplicate, test

struct CaseView {
  CaseRecord rec;
  std::vector<Finding> findings;   // by event time
  std::vector<CaseEvent> history;  // in order
  std::vector<CheckMark> checks;
  const Playbook* playbook = nullptr;
  bool checked(int step, int item) const;
  // A checklist item with its placeholders filled from the case.
  std::string item_text(int step, int item) const;
};

class CaseBook {
 public:
  CaseBook(Store& store, CasePolicy policy) : store_(store), policy_(policy) {}

  // Opens or joins a case for f; returns its id, or 0 when f is below the threshold. `how`,
  // when given, says which it was: filed now, filed before (the alert key is known), below.
  enum class Filed { Now, Before, Below };
  Result<std::int64_t> file(const Finding& f, const std::string& alert_key, std::int64_t now_ms,
                            const std::string& who = "rootguard", Filed* how = nullptr);

  Result<CaseView> view(std::int64_t id);
  Result<std::vector<CaseRecord>> list() { return store_.list_cases(); }

  // Ticks the current step's checklist (by `who`), records the note, moves to the next step.
  Status advance(std::int64_t id, const std::string& who, const std::string& note, std::int64_t now_ms);
  Status check(std::int64_t id, const std::string& who, int step, int item, std::int64_t now_ms);
  Status assign(std::int64_t id, const std::string& who, const std::string& assignee, std::int64_t now_ms);
  Status note(std::int64_t id, const std::string& who, const std::string& text, std::int64_t now_ms);
  Status close(std::int64_t id, const std::string& who, const std::string& reason, const std::string& note,
               std::int64_t now_ms);

 private:
  Result<CaseRecord> load(std::int64_t id);
  Status log(std::int64_t id, const std::string& who, const std::string& action, const std::string& detail,
             std::int64_t now_ms);
  Store& store_;
  CasePolicy policy_;
};

// Renderings of one case: findings, timeline of its events, checklist state, history.
std::string case_text(const CaseView& v);
std::string case_markdown(const CaseView& v);
std::string case_html(const CaseView& v);  // self-contained: inline CSS, no scripts, no external links
// One line per case for `case list`.
std::string case_list_line(const CaseRecord& c);

}  // namespace rg::respond
