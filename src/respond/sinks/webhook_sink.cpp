// webhook:URL: the alert JSON (alert.h) POSTed to URL. When a secret is configured, the
// header "X-Rootguard-Signature: sha256=<hex HMAC-SHA256 of the exact body>" lets the
// receiver check it came from rootguard; "X-Rootguard-Alert-Key" lets it drop a repeat.
#include "core/redact.h"
#include "respond/sinks/http.h"
#include "respond/sinks/kinds.h"

namespace rg::respond {
namespace {

class WebhookSink final : public Sink {
 public:
  WebhookSink(std::string url, SinkOptions o) : url_(std::move(url)), o_(std::move(o)) {}
  std::string name() const override { return "webhook:" + redact_url(url_); }
  Delivery deliver(const Alert& a) override {
    std::string body = to_json(a);
    std::vector<std::string> headers = {"Content-Type: application/json", "X-Rootguard-Alert-Key: " + a.key};
    if (!o_.hmac_secret.empty())
      headers.push_back("X-Rootguard-Signature: sha256=" + hmac_sha256_hex(o_.hmac_secret, body));
    return classify(http_post(url_, body, headers, o_.timeout_ms));
  }

 private:
  std::string url_;
  SinkOptions o_;
};

}  // namespace

Result<std::unique_ptr<Sink>> make_webhook_sink(const std::string& url, const SinkOptions& o) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return make_error(ErrorKind::Invalid, "webhook:" + redact_url(url), "webhook needs an http:// or https:// URL");
  return std::unique_ptr<Sink>(std::make_unique<WebhookSink>(url, o));
}

}  // namespace rg::respond
