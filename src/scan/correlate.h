// Correlator: evaluates Sigma correlation rules (sigma/correlation.h) over rule matches fed
// in event-time order.
//
// The scan workers turn every match of a rule that some correlation counts into an
// Observation (the event's time and id, its group key for each correlation it feeds, the
// Finding the rule would report); `scan` sorts them by (eventTime, eventID) and feeds them
// here, `watch` feeds each new file's and keeps the state in its store between files and
// restarts. Per correlation and group the state is the matches inside the timespan:
//   event_count       fires when their number meets the condition;
//   value_count       fires when the number of distinct values of the counted field does;
//   value_sum         fires when the sum of the numeric field does (kept as a running sum);
//   value_avg         fires when their average does;
//   temporal          fires when enough of the referenced rules (default: all) have matched;
//   temporal_ordered  fires when all of them have matched in the order written;
//   first_seen        fires when the group has not been seen in the timespan before.
// A correlation that fires forgets the matches it used (so a burst of 50 failures is one
// finding per 5, not 46), except first_seen, which remembers when the group was last seen.
// A match already in a group (same event id) is not counted twice: a file scanned again
// after a crash, or an addendum re-delivery, changes nothing.
//
// Correlations that count other correlations (chains) receive the lower one's findings as
// matches. The findings of correlations that are `emitted` are returned.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cloudtrail/event.h"
#include "core/finding.h"
#include "core/result.h"
#include "sigma/rule_tests.h"
#include "sigma/ruleset.h"

namespace rg::scan {

struct Observation {
  sigma::SourceRef source;       // the rule that matched (or, chained, the correlation that fired)
  std::int64_t time_ms = 0;
  std::string event_id;
  // For each correlation this match feeds (directly or through chains): its group key and,
  // for value_count, the counted field's value.
  struct Key {
    std::uint32_t correlation = 0;
    std::string group;
    std::string value;
  };
  std::vector<Key> keys;
  Finding finding;               // what the rule reports for this event (its title, practice
                                 // and next step may be left out: a correlation's finding has its own)
};

// The Observation for rule `rule` matching `ev` (whose Finding is `finding`).
Observation observe(const sigma::RuleSet& rules, std::uint32_t rule, const cloudtrail::EventView& ev, Finding finding);

// Orders observations as `feed` expects them: eventTime, then eventID, then source.
bool observation_less(const Observation& a, const Observation& b);

class Correlator {
 public:
  // report_all: also return the findings of correlations that are not emitted (tests).
  explicit Correlator(const sigma::RuleSet& rules, bool report_all = false);

  // Counts one match; appends the findings of the correlations that fire (chains included).
  void feed(const Observation& o, std::vector<Finding>& out);

  // Persistence, for watch. State lives under namespace "corr:<correlation id>", one value
  // per group. begin() starts recording what changes; rollback() undoes it; changes()
  // returns each changed group's new value (nullopt: erase it) and ends the recording. A
  // group touched while recording whose matches have all left its timespan is erased.
  void begin();
  void rollback();
  struct Change {
    std::string ns, key;
    std::optional<std::string> value;
  };
  std::vector<Change> changes();
  // Restores one group from the store; an Error for a correlation that is no longer loaded
  // (the caller drops it) or a value that does not parse.
  Status load(const std::string& ns, const std::string& key, const std::string& value);
  static std::string state_namespace(const std::string& correlation_id) { return "corr:" + correlation_id; }

  // Shared state (several processes on one store): while recording, the first time a group is
  // touched its value is read again through `fetch` (which may lock it until the store's
  // transaction ends), so each process counts on the others' latest matches. nullopt: no
  // such group. A fetch error, or a value that does not parse, is kept in error().
  using Fetch = std::function<Result<std::optional<std::string>>(const std::string& ns, const std::string& key)>;
  void set_fetch(Fetch f) { fetch_ = std::move(f); }
  const std::optional<Error>& error() const { return error_; }

  std::size_t groups() const { return groups_.size(); }

  // How one correlation group is kept (exposed for tests).
  struct Entry {
    std::int64_t time_ms = 0;
    std::uint32_t source = 0;   // position in the correlation's rules
    std::string event_id;
    std::string value;          // value_count, value_sum, value_avg: the field's value
    bool operator==(const Entry&) const = default;
  };
  // The entries are the state (stored, compared); the rest is derived from them, so that
  // counting a match, letting old ones go and deciding whether the group fires cost about
  // log(entries) each, not a walk of every entry: a flood of matches in one group (a script
  // spamming root MFA calls) must not make the scan quadratic, or worse.
  struct Group {
    std::deque<Entry> entries;  // by time

    bool counted(std::uint32_t source, const std::string& event_id) const;
    void add(Entry e);                       // in time order (after its equals)
    void drop_before(std::int64_t time_ms);  // the entries older than time_ms
    void clear();
    void reindex();                          // after entries were set directly (decode)
    std::size_t distinct_values() const { return values_.size(); }
    // value_sum, value_avg: the entries whose value is a number, and their sum.
    std::size_t numbers() const { return numbers_; }
    double sum() const { return static_cast<double>(sum_); }
    std::size_t sources_seen() const;
    // The latest time of a match of `source` at or before t / the earliest at or after t.
    std::optional<std::int64_t> latest_at_or_before(std::uint32_t source, std::int64_t t) const;
    std::optional<std::int64_t> earliest_at_or_after(std::uint32_t source, std::int64_t t) const;

   private:
    static std::string seen_key(std::uint32_t source, const std::string& event_id);
    void index(const Entry& e);
    void unindex(const Entry& e);
    std::unordered_map<std::string, std::uint32_t> seen_;    // source, event id -> entries
    std::unordered_map<std::string, std::uint32_t> values_;  // non-empty value -> entries
    std::vector<std::multiset<std::int64_t>> times_;         // by source
    long double sum_ = 0;
    std::size_t numbers_ = 0;
  };
  static std::string encode(const Group& g);
  static Result<Group> decode(const std::string& text);

 private:
  using GroupId = std::pair<std::uint32_t, std::string>;  // correlation, group key
  void feed_one(std::uint32_t c, std::uint32_t position, const Observation& o, const Observation::Key& key,
                std::vector<Finding>& out);
  Group& touch(const GroupId& id);
  Finding make(std::uint32_t c, const Observation& o, const Observation::Key& key, const std::deque<Entry>& used,
               std::int64_t first_ms) const;

  const sigma::RuleSet& rules_;
  bool report_all_ = false;
  std::map<GroupId, Group> groups_;
  bool recording_ = false;
  std::map<GroupId, std::optional<Group>> saved_;  // group state before the first change
  std::int64_t newest_ms_ = 0;
  Fetch fetch_;
  std::optional<Error> error_;
};

// Runs the correlation rules' sequence tests (rootguard.tests): each test's events are
// matched against the rules and fed, in the order written, to a fresh Correlator; a `match`
// test passes when the correlation fires on the last event, a `no_match` test when it does not.
sigma::TestReport run_correlation_tests(const sigma::RuleSet& rules);

}  // namespace rg::scan
