#include "aws/protocol.h"

#include <pugixml.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>

#include "core/strings.h"
#include "core/time.h"

namespace rg::aws {

namespace {

using Names = std::set<std::string, std::less<>>;

// Typed members of the query-protocol shapes rootguard reads (IAM, STS, SNS, CloudWatch).
const Names& booleans() {
  static const Names n = {"IsTruncated", "ActionsEnabled", "ManagedByAWS", "IsMultiRegionTrail", "AwsManaged"};
  return n;
}
const Names& integers() {
  static const Names n = {"EvaluationPeriods", "Period", "DatapointsToAlarm", "ActionsSuppressorWaitPeriod",
                          "ActionsSuppressorExtensionPeriod", "PasswordReusePrevention", "MaxPasswordAge",
                          "MinimumPasswordLength"};
  return n;
}
const Names& doubles() {
  static const Names n = {"Threshold"};
  return n;
}
const Names& timestamps() {
  static const Names n = {"GeneratedTime", "EnableDate", "CreateDate", "PasswordLastUsed", "Expiration",
                          "AlarmConfigurationUpdatedTimestamp", "StateUpdatedTimestamp",
                          "StateTransitionedTimestamp", "ActionsSuppressedBy_Timestamp",
                          // JSON protocols (epoch seconds on the wire)
                          "JoinedTimestamp", "LatestDeliveryTime", "StartLoggingTime", "StopLoggingTime",
                          "LatestNotificationTime", "LatestCloudWatchLogsDeliveryTime", "LatestDigestDeliveryTime"};
  return n;
}
const Names& lists() {  // lists that may come back empty (<Name/>)
  static const Names n = {"VirtualMFADevices", "MetricAlarms", "CompositeAlarms", "AlarmActions", "OKActions",
                          "InsufficientDataActions", "Dimensions", "Subscriptions", "EnabledFeatures", "Metrics",
                          "Topics", "Users"};
  return n;
}
// Maps whose values are integers.
const Names& int_maps() {
  static const Names n = {"SummaryMap"};
  return n;
}

Json scalar(const std::string& name, const std::string& text) {
  if (booleans().count(name)) return Json::boolean(text == "true");
  if (integers().count(name)) {
    try {
      return Json::integer(std::stoll(text));
    } catch (...) {
      return Json::string(text);
    }
  }
  if (doubles().count(name)) {
    try {
      return Json::number(std::stod(text));
    } catch (...) {
      return Json::string(text);
    }
  }
  if (timestamps().count(name)) {
    if (auto ms = rg::parse_iso8601_ms(text)) return Json::string(cli_timestamp(*ms * 1000));
  }
  return Json::string(text);
}

// AWS's answers nest a dozen elements at most; convert() recurses once a level, so a deeper
// answer (from whatever answers at --endpoint-url) is refused before it can exhaust the stack.
constexpr int kMaxAnswerDepth = 100;

bool deeper_than(pugi::xml_document& doc, int limit) {
  struct Walker : pugi::xml_tree_walker {
    int limit;
    bool deep = false;
    explicit Walker(int l) : limit(l) {}
    bool for_each(pugi::xml_node&) override {
      deep = depth() >= limit;
      return !deep;
    }
  } w(limit);
  doc.traverse(w);
  return w.deep;
}

Json convert(pugi::xml_node node, const std::string& name) {
  std::vector<pugi::xml_node> kids;
  for (pugi::xml_node c : node.children())
    if (c.type() == pugi::node_element) kids.push_back(c);
  bool all_members = !kids.empty(), all_entries = !kids.empty();
  for (pugi::xml_node c : kids) {
    all_members &= std::string_view(c.name()) == "member";
    all_entries &= std::string_view(c.name()) == "entry";
  }
  if (all_entries || (kids.empty() && (int_maps().count(name) || name == "Attributes"))) {
    std::vector<std::pair<std::string, Json>> members;
    members.reserve(kids.size());
    for (pugi::xml_node e : kids) {
      std::string key = e.child_value("key");
      pugi::xml_node v = e.child("value");
      if (int_maps().count(name)) {
        try {
          members.emplace_back(std::move(key), Json::integer(std::stoll(v.child_value())));
        } catch (...) {
          members.emplace_back(std::move(key), Json::string(v.child_value()));
        }
      } else {
        Json value = v.first_child().type() == pugi::node_element ? convert(v, key) : Json::string(v.child_value());
        members.emplace_back(std::move(key), std::move(value));
      }
    }
    return Json::object(std::move(members));
  }
  if (all_members || (kids.empty() && lists().count(name))) {
    Json a = Json::array();
    for (pugi::xml_node m : kids) a.push(convert(m, name + ".member"));
    return a;
  }
  if (!kids.empty()) {
    std::vector<std::pair<std::string, Json>> members;
    members.reserve(kids.size());
    for (pugi::xml_node c : kids) members.emplace_back(c.name(), convert(c, c.name()));
    return Json::object(std::move(members));
  }
  return scalar(name, node.child_value());
}

void convert_json_timestamps(Json& j) {
  if (j.is_object()) {
    for (auto& [k, v] : j.members()) {
      if (timestamps().count(k) && (v.kind() == Json::Kind::Int || v.kind() == Json::Kind::Double)) {
        double secs = v.kind() == Json::Kind::Int ? static_cast<double>(v.as_int()) : v.as_double();
        v = Json::string(cli_timestamp(static_cast<std::int64_t>(std::llround(secs * 1e6))));
      } else {
        convert_json_timestamps(v);
      }
    }
  } else if (j.is_array()) {
    for (Json& x : j.items()) convert_json_timestamps(x);
  }
}

}  // namespace

std::string cli_timestamp(std::int64_t epoch_us) {
  std::int64_t secs = epoch_us / 1000000, us = epoch_us % 1000000;
  if (us < 0) {
    us += 1000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (us) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(us));
    out += frac;
  }
  return out + "+00:00";
}

