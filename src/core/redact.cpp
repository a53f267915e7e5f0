#include "core/redact.h"

#include <regex>
#include <string_view>

#include "core/strings.h"

namespace rg {

std::string redact_value(std::string_view secret) {
  if (secret.size() >= 20) return "****" + std::string(secret.substr(secret.size() - 4));
  return "****";
}

std::string redact_url(std::string_view url) {
  std::string u(url);
  size_t scheme = u.find("://");
  if (scheme == std::string::npos) return redact_secrets(u);
  size_t host_start = scheme + 3;
  size_t path_start = u.find('/', host_start);
  std::string authority = u.substr(host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
  size_t at = authority.rfind('@');
  if (at != std::string::npos) authority = "****@" + authority.substr(at + 1);
  std::string out = u.substr(0, host_start) + authority;
  if (path_start != std::string::npos) {
    std::string rest = u.substr(path_start);
    size_t q = rest.find_first_of("?#");
    std::string path = rest.substr(0, q);
    // Webhook URLs carry their secret in the path (Slack /services/T../B../XXXX): keep the first
    // segment. An s3:// object key is a name, not a secret: errors must say which object.
    size_t second = path.find('/', 1);
    if (u.compare(0, scheme, "s3") == 0) out += path;
    else out += second == std::string::npos ? path : path.substr(0, second) + "/****";
    if (q != std::string::npos) out += "?****";
  }
  return out;
}

namespace {

bool is_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '+' ||
         c == '=';
}

// What each pattern below cannot match without: a line that lacks it is passed over without
// running the pattern (std::regex takes tens of microseconds on a line of an error message;
// these scans well under one). Each is implied by its pattern, so the result is the same.
bool may_hold_label(std::string_view s) {  // every alternative of `labelled` holds one of these
  for (std::string_view w : {"secret", "session", "token", "passw", "signature"})
    if (contains_icase(s, w)) return true;
  return false;
}

bool may_hold_bare_secret(std::string_view s) {  // a run of exactly 40 key characters
  std::size_t run = 0;
  for (char c : s) {
    if (is_key_char(c)) {
      ++run;
    } else {
      if (run == 40) return true;
      run = 0;
    }
  }
  return run == 40;
}

}  // namespace

std::string redact_secrets(std::string_view text) {
  return redact_secrets_with(text, false);
}

std::string redact_secrets_with(std::string_view text, bool every_pattern) {
  static const std::regex labelled(
      R"(((?:aws_)?secret(?:_access)?_?key|SecretAccessKey|secretAccessKey|session_?token|SessionToken|sessionToken|X-Amz-Security-Token|x-amz-security-token|password|Password|passwd|Signature|signature|token|Token)(["']?\s*[:=]\s*["']?)([^\s"'&,;}]+))",
      std::regex::optimize);
  static const std::regex auth_header(R"((Authorization:\s*)([^\r\n]+))", std::regex::icase | std::regex::optimize);
  static const std::regex url(R"(([a-z][a-z0-9+.-]*://)([^\s"'<>]+))", std::regex::icase | std::regex::optimize);
  // A bare 40-character secret key shape (base64-ish with a slash or plus somewhere is typical).
  static const std::regex bare_secret(R"((^|[^A-Za-z0-9/+=])([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=]))", std::regex::optimize);

  std::string s(text);
  if (s.find("://") != std::string::npos) {
    std::string out;
    auto begin = std::sregex_iterator(s.begin(), s.end(), url);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      out += s.substr(last, it->position() - last);
      // Punctuation that ends a URL in a sentence ("http://host/x: refused") is not the URL's.
      std::string u = it->str();
      std::size_t keep = u.find_last_not_of(":,.;)");
      std::string tail = keep == std::string::npos ? "" : u.substr(keep + 1);
      out += redact_url(u.substr(0, u.size() - tail.size())) + tail;
      last = it->position() + it->length();
    }
    out += s.substr(last);
    s = out;
  }
  if (every_pattern || may_hold_label(s)) s = std::regex_replace(s, labelled, "$1$2****");
  if (every_pattern || contains_icase(s, "authorization")) s = std::regex_replace(s, auth_header, "$1****");
  if (!every_pattern && !may_hold_bare_secret(s)) return s;
  // Bare 40-char strings: only when they mix cases and digits like a secret key would.
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), bare_secret); it != std::sregex_iterator(); ++it) {
    const std::string cand = (*it)[2].str();
    bool upper = false, lower = false, digit = false;
    for (char c : cand) {
      upper |= (c >= 'A' && c <= 'Z');
      lower |= (c >= 'a' && c <= 'z');
      digit |= (c >= '0' && c <= '9');
    }
    size_t pos = static_cast<size_t>(it->position(2));
    out += s.substr(last, pos - last);
    out += (upper && lower && digit) ? "****" : cand;
    last = pos + cand.size();
  }
  out += s.substr(last);
  return out;
}

}  // namespace rg
