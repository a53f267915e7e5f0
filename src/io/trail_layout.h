// CloudTrail's key layout, in a trail bucket and in copies of one on disk (aws s3 sync):
//   <prefix>AWSLogs/[o-<org>/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<file>.json.gz
// and which of its directories can hold the events a filter asks for, so that an S3 listing
// or a directory walk need not go into the others.
//
// The day in the key is the day the file was delivered, and a file holds events from before
// its delivery (usually minutes before). So a day before `since` holds nothing wanted, but the
// day after `until` can: a file delivered just after midnight holds the last minutes of the
// day before. That day is kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rg::io {

struct TrailFilter {
  std::optional<std::int64_t> since_ms, until_ms;  // events in [since, until) are wanted
  std::vector<std::string> accounts;               // empty: all
  std::vector<std::string> regions;                // empty: all

  bool narrows() const { return since_ms || until_ms || !accounts.empty() || !regions.empty(); }
};

// The levels of the layout `path` reaches below its "AWSLogs" (an organization's "o-..."
// left out): account, service, region, year, month, day, in that order; nullopt when `path`
// has no "AWSLogs". kTrailLevels of them reach a day's folder, which holds the files.
std::optional<std::vector<std::string_view>> trail_levels(std::string_view path);
inline constexpr std::size_t kTrailLevels = 6;

// Whether the directory (or key prefix) `path`, '/'-separated, can hold wanted events: false
// when it lies inside the layout and the filter rules it out (an account, region or day not
// asked for, or a service other than CloudTrail's log files: digests, Insights); true
// everywhere else, outside the layout included.
bool trail_dir_wanted(std::string_view path, const TrailFilter& f);

}  // namespace rg::io
