#include "respond/push.h"

#include <algorithm>
#include <map>

#include "core/strings.h"
#include "respond/alert.h"

namespace rg::respond {

namespace {
constexpr std::size_t kBatch = 200;
}  // namespace

PushReport push_findings(const std::vector<std::unique_ptr<Sink>>& sinks, const std::vector<Finding>& findings,
                         Diagnostics& diag) {
  PushReport rep;
  for (const auto& sink : sinks) {
    std::vector<Alert> alerts;
    for (const Finding& f : findings)
      if (f.status == FindingStatus::Fail || (f.status == FindingStatus::Pass && sink->keeps_findings()))
        alerts.push_back(make_alert(f));
    std::uint64_t sent = 0, not_sent = 0;
    std::map<std::string, std::uint64_t> why;  // each reason once, with how many it stopped
    for (std::size_t from = 0; from < alerts.size(); from += kBatch) {
      std::vector<Alert> batch(alerts.begin() + static_cast<std::ptrdiff_t>(from),
                               alerts.begin() + static_cast<std::ptrdiff_t>(std::min(alerts.size(), from + kBatch)));
      for (const Delivery& d : deliver_all(*sink, batch)) {
        if (d.outcome == Outcome::Accepted) {
          ++sent;
          continue;
        }
        ++not_sent;
        ++why[d.detail];
      }
    }
    for (const auto& [detail, n] : why)
      diag.error(ErrorKind::Io, sink->name(), counted(n, "finding") + " not sent: " + detail);
    diag.note(sink->name(), counted(sent, "finding") + " sent" +
                                (not_sent ? ", " + std::to_string(not_sent) + " not sent" : std::string()));
    rep.sent += sent;
    rep.not_sent += not_sent;
  }
  return rep;
}

}  // namespace rg::respond
