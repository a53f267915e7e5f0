// Error: what went wrong and where, as one line a user can act on.
//
// `where` names the input ("trail/x.json.gz:1234", "rules/D01.yml:12:5", "snap/iam.GetCredentialReport.json");
// `what` says what is wrong there. Secrets never go into either: pass values through
// core/redact.h first. Plain value type, cheap to copy, safe to move across threads.
#pragma once

#include <string>

namespace rg {

enum class ErrorKind {
  Io,            // could not read or write
  Corrupt,       // the input is damaged (bad gzip, invalid JSON, bad CSV)
  Invalid,       // the input is well-formed but wrong (unknown key, bad CIDR, usage)
  Unsupported,   // well-formed, valid, but not something rootguard does (e.g. a Sigma feature)
  Denied,        // permission denied (file mode, AWS AccessDenied)
  NotCollected,  // the data needed was not collected (missing snapshot file)
  Remote,        // a remote service answered with an error (AWS error code, HTTP status)
};

const char* to_string(ErrorKind k);

struct Error {
  ErrorKind kind = ErrorKind::Invalid;
  std::string where;  // file[:line[:col]] or file:offset; may be empty
  std::string what;

  // "where: what" (or just "what" when where is empty): the one line printed to the user.
  std::string str() const;
};

inline Error make_error(ErrorKind kind, std::string where, std::string what) {
  return Error{kind, std::move(where), std::move(what)};
}

}  // namespace rg
