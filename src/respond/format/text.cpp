// The text format: one line per finding, for a person at a terminal.
#include <algorithm>

#include "respond/format/format.h"
#include "respond/render.h"

namespace rg::respond::format {

namespace {
const char* severity_color(Severity s) {
  switch (s) {
    case Severity::Critical: return "\x1b[1;31m";
    case Severity::High: return "\x1b[31m";
    case Severity::Medium: return "\x1b[33m";
    case Severity::Low: return "\x1b[36m";
    case Severity::Info: return "\x1b[2m";
  }
  return "";
}

// The first sentence of the next step, cut to a line's worth.
std::string short_step(const std::string& s) {
  std::size_t end = s.find(". ");
  std::string out = s.substr(0, end == std::string::npos ? s.size() : end + 1);
  std::replace(out.begin(), out.end(), '\n', ' ');
  if (out.size() > 120) out = out.substr(0, 117) + "...";
  return out;
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }
}  // namespace

std::string text_line(const Finding& f, bool color) {
  std::string sev(to_string(f.severity));
  std::transform(sev.begin(), sev.end(), sev.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::string line;
  line += or_dash(f.event.event_time) + "  " + or_dash(f.account) + "  " + or_dash(f.region) + "  ";
  if (color) line += severity_color(f.severity);
  line += sev;
  if (color) line += "\x1b[0m";
  line += "  " + f.id + " " + f.title;
  line += "  by " + who_label(f) + " from " + or_dash(f.event.source_ip);
  line += "  " + or_dash(f.event.event_name) + "  MFA " + mfa_label(f);
  if (!f.event.error_code.empty()) line += "  error " + f.event.error_code;
  if (!f.next_step.empty()) {
    line += color ? "  \x1b[2mnext:\x1b[0m " : "  next: ";
    line += short_step(f.next_step);
  }
  line += '\n';
  return line;
}

}  // namespace rg::respond::format
