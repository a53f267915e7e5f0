#include "io/source.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

namespace rg::io {
namespace fs = std::filesystem;

Source file_source(const fs::path& path, std::string name, Env& env, std::optional<std::uint64_t> size) {
  Source s;
  s.name = std::move(name);
  if (size) {
    s.size_hint = *size;
  } else {
    std::error_code ec;
    auto found = fs::file_size(path, ec);
    if (!ec) s.size_hint = found;
  }
  Env* e = &env;
  // The path as text, and the name only when it differs: a walk makes one Source per file,
  // and a std::filesystem::path keeps a list of its components besides its text.
  std::string text = path.native();
  std::string n = text == s.name ? std::string() : s.name;
  s.open = [e, text = std::move(text), n = std::move(n)]() { return e->open(text, n.empty() ? text : n); };
  return s;
}

Source stdin_source(Env& env) {
  Source s;
  s.name.assign(1, '-');  // (not = "-": works around a GCC 12 -Wrestrict false positive)
  Env* e = &env;
  s.open = [e]() -> Result<std::unique_ptr<Reader>> { return e->open_stdin(); };
  return s;
}

namespace {

// The names in directory `dir` (without "." and ".."), or the errno that stopped the listing.
int list_directory(const char* dir, std::vector<std::string>& names) {
  DIR* d = ::opendir(dir);
  if (!d) return errno;
  int err = 0;
  for (;;) {
    errno = 0;
    const dirent* ent = ::readdir(d);
    if (!ent) {
      err = errno;
      break;
    }
    const char* n = ent->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    names.emplace_back(n);
  }
  ::closedir(d);
  return err;
}

struct Walker {
  Env& env;
  Diagnostics& diag;
  std::vector<Source>& out;
  std::set<std::pair<dev_t, ino_t>> stack;  // directories being walked (loop detection)

  void error_errno(const std::string& name, int e) {
    if (e == ELOOP) {
      diag.error(ErrorKind::Io, name, "symlink loop, skipped");
    } else {
      diag.error(e == EACCES || e == EPERM ? ErrorKind::Denied : ErrorKind::Io, name,
                 std::string("cannot read: ") + std::strerror(e));
    }
  }

  // `path` is both where the entry is and how it is named (as given, then joined with '/').
  void visit(const std::string& path, bool top) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      int e = errno;
      if (!top && e == ENOENT) {  // a dangling symlink inside a directory
        struct stat lst {};
        if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
          diag.error(ErrorKind::Io, path, "dangling symlink, skipped");
          return;
        }
      }
      error_errno(path, e);
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      if (stack.count(key)) {
        diag.error(ErrorKind::Io, path, "symlink loop (directory contains itself), skipped");
        return;
      }
      std::vector<std::string> names;
      if (int e = list_directory(path.c_str(), names)) {
        error_errno(path, e);
        return;
      }
      std::sort(names.begin(), names.end());
      stack.insert(key);
      for (const std::string& n : names) {
        std::string child;
        child.reserve(path.size() + 1 + n.size());
        child.append(path);
        if (!path.empty() && path.back() != '/') child.push_back('/');
        child.append(n);
        visit(child, false);
      }
      stack.erase(key);
      return;
    }
    if (S_ISREG(st.st_mode)) {
      out.push_back(file_source(path, path, env, static_cast<std::uint64_t>(st.st_size)));
      return;
    }
    if (top) {  // a FIFO or device named explicitly (e.g. /dev/stdin, <(zcat ...)): read it
      out.push_back(file_source(path, path, env));
      return;
    }
    // sockets, FIFOs and devices met while walking a directory are not logs
  }
};

}  // namespace

std::vector<Source> expand(const std::vector<std::string>& paths, Env& env, Diagnostics& diag) {
  std::vector<Source> out;
  Walker w{env, diag, out, {}};
  for (const std::string& p : paths) {
    if (p == "-") {
      out.push_back(stdin_source(env));
      continue;
    }
    w.visit(p, true);
  }
  return out;
}

std::vector<Source> expand_beside(const std::vector<std::string>& paths, Env& env, Diagnostics& diag,
                                  const std::function<void()>& meanwhile) {
  std::vector<std::pair<Diagnostics::Level, std::string>> held;
  std::vector<Source> out;
  std::exception_ptr failed;
  std::thread walker;
  try {
    walker = std::thread([&] {
      try {
        Diagnostics side([&](Diagnostics::Level level, const std::string& line) { held.emplace_back(level, line); });
        out = expand(paths, env, side);
      } catch (...) {
        failed = std::current_exception();
      }
    });
  } catch (const std::system_error&) {  // no thread: one after the other
    meanwhile();
    return expand(paths, env, diag);
  }
  struct Join {  // however `meanwhile` ends
    std::thread& t;
    ~Join() { t.join(); }
  };
  {
    Join join{walker};
    meanwhile();
  }
  if (failed) std::rethrow_exception(failed);
  for (auto& [level, line] : held) diag.relay(level, std::move(line));
  return out;
}

}  // namespace rg::io
