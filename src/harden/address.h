// E-mail addresses as AWS root e-mails need them: RFC 5322 dot-atom local parts (RFC 5321
// limits: local part <= 64 octets, domain <= 255), LDH domain names with at least two labels,
// RFC 5233 subaddresses (local "+" detail), and AWS's 64-character limit on the whole address.
// Quoted local parts and address literals ([192.0.2.1]) are refused: AWS and most mail
// providers do not take them for account e-mails.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace rg::harden {

inline constexpr std::size_t kAwsMaxEmailLength = 64;   // root e-mail (account primary e-mail)
inline constexpr std::size_t kMaxLocalPartLength = 64;  // RFC 5321 4.5.3.1.1

struct Address {
  std::string local;   // as written
  std::string domain;  // lower-cased
  std::string str() const { return local + "@" + domain; }
};

// RFC 5322 atext (letters, digits and !#$%&'*+-/=?^_`{|}~).
bool is_atext(char c);
// A dot-atom: atext runs separated by single dots, no dot at either end.
bool is_dot_atom(std::string_view s);

// Parses and checks an address; the error's `what` says which rule failed.
Result<Address> parse_address(std::string_view text);

// Lower-cases the whole address (AWS treats root e-mails case-insensitively).
std::string fold_case(std::string_view address);

}  // namespace rg::harden
