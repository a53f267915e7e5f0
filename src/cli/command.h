// The command line's plumbing: each subcommand lives in its own file (cli/<name>.cpp),
// registers its flags on the root CLI11 app, and supplies the function that runs it.
// Subcommands only parse flags, call the library and print: no logic lives in cli/.
#pragma once

#include <cstdio>
#include <functional>
#include <regex>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/redact.h"
#include "core/severity.h"

namespace rg::cli {

// Exit status everywhere (DESIGN.md): 0 nothing at or above the threshold, 1 found
// something, 2 usage error or some input could not be read.
inline constexpr int kExitClean = 0;
inline constexpr int kExitFound = 1;
inline constexpr int kExitError = 2;

struct Command {
  CLI::App* app = nullptr;   // the subcommand, as registered on the root app
  std::function<int()> run;  // runs it after parsing; returns the exit status
};

using Registrar = Command (*)(CLI::App& root);

// Every repeatable flag (a vector behind `--flag`) takes one value each time it is given, so
// `scan --account 111122223333 a/ b/` reads a/ and b/ as paths: CLI11 would otherwise give a
// vector flag every word up to the next flag, bar the last one a required positional needs.
// `--flag a,b` still works where the flag has a delimiter. Walks every subcommand.
inline void one_value_per_flag(CLI::App& app) {
  for (CLI::Option* o : app.get_options())
    if (o->nonpositional() && o->get_items_expected_max() > 1) o->allow_extra_args(false);
  for (CLI::App* sub : app.get_subcommands({})) one_value_per_flag(*sub);
}

// --account: an AWS account id, as CloudTrail and the APIs write it (12 digits) or as the
// console shows it (1111-2222-3333, read as 111122223333). Anything else is a usage error, not
// a filter that silently matches nothing.
inline CLI::Validator account_id() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        std::string digits;
        for (char c : s)
          if (c != '-') digits += c;
        if (digits.size() != 12 || digits.find_first_not_of("0123456789") != std::string::npos)
          return "not an AWS account id (12 digits, or 1111-2222-3333): " + s;
        s = digits;
        return {};
      },
      "ACCOUNT-ID");
}

// --region and the like: an AWS region's name (us-east-1, eu-central-2, us-gov-west-1,
// cn-north-1, us-isob-east-1): a typo (us-east1) is a usage error, not a filter that matches no
// log or a host name that does not resolve.
inline CLI::Validator region_name() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        static const std::regex name("[a-z]+(-[a-z]+)+-[0-9]{1,2}");
        return std::regex_match(s, name) ? std::string() : "not an AWS region name (such as us-east-1): " + s;
      },
      "REGION");
}

// --endpoint-url: http:// or https:// and a host, as the AWS CLI asks ("localhost:4566" is a
// usage error, not a request to nowhere). Plain http:// to a host other than this machine is
// allowed (a test endpoint on the network) with a warning: the requests, and a session token
// with them, then cross the network unencrypted.
inline CLI::Validator endpoint_url() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        static const std::regex form(R"((https?)://(\[[0-9A-Fa-f:.]+\]|[^/:?#\[\]@]+)(:[0-9]{1,5})?([/?#].*)?)");
        std::smatch m;
        if (!std::regex_match(s, m, form))
          return "not an endpoint URL (http://HOST[:PORT] or https://HOST[:PORT]): " + redact_url(s);
        static const std::regex loopback(R"(localhost|127(\.[0-9]{1,3}){3}|\[::1\])");
        if (m[1] == "http" && !std::regex_match(m[2].str(), loopback))
          std::fprintf(stderr,
                       "rootguard: warning: --endpoint-url %s is plain HTTP: the signed requests, and any session "
                       "token, go over the network unencrypted (use https:// unless this is a test endpoint)\n",
                       redact_url(s).c_str());
        return {};
      },
      "URL");
}

// --min-severity, --fail-on, --case-min-severity: a severity's name, in any case. Checked as
// the flags are read, so that nothing (a state store, a scan) is begun on a typo; the commands
// then read it with parse_severity.
inline CLI::Validator severity_name() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        return parse_severity(s) ? std::string() : "'" + s + "' is not a severity (info, low, medium, high, critical)";
      },
      "SEVERITY");
}

// One registrar per subcommand; the explicit list is in main.cpp.
Command register_scan(CLI::App& root);
Command register_rules(CLI::App& root);
Command register_audit(CLI::App& root);
Command register_harden(CLI::App& root);
Command register_password(CLI::App& root);
Command register_emails(CLI::App& root);
Command register_collect(CLI::App& root);
Command register_case(CLI::App& root);
Command register_timeline(CLI::App& root);
Command register_watch(CLI::App& root);

}  // namespace rg::cli
