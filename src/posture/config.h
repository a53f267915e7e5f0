// rootguard.yaml: the organisation's root-user policy, the input the posture checks cannot
// read from AWS (docs/config.md lists every key).
//
//   root_mailboxes: [aws-root@example.com]      # shared mailbox(es) root emails must use
//   mail_domains: [example.com]                 # domains the organisation owns
//   subaddress_delimiter: "+"                   # aws-root+<tag>@example.com
//   root_use_window_days: 1                     # root use within this many days FAILs R05
//   security_phone: "+1 206 555 0100"           # the shared security line (R16)
//   trusted_source_ips: [203.0.113.0/24]        # CIDRs root may sign in from (scan/watch)
//   root_emails: {"111122223333": aws-root+solo@example.com}   # standalone accounts (R14/R15)
//   attestations:                               # R17: who holds what (people, not mailboxes)
//     mailboxes: {aws-root@example.com: [alice, bob]}
//     tokens: {"*": [carol, dave], "111122223333": [erin, frank]}
//
// An unknown key or a bad CIDR is one error line naming file:line; the rest is kept.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"

namespace rg::posture {

struct Cidr {
  std::string text;
  bool v6 = false;
  std::array<std::uint8_t, 16> addr{};
  int prefix = 0;
  // Whether `ip` (dotted quad or IPv6 text) is inside this range.
  bool contains(const std::string& ip) const;
};
std::optional<Cidr> parse_cidr(const std::string& text);

struct Config {
  std::string source;  // the file it came from; empty when audit runs without a config
  std::vector<std::string> root_mailboxes;
  std::vector<std::string> mail_domains;
  std::string subaddress_delimiter = "+";
  int root_use_window_days = 1;
  std::string security_phone;
  std::vector<Cidr> trusted_source_ips;
  std::map<std::string, std::string> root_emails;                     // account id -> email
  std::map<std::string, std::vector<std::string>> mailbox_holders;    // mailbox -> people
  std::map<std::string, std::vector<std::string>> token_holders;      // account id or "*" -> people

  bool loaded() const { return !source.empty(); }
  // People holding root MFA tokens for `account` (its own entry, else "*").
  const std::vector<std::string>* tokens_for(const std::string& account) const;
};

// Reads `path`; every problem is reported to `diag` as "file:line: what". Returns what could
// be read (a missing or unparsable file gives the defaults, with the error reported).
Config load_config(const std::filesystem::path& path, Diagnostics& diag);
// Same from text (tests, fuzzing); `shown` names it in messages.
Config parse_config(const std::string& text, const std::string& shown, Diagnostics& diag);

}  // namespace rg::posture
