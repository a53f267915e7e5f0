#include "aws/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "core/redact.h"
#include "core/strings.h"

namespace rg::aws {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (rg::iequals(n, name)) return v;
  return {};
}

namespace {

struct Handle {
  CURL* curl = nullptr;
  Handle() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl = curl_easy_init();
  }
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

struct Sink {
  const HttpRequest* req;
  HttpResponse* resp;
  CURL* curl;
  bool aborted = false;
  bool too_big = false;
};

size_t on_write(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t len = size * n;
  if (s->resp->status == 0) curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->resp->status);
  if (s->req->on_body && s->resp->status >= 200 && s->resp->status < 300) {
    bool keep = false;
    try {
      keep = s->req->on_body(std::string_view(data, len));
    } catch (...) {
      keep = false;
    }
    if (!keep) {
      s->aborted = true;
      return 0;
    }
    return len;
  }
  if (len > s->req->max_body - std::min(s->req->max_body, s->resp->body.size())) {
    s->too_big = true;
    return 0;
  }
  s->resp->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {
    s->resp->headers.clear();  // a new response (after 100-continue or a redirect)
    return len;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos)
    s->resp->headers.emplace_back(std::string(rg::trim(line.substr(0, colon))),
                                  std::string(rg::trim(line.substr(colon + 1))));
  return len;
}

}  // namespace

Result<HttpResponse> http_perform(const HttpRequest& request) {
  thread_local Handle handle;
  CURL* c = handle.curl;
  if (c == nullptr) return make_error(ErrorKind::Io, "", "libcurl could not be initialised");
  curl_easy_reset(c);

  HttpResponse resp;
  Sink sink{&request, &resp, c};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* hdrs = nullptr;
  for (const auto& [n, v] : request.headers) hdrs = curl_slist_append(hdrs, (n + ": " + v).c_str());
  if (request.sign && !request.sign->session_token.empty())
    hdrs = curl_slist_append(hdrs, ("X-Amz-Security-Token: " + request.sign->session_token).c_str());
  // No "Expect:" override here: libcurl would sign the blanked header it then does not send.
  // Request bodies are small (libcurl only asks 100-continue above 1 MiB).

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "rootguard/" RG_VERSION);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  if (request.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    if (request.method == "POST" || !request.body.empty()) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
    }
    if (request.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  std::string sigv4;
  if (request.sign) {
    sigv4 = "aws:amz:" + request.sign->region + ":" + request.sign->service;
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERNAME, request.sign->access_key_id.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, request.sign->secret_access_key.c_str());
  }

  CURLcode rc = curl_easy_perform(c);
  resp.status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  // Scrub what the handle remembers of the credentials before it idles.
  curl_easy_setopt(c, CURLOPT_USERNAME, "");
  curl_easy_setopt(c, CURLOPT_PASSWORD, "");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(hdrs);
  if (rc != CURLE_OK) {
    std::string what = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (sink.aborted) what = "transfer stopped by the reader";
    if (sink.too_big)
      return make_error(ErrorKind::Corrupt, rg::redact_url(request.url),
                        "the answer is larger than " + std::to_string(request.max_body >> 20) + " MiB; not read further");
    return make_error(ErrorKind::Io, rg::redact_url(request.url), rg::redact_secrets(what));
  }
  return resp;
}

}  // namespace rg::aws
