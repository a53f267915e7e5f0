#include "harden/address.h"

#include <cctype>
#include <cstring>

#include "core/strings.h"

namespace rg::harden {

bool is_atext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u) && u < 0x80) return true;
  return c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

bool is_dot_atom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!is_atext(c)) {
      return false;
    }
    prev = c;
  }
  return true;
}

namespace {

Error bad(std::string_view text, std::string what) {
  return make_error(ErrorKind::Invalid, "", "invalid e-mail address '" + std::string(text) + "': " + what);
}

bool is_label(std::string_view l) {
  if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
  for (char c : l) {
    const auto u = static_cast<unsigned char>(c);
    if (!(u < 0x80 && (std::isalnum(u) || c == '-'))) return false;
  }
  return true;
}

}  // namespace

Result<Address> parse_address(std::string_view text) {
  const auto at = text.rfind('@');
  if (at == std::string_view::npos) return bad(text, "no '@'");
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.empty()) return bad(text, "empty local part");
  if (local.front() == '"') return bad(text, "quoted local parts are not accepted");
  if (local.size() > kMaxLocalPartLength) return bad(text, "local part longer than 64 characters (RFC 5321)");
  if (!is_dot_atom(local))
    return bad(text, "local part is not an RFC 5322 dot-atom (letters, digits, !#$%&'*+-/=?^_`{|}~ and single inner dots)");
  if (domain.empty()) return bad(text, "empty domain");
  if (domain.front() == '[') return bad(text, "address literals are not accepted");
  if (domain.size() > 253) return bad(text, "domain longer than 253 characters");
  const auto labels = split(domain, '.');
  if (labels.size() < 2) return bad(text, "domain needs at least two labels (example.com)");
  for (const auto& l : labels)
    if (!is_label(l)) return bad(text, "domain label '" + l + "' is not letters, digits and inner hyphens (1-63)");
  bool numeric_tld = true;
  for (char c : labels.back()) numeric_tld = numeric_tld && std::isdigit(static_cast<unsigned char>(c));
  if (numeric_tld) return bad(text, "top-level domain is numeric");
  return Address{std::string(local), to_lower(domain)};
}

std::string fold_case(std::string_view address) { return to_lower(address); }

}  // namespace rg::harden
