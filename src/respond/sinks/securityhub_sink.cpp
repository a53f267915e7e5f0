// securityhub:arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default (or, for short,
// securityhub:REGION:ACCOUNT): each alert imported into AWS Security Hub as a finding in the
// AWS Security Finding Format (BatchImportFindings, up to 100 a call), through the live-AWS
// client (signed with the user's credential chain), in the product ARN's region.
//
// Security Hub takes a custom finding only from the account the finding names (AwsAccountId),
// so every finding is the account's that runs rootguard (the product ARN's: in an
// Organization, the security account that holds the trail); the account an alert is about is
// its resource (AwsAccount, AWS::::Account:ID), shown beside it in the console. A finding's
// Id is "rootguard/" and its alert key, and its times are the event's: importing it again
// updates the same finding with the same values. The sink is therefore idempotent, and the
// outbox offers it whole batches.
//
// Answers: a finding Security Hub lists as failed is rejected with its error (it will not
// import better next time), except throttling and internal errors, retried. A call that fails
// whole (Security Hub not enabled, not authorised, throttled, unreachable) is retried with
// backoff: enabling Security Hub or granting securityhub:BatchImportFindings lets the alerts
// through, none lost. Only a request Security Hub calls invalid is rejected.
#include <arpa/inet.h>

#include <chrono>
#include <regex>
#include <unordered_map>

#include "core/strings.h"
#include "core/time.h"
#include "respond/json_out.h"
#include "respond/sinks/kinds.h"

