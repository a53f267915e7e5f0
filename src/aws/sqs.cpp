#include "aws/sqs.h"

#include <cctype>

namespace rg::aws {

namespace {

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

const Json* path(const Json& j, std::initializer_list<std::string_view> keys) {
  const Json* cur = &j;
  for (std::string_view k : keys) {
    if (!cur->is_object()) return nullptr;
    cur = cur->find(k);
    if (!cur) return nullptr;
  }
  return cur;
}

std::string text_at(const Json& j, std::initializer_list<std::string_view> keys) {
  const Json* v = path(j, keys);
  return v && v->is_string() ? v->str() : std::string();
}

std::uint64_t size_at(const Json& j, std::initializer_list<std::string_view> keys) {
  const Json* v = path(j, keys);
  if (!v) return 0;
  if (v->kind() == Json::Kind::Int) return static_cast<std::uint64_t>(v->as_int());
  if (v->kind() == Json::Kind::Double) return static_cast<std::uint64_t>(v->as_double());
  return 0;
}

}  // namespace

Result<std::string> parse_sqs_spec(std::string_view spec) {
  if (!spec.starts_with("sqs://")) return make_error(ErrorKind::Invalid, std::string(spec), "not an sqs:// queue");
  std::string url(spec.substr(6));
  if (!(url.starts_with("https://") || url.starts_with("http://")) || url.find('/', url.find("//") + 2) == std::string::npos)
    return make_error(ErrorKind::Invalid, std::string(spec),
                      "give the queue URL after sqs://, e.g. sqs://https://sqs.us-east-1.amazonaws.com/111122223333/queue");
  return url;
}

SqsQueue::SqsQueue(std::shared_ptr<Client> client, std::string url) : client_(std::move(client)), url_(std::move(url)) {
  // https://sqs.REGION.amazonaws.com/... names its region; other hosts use the client's.
  const std::size_t host = url_.find("//") + 2;
  const std::string h = url_.substr(host, url_.find('/', host) - host);
  if (h.starts_with("sqs.") && h.find(".amazonaws.com") != std::string::npos)
    region_ = h.substr(4, h.find('.', 4) - 4);
  else
    region_ = client_->region();
}

Result<Json> SqsQueue::call(const std::string& op, Json body) {
  body.set("QueueUrl", Json::string(url_));
  Request r;
  r.service = "sqs";
  r.operation = op;
  r.region = region_;
  r.body = std::move(body);
  CallResult res = client_->call(r);
  if (!res.ok) return make_error(ErrorKind::Remote, url_, op + ": " + res.error_code + ": " + res.error_message);
  return res.response;
}

Result<std::vector<SqsMessage>> SqsQueue::receive(int max, int wait_s, int visibility_s) {
  Json b = Json::object();
  b.set("MaxNumberOfMessages", Json::integer(max));
  b.set("WaitTimeSeconds", Json::integer(wait_s));
  b.set("VisibilityTimeout", Json::integer(visibility_s));
  Json names = Json::array();
  names.push(Json::string("ApproximateReceiveCount"));
  b.set("MessageSystemAttributeNames", names);
  b.set("AttributeNames", names);
  auto r = call("ReceiveMessage", std::move(b));
  if (!r.ok()) return r.error();
  std::vector<SqsMessage> out;
  if (const Json* msgs = r->find("Messages"); msgs && msgs->is_array())
    for (const Json& m : msgs->items()) {
      SqsMessage s;
      s.id = text_at(m, {"MessageId"});
      s.receipt = text_at(m, {"ReceiptHandle"});
      s.body = text_at(m, {"Body"});
      const std::string n = text_at(m, {"Attributes", "ApproximateReceiveCount"});
      s.receive_count = n.empty() ? 1 : std::atoi(n.c_str());
      out.push_back(std::move(s));
    }
  return out;
}

Status SqsQueue::remove(const SqsMessage& m) {
  Json b = Json::object();
  b.set("ReceiptHandle", Json::string(m.receipt));
  auto r = call("DeleteMessage", std::move(b));
  return r.ok() ? ok_status() : Status(r.error());
}

Status SqsQueue::extend(const SqsMessage& m, int visibility_s) {
  Json b = Json::object();
  b.set("ReceiptHandle", Json::string(m.receipt));
  b.set("VisibilityTimeout", Json::integer(visibility_s));
  auto r = call("ChangeMessageVisibility", std::move(b));
  return r.ok() ? ok_status() : Status(r.error());
}

Result<std::vector<NotifiedObject>> parse_s3_notification(std::string_view body) {
  auto j = Json::parse(body);
  if (!j.ok()) return make_error(ErrorKind::Corrupt, "message", "the body is not JSON");
  Json doc = std::move(j).value();
  // SNS -> SQS: the S3 event is the notification's Message, as a JSON string.
  if (text_at(doc, {"Type"}) == "Notification") {
    auto inner = Json::parse(text_at(doc, {"Message"}));
    if (!inner.ok()) return make_error(ErrorKind::Corrupt, "message", "an SNS notification whose Message is not JSON");
    doc = std::move(inner).value();
  }
  std::vector<NotifiedObject> out;
  if (text_at(doc, {"Event"}) == "s3:TestEvent") return out;
  if (text_at(doc, {"detail-type"}) == "Object Created") {  // EventBridge
    NotifiedObject o{text_at(doc, {"detail", "bucket", "name"}), text_at(doc, {"detail", "object", "key"}),
                     size_at(doc, {"detail", "object", "size"})};
    if (o.bucket.empty() || o.key.empty()) return make_error(ErrorKind::Invalid, "message", "an Object Created event without bucket or key");
    out.push_back(std::move(o));
    return out;
  }
  const Json* records = doc.find("Records");
  if (!records || !records->is_array())
    return make_error(ErrorKind::Invalid, "message", "not an S3 event notification (no Records, no SNS Message)");
  for (const Json& r : records->items()) {
    if (text_at(r, {"eventSource"}) != "aws:s3") continue;
    if (!text_at(r, {"eventName"}).starts_with("ObjectCreated")) continue;
    NotifiedObject o{text_at(r, {"s3", "bucket", "name"}), url_decode(text_at(r, {"s3", "object", "key"})),
                     size_at(r, {"s3", "object", "size"})};
    if (o.bucket.empty() || o.key.empty()) return make_error(ErrorKind::Invalid, "message", "an S3 record without bucket or key");
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace rg::aws
