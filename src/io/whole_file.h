// Reading a small file whole: a config, an audit report, a token, one rule file. Unlike an
// ifstream read into a stringstream (which gives "" for a directory and hides a failed
// read), every way it can go wrong is an Error naming the path and why ("is a directory",
// "No such file or directory", "read failed: Input/output error").
#pragma once

#include <filesystem>
#include <string>

#include "core/result.h"

namespace rg::io {

Result<std::string> read_whole_file(const std::filesystem::path& path);

}  // namespace rg::io
