// smtp://[USER:PASS@]HOST[:PORT]/?from=ADDR&to=ADDR[,ADDR] (smtps:// for TLS from the start;
// smtp:// upgrades with STARTTLS when the server offers it): one plain-text e-mail per
// alert, sent with libcurl. A permanent SMTP refusal (5xx) rejects the alert; anything else
// that fails is retried. The password never appears in messages (name() is redacted).
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <ctime>

#include "core/redact.h"
#include "core/strings.h"
#include "respond/render.h"
#include "respond/sinks/kinds.h"

namespace rg::respond {
namespace {

std::string pct_decode(std::string_view s) {
  std::string o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      int h = hex(s[i + 1]), l = hex(s[i + 2]);
      if (h >= 0 && l >= 0) {
        o += static_cast<char>(h * 16 + l);
        i += 2;
        continue;
      }
    }
    o += s[i];
  }
  return o;
}

std::string one_line(std::string_view s) {
  std::string o;
  for (char c : s) o += (c == '\r' || c == '\n') ? ' ' : c;
  return o;
}

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t read_cb(char* buf, size_t size, size_t n, void* ud) {
  auto* u = static_cast<Upload*>(ud);
  size_t room = size * n, left = u->data->size() - u->pos;
  size_t k = left < room ? left : room;
  std::memcpy(buf, u->data->data() + u->pos, k);
  u->pos += k;
  return k;
}

class SmtpSink final : public Sink {
 public:
  SmtpSink(std::string spec, std::string url, std::string user, std::string pass, std::string from,
           std::vector<std::string> to, SinkOptions o)
      : spec_(std::move(spec)), url_(std::move(url)), user_(std::move(user)), pass_(std::move(pass)),
        from_(std::move(from)), to_(std::move(to)), o_(std::move(o)) {}
  std::string name() const override { return redact_url(spec_); }

  Delivery deliver(const Alert& a) override {
    std::string msg = message(a);
    CURL* c = curl_easy_init();
    if (!c) return {Outcome::Retry, "libcurl init failed"};
    curl_slist* rcpt = nullptr;
    for (const auto& t : to_) rcpt = curl_slist_append(rcpt, ("<" + t + ">").c_str());
    Upload up{&msg};
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    if (!user_.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, user_.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, pass_.c_str());
    }
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + from_ + ">").c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.timeout_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o_.timeout_ms));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK) return {Outcome::Accepted, ""};
    std::string why = redact_secrets(errbuf[0] ? errbuf : curl_easy_strerror(rc));
    if (code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED)
      return {Outcome::Rejected, "SMTP " + std::to_string(code) + ": " + why};
    return {Outcome::Retry, why};
  }

 private:
  std::string message(const Alert& a) const {
    std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char date[64];
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    std::string to;
    for (const auto& t : to_) to += (to.empty() ? "" : ", ") + t;
    std::string host = o_.hostname.empty() ? "localhost" : o_.hostname;
    std::string id;
    for (char ch : a.key) id += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '.';
    std::string m = "Date: " + std::string(date) + "\r\nFrom: " + from_ + "\r\nTo: " + to +
                    "\r\nSubject: " + one_line(alert_subject(a)) + "\r\nMessage-ID: <" + id + "." +
                    std::to_string(now) + "@" + one_line(host) +
                    ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nX-Rootguard-Alert-Key: " +
                    one_line(a.key) + "\r\n\r\n";
    std::string body = alert_text(a);
    for (char ch : body) {
      if (ch == '\n') m += "\r\n";
      else if (ch != '\r') m += ch;
    }
    return m;
  }

  std::string spec_, url_, user_, pass_, from_;
  std::vector<std::string> to_;
  SinkOptions o_;
};

}  // namespace

Result<std::unique_ptr<Sink>> make_smtp_sink(const std::string& spec, const SinkOptions& o) {
  const std::string shown = redact_url(spec);
  size_t scheme_end = spec.find("://");
  if (scheme_end == std::string::npos) return make_error(ErrorKind::Invalid, shown, "e-mail sink: smtp://HOST/?from=..&to=..");
  std::string scheme = spec.substr(0, scheme_end);
  if (scheme != "smtp" && scheme != "smtps")
    return make_error(ErrorKind::Invalid, shown, "e-mail sink: scheme must be smtp:// or smtps://");
  std::string rest = spec.substr(scheme_end + 3);
  size_t q = rest.find('?');
  std::string query = q == std::string::npos ? "" : rest.substr(q + 1);
  std::string authority = rest.substr(0, std::min(rest.find('/'), q));
  std::string user, pass;
  size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    std::string ui = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = ui.find(':');
    user = pct_decode(ui.substr(0, colon));
    if (colon != std::string::npos) pass = pct_decode(ui.substr(colon + 1));
  }
  if (authority.empty()) return make_error(ErrorKind::Invalid, shown, "e-mail sink needs a host");
  std::string from;
  std::vector<std::string> to;
  for (const std::string& kv : split(query, '&')) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string k = kv.substr(0, eq), v = pct_decode(kv.substr(eq + 1));
    if (k == "from") from = v;
    else if (k == "to")
      for (const std::string& t : split(v, ','))
        if (!trim(t).empty()) to.emplace_back(trim(t));
  }
  if (from.empty() || to.empty()) return make_error(ErrorKind::Invalid, shown, "e-mail sink needs ?from=ADDR&to=ADDR");
  for (const std::string& addr : to)
    if (addr.find_first_of("<>\r\n") != std::string::npos || addr.find('@') == std::string::npos)
      return make_error(ErrorKind::Invalid, shown, "bad recipient address");
  return std::unique_ptr<Sink>(
      std::make_unique<SmtpSink>(spec, scheme + "://" + authority, user, pass, from, to, o));
}

}  // namespace rg::respond
