#include "core/dynlib.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

namespace rg::dynlib {

namespace {
[[noreturn]] void fail(const char* soname, const char* what, const char* why) {
  std::fprintf(stderr, "rootguard: error: cannot load %s (%s): %s\n", soname, what, why ? why : "unknown error");
  std::fflush(stderr);
  std::_Exit(2);
}
}  // namespace

void* symbol(const char* soname, const char* what, const char* name) {
  static std::mutex mu;
  static auto* handles = new std::map<std::string, void*>;  // never freed: the libraries stay loaded
  std::lock_guard lock(mu);
  void*& handle = (*handles)[soname];
  if (!handle && !(handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL))) fail(soname, what, ::dlerror());
  ::dlerror();
  void* f = ::dlsym(handle, name);
  if (!f) fail(soname, what, ::dlerror());
  return f;
}

}  // namespace rg::dynlib
