// slack:URL: a Slack incoming webhook message in Block Kit: a header with severity and
// title, fields for account, who, from where, MFA and case number, the reason, and the next
// step. `text` carries the same in one line for notifications.
#include "core/redact.h"
#include "core/strings.h"
#include "respond/json_out.h"
#include "respond/render.h"
#include "respond/sinks/http.h"
#include "respond/sinks/kinds.h"

namespace rg::respond {

std::string slack_payload(const Alert& a);

namespace {

class SlackSink final : public Sink {
 public:
  SlackSink(std::string url, SinkOptions o) : url_(std::move(url)), o_(std::move(o)) {}
  std::string name() const override { return "slack:" + redact_url(url_); }
  Delivery deliver(const Alert& a) override {
    return classify(http_post(url_, slack_payload(a), {"Content-Type: application/json"}, o_.timeout_ms));
  }

 private:
  std::string url_;
  SinkOptions o_;
};

void field(JsonOut& j, std::string_view label, std::string_view value) {
  j.obj().kv("type", "mrkdwn").kv("text", "*" + std::string(label) + "*\n" + std::string(value.empty() ? "-" : value)).end();
}

const char* emoji(Severity s) {
  switch (s) {
    case Severity::Critical: return ":rotating_light:";
    case Severity::High: return ":red_circle:";
    case Severity::Medium: return ":large_orange_circle:";
    default: return ":large_blue_circle:";
  }
}

}  // namespace

std::string slack_payload(const Alert& a) {
  const Finding& f = a.finding;
  JsonOut j;
  j.obj().kv("text", alert_line(a)).key("blocks").arr();
  std::string header = std::string(emoji(f.severity)) + " " + alert_subject(a).substr(12);
  header = std::string(utf8_prefix(header, 150));  // Block Kit's header limit
  j.obj().kv("type", "header").key("text").obj().kv("type", "plain_text").kv("text", header).key("emoji").boolean(true).end().end();
  j.obj().kv("type", "section").key("fields").arr();
  field(j, "Severity", to_string(f.severity));
  field(j, "Account", f.account);
  field(j, "Who", who_label(f));
  field(j, "From", f.event.source_ip);
  field(j, "MFA", mfa_label(f));
  field(j, "Case", a.case_id > 0 ? "#" + std::to_string(a.case_id) : "");
  j.end().end();
  if (!f.reason.empty()) j.obj().kv("type", "section").key("text").obj().kv("type", "mrkdwn").kv("text", f.reason).end().end();
  if (!f.next_step.empty())
    j.obj().kv("type", "section").key("text").obj().kv("type", "mrkdwn").kv("text", "*Next step*\n" + f.next_step).end().end();
  std::string ctx = f.event.event_source + " " + f.event.event_name + " at " + f.event.event_time + " · event " +
                    f.event.event_id + " · " + a.key;
  j.obj().kv("type", "context").key("elements").arr().obj().kv("type", "mrkdwn").kv("text", ctx).end().end().end();
  j.end().end();
  return j.take();
}

Result<std::unique_ptr<Sink>> make_slack_sink(const std::string& url, const SinkOptions& o) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return make_error(ErrorKind::Invalid, "slack:" + redact_url(url), "slack needs the incoming-webhook https:// URL");
  return std::unique_ptr<Sink>(std::make_unique<SlackSink>(url, o));
}

}  // namespace rg::respond