namespace rg::respond {
namespace {

constexpr std::size_t kPerCall = 100;  // BatchImportFindings takes at most 100 findings

bool is_ipv4(const std::string& s) {
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

// The finding's Id: the same for the same alert, so that a re-import updates it.
std::string finding_id(const Alert& a) { return std::string(utf8_prefix("rootguard/" + a.key, 512)); }

struct Target {
  std::string product_arn, partition, region, account;
};

// One ASFF finding (2018-10-08) for an alert.
std::string asff(const Alert& a, const Target& t, std::int64_t now_ms) {
  const Finding& f = a.finding;
  const EventRef& e = f.event;
  const bool detection = !e.event_id.empty();
  const std::string when = format_iso8601(e.time_ms > 0 ? e.time_ms : now_ms);
  const std::string about = f.account.empty() ? t.account : f.account;
  const std::string sev(to_string(f.severity));
  const std::string type = detection ? "Unusual Behaviors/User" : "Software and Configuration Checks/AWS Security Best Practices";
  JsonOut j;
  j.obj().kv("SchemaVersion", "2018-10-08");
  j.kv("Id", finding_id(a)).kv("ProductArn", t.product_arn);
  j.kv("GeneratorId", "rootguard-" + f.id).kv("AwsAccountId", t.account);
  j.key("Types").arr().str(type).end();
  if (e.time_ms > 0) j.kv("FirstObservedAt", when).kv("LastObservedAt", when);
  j.kv("CreatedAt", when).kv("UpdatedAt", when);
  j.key("Severity").obj().kv("Label", asff_severity_label(f.severity)).kv("Original", sev).end();
  j.key("FindingProviderFields").obj();
  j.key("Severity").obj().kv("Label", asff_severity_label(f.severity)).kv("Original", sev).end();
  j.key("Types").arr().str(type).end();
  j.end();
  j.kv("Title", utf8_prefix(f.id + " " + f.title, 256));
  j.kv("Description", utf8_prefix(f.reason.empty() ? f.title : f.reason, 1024));
  if (!f.next_step.empty()) j.key("Remediation").obj().key("Recommendation").obj().kv("Text", utf8_prefix(f.next_step, 512)).end().end();
  j.key("ProductFields").obj();
  j.kv("ProviderName", "rootguard").kv("ProviderVersion", RG_VERSION);
  auto field = [&](JsonKey k, std::string_view v) { j.kv_opt(k, utf8_prefix(v, 2048)); };
  field("rootguard/Rule", f.id);
  field("rootguard/AlertKey", a.key);
  if (a.case_id) field("rootguard/Case", std::to_string(a.case_id));
  field("rootguard/Account", about);
  field("rootguard/Practice", f.practice);
  field("rootguard/EventId", e.event_id);
  field("rootguard/EventName", e.event_name);
  field("rootguard/IdentityType", e.identity_type);
  field("rootguard/Principal", e.principal);
  field("rootguard/AccessKeyId", e.access_key_id);
  field("rootguard/SourceIp", e.source_ip);
  field("rootguard/UserAgent", e.user_agent);
  field("rootguard/MFA", e.mfa);
  field("rootguard/ErrorCode", e.error_code);
  field("rootguard/Input", e.input);
  j.end();
  j.key("Resources").arr().obj().kv("Type", "AwsAccount").kv("Id", "AWS::::Account:" + about);
  j.kv("Partition", t.partition).kv("Region", f.region.empty() ? t.region : f.region).end().end();
  if (detection && !e.event_name.empty()) {
    j.key("Action").obj().kv("ActionType", "AWS_API_CALL").key("AwsApiCallAction").obj();
    j.kv("Api", e.event_name).kv_opt("ServiceName", e.event_source);
    if (is_ipv4(e.source_ip)) {
      j.kv("CallerType", "remoteip").key("RemoteIpDetails").obj().kv("IpAddressV4", e.source_ip).end();
    } else if (e.source_ip.find(':') != std::string::npos) {
      j.kv("CallerType", "remoteip");  // IPv6: ASFF has no field for it (it is in ProductFields)
    } else if (!e.source_ip.empty()) {  // a service calling for the caller: "s3.amazonaws.com"
      j.kv("CallerType", "domain").key("DomainDetails").obj().kv("Domain", utf8_prefix(e.source_ip, 128)).end();
    }
    j.kv("FirstSeen", when).kv("LastSeen", when);
    j.end().end();
  }
  if (!detection) j.key("Compliance").obj().kv("Status", f.status == FindingStatus::Pass ? "PASSED" : "FAILED").end();
  j.kv("RecordState", "ACTIVE");
  j.end();
  return j.take();
}

bool transient(std::string_view code) {
  return contains_icase(code, "throttl") || contains_icase(code, "internal") || contains_icase(code, "unavailable") ||
         contains_icase(code, "LimitExceeded") || contains_icase(code, "TooManyRequests");
}

class SecurityHubSink final : public Sink {
 public:
  SecurityHubSink(std::string spec, Target t, SinkOptions o) : spec_(std::move(spec)), t_(std::move(t)), o_(std::move(o)) {}
  std::string name() const override { return spec_; }
  bool idempotent() const override { return true; }
  bool keeps_findings() const override { return true; }

  Delivery deliver(const Alert& a) override { return deliver_batch({a}).front(); }

  std::vector<Delivery> deliver_batch(const std::vector<Alert>& alerts) override {
    std::vector<Delivery> out;
    out.reserve(alerts.size());
    for (std::size_t from = 0; from < alerts.size(); from += kPerCall) {
      std::size_t to = std::min(alerts.size(), from + kPerCall);
      import(alerts, from, to, out);
      if (out.back().outcome == Outcome::Retry) break;  // the rest wait with it
    }
    out.resize(alerts.size(), out.empty() ? Delivery{} : out.back());
    return out;
  }

 private:
  void import(const std::vector<Alert>& alerts, std::size_t from, std::size_t to, std::vector<Delivery>& out) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    std::string body = "{\"Findings\":[";
    for (std::size_t i = from; i < to; ++i) {
      if (i > from) body += ',';
      body += asff(alerts[i], t_, now);
    }
    body += "]}";
    auto parsed = aws::Json::parse(body);
    if (!parsed.ok()) {  // cannot happen: the writer escapes every value
      out.insert(out.end(), to - from, Delivery{Outcome::Rejected, "Security Hub finding: " + parsed.error().what});
      return;
    }
    aws::Request req;
    req.service = "securityhub";
    req.operation = "BatchImportFindings";
    req.region = t_.region;
    req.path = "/findings/import";
    req.body = std::move(*parsed);
    aws::CallResult r = o_.aws_call(req);
    if (!r.ok) {
      std::string why = "Security Hub " + (r.error_code.empty() ? std::string("error") : r.error_code) +
                        (r.error_message.empty() ? "" : ": " + r.error_message);
      Outcome o = r.error_code == "InvalidInputException" ? Outcome::Rejected : Outcome::Retry;
      out.insert(out.end(), to - from, Delivery{o, why});
      return;
    }
    // The findings Security Hub did not take, by Id.
    std::unordered_map<std::string, std::pair<std::string, std::string>> failed;
    if (const aws::Json* ff = r.response.find("FailedFindings"); ff && ff->is_array())
      for (const aws::Json& x : ff->items()) {
        const aws::Json* id = x.find("Id");
        const aws::Json* code = x.find("ErrorCode");
        const aws::Json* msg = x.find("ErrorMessage");
        if (id && id->is_string())
          failed[id->str()] = {code && code->is_string() ? code->str() : "", msg && msg->is_string() ? msg->str() : ""};
      }
    for (std::size_t i = from; i < to; ++i) {
      auto it = failed.find(finding_id(alerts[i]));
      if (it == failed.end()) {
        out.push_back({Outcome::Accepted, ""});
        continue;
      }
      const auto& [code, msg] = it->second;
      std::string why = "Security Hub refused the finding: " + (code.empty() ? std::string("error") : code) +
                        (msg.empty() ? "" : ": " + msg);
      out.push_back({transient(code) ? Outcome::Retry : Outcome::Rejected, why});
    }
  }

  std::string spec_;
  Target t_;
  SinkOptions o_;
};

}  // namespace

Result<std::unique_ptr<Sink>> make_securityhub_sink(const std::string& rest, const SinkOptions& o) {
  const std::string spec = "securityhub:" + rest;
  static const std::regex arn(R"(arn:(aws[a-z-]*):securityhub:([a-z0-9-]+):([0-9]{12}):product/([0-9]{12})/default)");
  static const std::regex short_form(R"(([a-z]+(-[a-z]+)+-[0-9]{1,2}):([0-9]{12}))");
  std::smatch m;
  Target t;
  if (std::regex_match(rest, m, arn) && m[3] == m[4]) {
    t = {rest, m[1], m[2], m[3]};
  } else if (std::regex_match(rest, m, short_form)) {
    std::string region = m[1], account = m[3];
    std::string partition = region.rfind("us-gov-", 0) == 0 ? "aws-us-gov" : region.rfind("cn-", 0) == 0 ? "aws-cn" : "aws";
    t = {"arn:" + partition + ":securityhub:" + region + ":" + account + ":product/" + account + "/default", partition,
         region, account};
  } else {
    return make_error(ErrorKind::Invalid, spec,
                      "securityhub needs REGION:ACCOUNT (us-east-1:111122223333) or the account's product ARN "
                      "(arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default)");
  }
  if (!o.aws_call) return make_error(ErrorKind::Unsupported, spec, "no AWS client available for the securityhub sink");
  return std::unique_ptr<Sink>(std::make_unique<SecurityHubSink>(spec, std::move(t), o));
}

}  // namespace rg::respond
