#include "io/trail_layout.h"

#include <algorithm>

#include "core/time.h"

namespace rg::io {

namespace {

bool all_digits(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool listed(const std::vector<std::string>& want, std::string_view seg) {
  return want.empty() || std::find(want.begin(), want.end(), seg) != want.end();
}

}  // namespace

std::optional<std::vector<std::string_view>> trail_levels(std::string_view path) {
  std::vector<std::string_view> segs;
  for (std::size_t at = 0; at <= path.size();) {
    std::size_t end = path.find('/', at);
    if (end == std::string_view::npos) end = path.size();
    if (end > at) segs.push_back(path.substr(at, end - at));
    at = end + 1;
  }
  auto start = std::find(segs.begin(), segs.end(), "AWSLogs");
  if (start == segs.end()) return std::nullopt;
  std::vector<std::string_view> after(start + 1, segs.end());
  if (!after.empty() && after[0].starts_with("o-")) after.erase(after.begin());
  return after;
}

bool trail_dir_wanted(std::string_view path, const TrailFilter& f) {
  const auto levels = trail_levels(path);
  if (!levels) return true;
  const std::vector<std::string_view>& after = *levels;

  constexpr std::int64_t kDayMs = 86'400'000;
  auto day_of = [](std::int64_t ms) { return format_iso8601(ms).substr(0, 10); };  // "YYYY-MM-DD"
  const std::string since = f.since_ms ? day_of(*f.since_ms) : "0000-00-00";
  const std::string until = f.until_ms ? day_of(*f.until_ms + kDayMs) : "9999-99-99";  // see the header
  std::string date;  // "YYYY", "YYYY-MM", "YYYY-MM-DD" as the levels go down
  for (std::size_t level = 0; level < after.size() && level < kTrailLevels; ++level) {
    const std::string_view seg = after[level];
    switch (level) {
      case 0:
        if (!listed(f.accounts, seg)) return false;
        break;
      case 1:
        if (seg != "CloudTrail") return false;
        break;
      case 2:
        if (!listed(f.regions, seg)) return false;
        break;
      default: {  // year, month, day
        if (!all_digits(seg, level == 3 ? 4 : 2)) return false;
        if (level > 3) date += '-';
        date += seg;
        if (date < since.substr(0, date.size()) || date > until.substr(0, date.size())) return false;
      }
    }
  }
  return true;
}

}  // namespace rg::io
