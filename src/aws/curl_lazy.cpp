// The libcurl functions rootguard calls, each forwarding to libcurl's own, loaded on the first
// call (core/dynlib.h says why). curl_easy_setopt() and curl_easy_getinfo() take one argument
// after the option, whose type the option's number tells (as libcurl itself reads it).
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include <cstdarg>
#include <type_traits>

#include "core/dynlib.h"

static_assert(sizeof(std::underlying_type_t<CURLoption>) == sizeof(int) &&
              sizeof(std::underlying_type_t<CURLINFO>) == sizeof(int));

namespace {
constexpr const char* kSoname = "libcurl.so.4";
constexpr const char* kWhat = "HTTP requests";
}  // namespace

#define RG_CURL_FN(ret, name, params, args) RG_DYNLIB_FORWARD(kSoname, kWhat, ret, name, params, args)
// The variadic ones: the library's function as `real`.
#define RG_CURL_REAL(name) \
  static const auto real = rg::dynlib::function<decltype(&::name)>(kSoname, kWhat, #name)

extern "C" {

RG_CURL_FN(CURLcode, curl_global_init, (long flags), (flags))
RG_CURL_FN(CURL*, curl_easy_init, (), ())
RG_CURL_FN(void, curl_easy_cleanup, (CURL * curl), (curl))
RG_CURL_FN(void, curl_easy_reset, (CURL * curl), (curl))
RG_CURL_FN(CURLcode, curl_easy_perform, (CURL * curl), (curl))
RG_CURL_FN(const char*, curl_easy_strerror, (CURLcode code), (code))
RG_CURL_FN(curl_slist*, curl_slist_append, (curl_slist * list, const char* data), (list, data))
RG_CURL_FN(void, curl_slist_free_all, (curl_slist * list), (list))

// The last named parameter is an enum, which clang flags for va_start: its underlying type is
// int-sized (libcurl's own definitions start their argument lists from it the same way).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wvarargs"

CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  RG_CURL_REAL(curl_easy_setopt);
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT)
    rc = real(curl, option, va_arg(ap, long));
  else if (option < CURLOPTTYPE_FUNCTIONPOINT)
    rc = real(curl, option, va_arg(ap, void*));
  else if (option < CURLOPTTYPE_OFF_T)
    rc = real(curl, option, va_arg(ap, void (*)()));
  else if (option < CURLOPTTYPE_BLOB)
    rc = real(curl, option, va_arg(ap, curl_off_t));
  else
    rc = real(curl, option, va_arg(ap, void*));
  va_end(ap);
  return rc;
}

CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {  // always a pointer to the answer
  RG_CURL_REAL(curl_easy_getinfo);
  va_list ap;
  va_start(ap, info);
  const CURLcode rc = real(curl, info, va_arg(ap, void*));
  va_end(ap);
  return rc;
}

#pragma GCC diagnostic pop

}  // extern "C"
