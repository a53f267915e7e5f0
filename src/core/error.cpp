#include "core/error.h"

namespace rg {

const char* to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::Io: return "io";
    case ErrorKind::Corrupt: return "corrupt";
    case ErrorKind::Invalid: return "invalid";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::Denied: return "denied";
    case ErrorKind::NotCollected: return "not-collected";
    case ErrorKind::Remote: return "remote";
  }
  return "unknown";
}

std::string Error::str() const {
  if (where.empty()) return what;
  return where + ": " + what;
}

}  // namespace rg
