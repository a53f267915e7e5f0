// Reading one input file whole for harden, emails (small JSON documents: a ListAccounts
// response, an audit report). "-" reads standard input.
#pragma once

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "core/result.h"

namespace rg::cli {

inline Result<std::string> read_input_file(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::Io, path, std::strerror(errno));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return make_error(ErrorKind::Io, path, "read failed");
  return data;
}

}  // namespace rg::cli