Result<Json> query_xml_to_json(const std::string& body, const std::string& operation) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size()))
    return make_error(ErrorKind::Corrupt, operation, "the answer is not XML");
  if (deeper_than(doc, kMaxAnswerDepth))
    return make_error(ErrorKind::Corrupt, operation,
                      "the answer nests elements deeper than " + std::to_string(kMaxAnswerDepth) + " levels");
  pugi::xml_node root = doc.document_element();
  pugi::xml_node result = root.child((operation + "Result").c_str());
  if (!result) return Json::object();
  Json j = convert(result, operation + "Result");
  if (!j.is_object()) return Json::object();
  return j;
}

Result<Json> json_protocol_to_cli(const std::string& body) {
  if (rg::trim(body).empty()) return Json::object();
  auto j = Json::parse(body);
  if (!j.ok()) return j.take_error();
  convert_json_timestamps(*j);
  return j;
}

std::pair<std::string, std::string> parse_error(const std::string& body, const std::string& amzn_error_type) {
  std::string code, message;
  auto clean = [](std::string c) {
    if (size_t colon = c.find(':'); colon != std::string::npos) c = c.substr(0, colon);
    if (size_t hash = c.rfind('#'); hash != std::string::npos) c = c.substr(hash + 1);
    return std::string(rg::trim(c));
  };
  std::string_view t = rg::trim(body);
  if (!t.empty() && t.front() == '<') {
    pugi::xml_document doc;
    if (doc.load_buffer(body.data(), body.size())) {
      if (pugi::xpath_node n = doc.select_node("//Error")) {
        code = n.node().child_value("Code");
        message = n.node().child_value("Message");
      }
    }
  } else if (!t.empty() && t.front() == '{') {
    if (auto j = Json::parse(t); j.ok()) {
      for (const char* k : {"__type", "code", "Code"})
        if (const Json* v = j->find(k); v && v->is_string() && code.empty()) code = v->str();
      for (const char* k : {"message", "Message", "errorMessage"})
        if (const Json* v = j->find(k); v && v->is_string() && message.empty()) message = v->str();
    }
  }
  if (!amzn_error_type.empty()) code = amzn_error_type;
  return {clean(code), message};
}

}  // namespace rg::aws
