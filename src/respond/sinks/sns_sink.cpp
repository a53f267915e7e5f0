// sns:arn:aws:sns:REGION:ACCOUNT:TOPIC: SNS Publish in the topic's region, through the
// live-AWS client (signed with the user's credential chain). MessageStructure=json gives
// e-mail and SMS subscribers the readable text and queues, functions and HTTPS endpoints
// the alert JSON. Throttling and 5xx were already retried by the client; what is left is
// retried later by the outbox, except refusals that will not change (no such topic, not
// authorised, invalid parameter), which reject the alert.
#include "core/strings.h"
#include "respond/json_out.h"
#include "respond/render.h"
#include "respond/sinks/kinds.h"

namespace rg::respond {
namespace {

class SnsSink final : public Sink {
 public:
  SnsSink(std::string arn, std::string region, SinkOptions o)
      : arn_(std::move(arn)), region_(std::move(region)), o_(std::move(o)) {}
  std::string name() const override { return "sns:" + arn_; }

  Delivery deliver(const Alert& a) override {
    std::string text = alert_text(a);
    std::string json = to_json(a);
    JsonOut m;
    m.obj().kv("default", text).kv("email", text).kv("sms", alert_subject(a)).kv("sqs", json).kv("lambda", json);
    m.kv("https", json).kv("http", json).kv("firehose", json).end();
    std::string subject = alert_subject(a);
    for (char& c : subject)
      if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = ' ';
    if (subject.size() > 99) subject.resize(99);
    aws::Request req;
    req.service = "sns";
    req.operation = "Publish";
    req.region = region_;
    req.params = {{"TopicArn", arn_}, {"Subject", subject}, {"MessageStructure", "json"}, {"Message", m.take()}};
    aws::CallResult r = o_.aws_call(req);
    if (r.ok) return {Outcome::Accepted, ""};
    std::string why = "SNS " + (r.error_code.empty() ? std::string("error") : r.error_code) +
                      (r.error_message.empty() ? "" : ": " + r.error_message);
    static const char* const permanent[] = {"AuthorizationError", "AccessDenied", "AccessDeniedException", "NotFound",
                                            "InvalidParameter", "InvalidParameterValue", "InvalidSecurity",
                                            "KMSDisabled", "KMSNotFound", "KMSAccessDenied", "EndpointDisabled"};
    for (const char* p : permanent)
      if (r.error_code == p) return {Outcome::Rejected, why};
    return {Outcome::Retry, why};
  }

 private:
  std::string arn_, region_;
  SinkOptions o_;
};

}  // namespace

Result<std::unique_ptr<Sink>> make_sns_sink(const std::string& arn, const SinkOptions& o) {
  std::vector<std::string> parts = split(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "sns" || parts[3].empty() || parts[5].empty())
    return make_error(ErrorKind::Invalid, "sns:" + arn, "sns needs a topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)");
  if (!o.aws_call) return make_error(ErrorKind::Unsupported, "sns:" + arn, "no AWS client available for the sns sink");
  return std::unique_ptr<Sink>(std::make_unique<SnsSink>(arn, parts[3], o));
}

}  // namespace rg::respond
