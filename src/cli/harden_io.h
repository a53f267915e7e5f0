// Reading one input file whole for harden, emails (small JSON documents: a ListAccounts
// response, an audit report). "-" reads standard input.
#pragma once

#include <iostream>
#include <sstream>
#include <string>

#include "core/result.h"
#include "io/whole_file.h"

namespace rg::cli {

inline Result<std::string> read_input_file(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  return io::read_whole_file(path);
}

}  // namespace rg::cli
