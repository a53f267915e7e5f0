// Shared libraries loaded on first use instead of at start-up.
//
// libcurl and libpq, with what they bring in (TLS, Kerberos, LDAP, SSH, IDN, HTTP/2: about 30
// shared objects), serve only the commands that reach the network or PostgreSQL, yet loading
// them at start-up cost every run about 11 ms, two fifths of a `scan` of a small file.
// libcrypto (SHA-256 and HMAC for request signing and webhooks), SQLite (the case store) and
// Hyperscan (rules with keyword searches) cost another 5 ms or so, and a scan with the
// built-in rules needs none of them. aws/curl_lazy.cpp, respond/pq_lazy.cpp,
// core/crypto_lazy.cpp, respond/sqlite_lazy.cpp and scan/hs_lazy.cpp define the C functions
// the rest of the code calls; each forwards to the library's own, found by symbol() on its
// first call. The code that calls them is written as if the library were linked.
#pragma once

namespace rg::dynlib {

// The address of `name` in the shared library `soname` (loaded on the first call for it;
// thread-safe). A library or symbol that cannot be found ends the process with one line on
// stderr naming it, what it is for (`what`) and why, and exit status 2, as the dynamic loader
// would have refused to start the program without it.
void* symbol(const char* soname, const char* what, const char* name);

// The same, as a pointer to the function `F` (a function pointer type).
template <class F>
F function(const char* soname, const char* what, const char* name) {
  return reinterpret_cast<F>(symbol(soname, what, name));
}

}  // namespace rg::dynlib

// Defines the C function `name` with the signature its header declares, forwarding its
// arguments (`args`, the names in `params`) to the library's own; soname and what as for
// symbol(). For use inside extern "C".
#define RG_DYNLIB_FORWARD(soname, what, ret, name, params, args)                               \
  ret name params {                                                                            \
    static const auto real = ::rg::dynlib::function<decltype(&::name)>(soname, what, #name); \
    return real args;                                                                          \
  }
