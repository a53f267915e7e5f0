#include "respond/sinks/http.h"

#include <curl/curl.h>

#include "core/redact.h"

namespace rg::respond {

namespace {
size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

struct CurlInit {
  CurlInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};
}  // namespace

HttpAnswer http_post(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                     std::int64_t timeout_ms) {
  static CurlInit init;
  HttpAnswer ans;
  CURL* c = curl_easy_init();
  if (!c) {
    ans.error = "libcurl init failed";
    return ans;
  }
  curl_slist* hs = nullptr;
  for (const auto& h : headers) hs = curl_slist_append(hs, h.c_str());
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "rootguard/" RG_VERSION);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ans.status);
  } else {
    ans.error = redact_secrets(errbuf[0] ? errbuf : curl_easy_strerror(rc));
  }
  curl_slist_free_all(hs);
  curl_easy_cleanup(c);
  return ans;
}

Delivery classify(const HttpAnswer& a) {
  if (a.status == 0) return {Outcome::Retry, a.error.empty() ? "no answer" : a.error};
  std::string d = "HTTP " + std::to_string(a.status);
  if (a.status >= 200 && a.status < 300) return {Outcome::Accepted, d};
  if (a.status == 408 || a.status == 425 || a.status == 429 || a.status >= 500) return {Outcome::Retry, d};
  return {Outcome::Rejected, d};
}

}  // namespace rg::respond
