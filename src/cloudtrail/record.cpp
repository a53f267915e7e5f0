#include "cloudtrail/record.h"

#include "core/strings.h"

namespace rg::cloudtrail {

static_assert(kRecordPadding >= simdjson::SIMDJSON_PADDING, "framed records must be padded for simdjson");

const char* to_string(Shape s) {
  switch (s) {
    case Shape::Empty: return "empty";
    case Shape::S3Records: return "s3-records";
    case Shape::JsonArray: return "json-array";
    case Shape::JsonLines: return "json-lines";
    case Shape::EventBridge: return "eventbridge";
    case Shape::LookupEvents: return "lookup-events";
    case Shape::CloudWatchLogs: return "cloudwatch-logs";
    case Shape::SingleEvent: return "single-event";
    case Shape::Digest: return "digest";
    case Shape::Invalid: return "invalid";
  }
  return "invalid";
}

namespace {
constexpr std::size_t kKeepParserCapacity = 1u << 20;
}  // namespace

Kind sniff(const RawRecord& r) {
  switch (r.container) {
    case Container::RecordsArray: return Kind::Event;
    case Container::EventsArray: return Kind::Lookup;
    case Container::LogEventsArray: return Kind::LogEvent;
    case Container::TopArray:
    case Container::TopValue: break;
  }
  const std::string_view head = r.bytes.substr(0, 512);
  // A bare event: its first key as CloudTrail writes it (in an EventBridge envelope, after
  // the "detail-type"; in a lookup entry only escaped, inside the CloudTrailEvent string).
  const std::size_t event = find(head, "\"eventVersion\"");
  if (event != std::string_view::npos)
    return contains(head.substr(0, event), "\"detail-type\"") ? Kind::EventBridge : Kind::Event;
  if (contains(r.bytes, "\"CloudTrailEvent\"")) return Kind::Lookup;
  // CloudWatch Logs subscription data whose "logEvents" the framer did not split (it comes
  // after the envelope's other keys), and a log event on its own (e.g. filter-log-events'
  // "events" flattened by jq). Their messages hold the events escaped, so the keys above
  // cannot have matched inside them.
  if (contains(head, "\"logEvents\"")) return Kind::LogEnvelope;
  if (contains(head, "\"message\"") && contains(head, "\"timestamp\"")) return Kind::LogEvent;
  if (contains(head, "\"detail-type\"")) return Kind::EventBridge;
  if (r.container == Container::TopValue && contains(head, "\"digestStartTime\"")) return Kind::Digest;
  return Kind::Event;
}

RecordParser::RecordParser() = default;

namespace {
void shrink_if_large(simdjson::dom::parser& p) {
  if (p.capacity() > kKeepParserCapacity) {
    auto err = p.allocate(kKeepParserCapacity);
    (void)err;
  }
}
}  // namespace

void RecordParser::release_if_large() { shrink_if_large(parser_); }

namespace {
Error invalid_json(simdjson::error_code err) {
  return make_error(ErrorKind::Corrupt, "", std::string("invalid JSON (") + simdjson::error_message(err) + "), record skipped");
}
}  // namespace

Result<std::string_view> RecordParser::message_text(simdjson::dom::element log_event) {
  std::string_view inner;
  if (log_event["message"].get_string().get(inner))
    return make_error(ErrorKind::Corrupt, "", "CloudWatch Logs event without a message string, record skipped");
  // What a subscription sends to check its destination: "CWL CONTROL MESSAGE: Checking health..."
  if (inner.starts_with("CWL CONTROL MESSAGE")) return std::string_view();
  const std::size_t first = inner.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || inner[first] != '{')
    return make_error(ErrorKind::Invalid, "",
                      "CloudWatch Logs message is not a JSON event (is this a CloudTrail log group?), skipped");
  return hold(inner);
}

std::string_view RecordParser::hold(std::string_view inner) {
  unescaped_.assign(inner);
  unescaped_.append(simdjson::SIMDJSON_PADDING, '\0');
  return std::string_view(unescaped_.data(), inner.size());
}

Result<std::string_view> RecordParser::unwrap(const RawRecord& r, Kind kind) {
  release_if_large();
  simdjson::dom::element root;
  if (auto err = parser_.parse(r.bytes.data(), r.bytes.size(), false).get(root)) return invalid_json(err);
  if (kind == Kind::LogEvent) return message_text(root);
  std::string_view inner;
  if (root["CloudTrailEvent"].get_string().get(inner))
    return make_error(ErrorKind::Corrupt, "", "lookup-events entry without a CloudTrailEvent string, record skipped");
  return hold(inner);
}

bool RecordParser::for_each_event(const RawRecord& r, Kind kind, const OnEvent& each) {
  switch (kind) {
    case Kind::Event:
    case Kind::EventBridge: return each(r.bytes, {});
    case Kind::Digest: return true;
    case Kind::Lookup:
    case Kind::LogEvent: {
      auto u = unwrap(r, kind);
      if (!u) return each({}, u.error().what);
      return u->empty() || each(*u, {});
    }
    case Kind::LogEnvelope: break;
  }
  shrink_if_large(envelope_parser_);
  simdjson::dom::element root;
  simdjson::dom::array events;
  if (auto err = envelope_parser_.parse(r.bytes.data(), r.bytes.size(), false).get(root)) return each({}, invalid_json(err).what);
  if (root["logEvents"].get_array().get(events))
    return each({}, "CloudWatch Logs data without a logEvents array, record skipped");
  for (simdjson::dom::element e : events) {
    auto u = message_text(e);
    if (!u ? !each({}, u.error().what) : !u->empty() && !each(*u, {})) return false;
  }
  return true;
}

Result<Kind> RecordParser::parse(std::string_view text, Kind kind, simdjson::dom::element& event) {
  release_if_large();
  simdjson::dom::element root;
  auto err = parser_.parse(text.data(), text.size(), false).get(root);
  if (err) return make_error(ErrorKind::Corrupt, "", std::string("invalid JSON (") + simdjson::error_message(err) + "), record skipped");
  if (!root.is_object()) return make_error(ErrorKind::Corrupt, "", "the record is not a JSON object, skipped");
  simdjson::dom::element detail;
  if ((kind == Kind::EventBridge || kind == Kind::Event) && !root["detail"].get(detail) && detail.is_object() &&
      !root["detail-type"].error()) {
    event = detail;
    kind = Kind::EventBridge;
  } else {
    event = root;
    if (kind == Kind::EventBridge) kind = Kind::Event;  // had the key somewhere, but no envelope
  }
  // CloudTrail Insights events have neither eventName nor userIdentity: they are valid events
  std::string_view type, category;
  bool insight = (!event["eventType"].get_string().get(type) && type == "AwsCloudTrailInsight") ||
                 (!event["eventCategory"].get_string().get(category) && category == "Insight") ||
                 !event["insightDetails"].error();
  if (insight) return kind;
  std::string_view name;
  if (event["eventName"].get_string().get(name)) {
    if (!event["digestStartTime"].error() || !event["logFiles"].error()) return Kind::Digest;
    return make_error(ErrorKind::Invalid, "", "event without eventName, skipped");
  }
  simdjson::dom::object who;
  if (event["userIdentity"].get_object().get(who))
    return make_error(ErrorKind::Invalid, "", std::string(kNoUserIdentity));
  return kind;
}

void NoIdentityCount::report(Framer& framer) const {
  if (count_ == 0) return;
  framer.error(offset_, line_,
               count_ == 1 ? std::string(kNoUserIdentity)
                           : "events without userIdentity skipped: " + std::to_string(count_) + " in this file, the first here");
}

}  // namespace rg::cloudtrail
