#include "aws/client.h"

#include <chrono>
#include <random>
#include <thread>

#include "aws/http.h"
#include "aws/protocol.h"
#include "core/redact.h"
#include "core/strings.h"

namespace rg::aws {

const ServiceInfo* find_service(std::string_view name) {
  static const std::vector<ServiceInfo> services = {
      {"iam", "IAM", "iam", "iam", Protocol::Query, "2010-05-08", "", true, 8},
      {"sts", "STS", "sts", "sts", Protocol::Query, "2011-06-15", "", false, 8},
      {"sns", "SNS", "sns", "sns", Protocol::Query, "2010-03-31", "", false, 8},
      {"cloudwatch", "CLOUDWATCH", "monitoring", "monitoring", Protocol::Query, "2010-08-01", "", false, 8},
      {"cloudtrail", "CLOUDTRAIL", "cloudtrail", "cloudtrail", Protocol::Json11, "", "CloudTrail_20131101", false, 8},
      {"logs", "CLOUDWATCH_LOGS", "logs", "logs", Protocol::Json11, "", "Logs_20140328", false, 8},
      {"organizations", "ORGANIZATIONS", "organizations", "organizations", Protocol::Json11, "",
       "AWSOrganizationsV20161128", true, 4},
      {"account", "ACCOUNT", "account", "account", Protocol::RestJson, "", "", true, 4},
      {"s3", "S3", "s3", "s3", Protocol::RestXml, "", "", false, 64},
      {"sqs", "SQS", "sqs", "sqs", Protocol::Json10, "", "AmazonSQS", false, 16},
      {"securityhub", "SECURITYHUB", "securityhub", "securityhub", Protocol::RestJson, "", "", false, 8},
  };
  for (const ServiceInfo& s : services)
    if (s.name == name) return &s;
  return nullptr;
}

void Limits::acquire(const ServiceInfo& s) {
  std::unique_lock<std::mutex> lock(mu_);
  int limit = s.max_in_flight * scale_;
  cv_.wait(lock, [&] { return in_flight_[s.name] < limit; });
  ++in_flight_[s.name];
}

void Limits::release(const ServiceInfo& s) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_[s.name];
  }
  cv_.notify_all();
}

Client::Client(CredentialsFn credentials, const Settings& settings, ClientOptions options)
    : credentials_(std::move(credentials)), settings_(settings), options_(std::move(options)) {
  region_ = settings_.region.empty() ? "us-east-1" : settings_.region;
  if (!options_.limits) options_.limits = std::make_shared<Limits>();
  std::string attempts = env_get(settings_.env, "AWS_MAX_ATTEMPTS");
  if (attempts.empty()) attempts = settings_.config_value(settings_.profile, "max_attempts");
  if (!attempts.empty()) {
    try {
      options_.max_attempts = std::max(1, std::stoi(attempts));
    } catch (...) {
    }
  }
  if (!options_.sleep) options_.sleep = [](long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
}

std::pair<std::string, std::string> Client::endpoint(const ServiceInfo& s, const std::string& region) const {
  std::string signing_region = s.global ? "us-east-1" : region;
  std::string url = settings_.endpoint_url(s.env_id);
  if (url.empty()) {
    if (s.name == "iam") url = "https://iam.amazonaws.com";
    else if (s.global) url = "https://" + s.host_prefix + ".us-east-1.amazonaws.com";
    else url = "https://" + s.host_prefix + "." + region + ".amazonaws.com";
  }
  while (url.ends_with("/")) url.pop_back();
  return {url, signing_region};
}

namespace {

bool retryable_code(const std::string& code) {
  static const char* codes[] = {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
                                "TooManyRequestsException", "ProvisionedThroughputExceededException",
                                "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
                                "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
                                "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
                                "ServiceUnavailable", "ServiceUnavailableException", "ConcurrentModificationException"};
  for (const char* c : codes)
    if (code == c) return true;
  return false;
}

long retry_after_ms(const std::string& header) {
  if (header.empty()) return -1;
  try {
    return static_cast<long>(std::stod(header) * 1000);
  } catch (...) {
    return -1;
  }
}

}  // namespace

RawResult Client::send(const ServiceInfo& s, const std::string& region, HttpRequest http) {
  RawResult out;
  const std::string signing_region = endpoint(s, region).second;
  thread_local std::mt19937_64 rng(std::random_device{}());
  http.timeout_ms = options_.timeout_ms;
  http.connect_timeout_ms = options_.connect_timeout_ms;
  for (int attempt = 1;; ++attempt) {
    out.attempts = attempt;
    if (http.on_attempt && !http.on_attempt()) {
      if (out.error_code.empty()) out.error_code = "Cancelled";
      break;
    }
    auto creds = credentials_();
    if (!creds.ok()) {
      out.error_code = "CredentialsError";
      out.error_message = rg::redact_secrets(creds.error().str());
      return out;
    }
    http.sign = SigV4Key{creds->access_key_id, creds->secret_access_key, creds->session_token, signing_region,
                         s.signing_name};
    options_.limits->acquire(s);
    auto resp = http_perform(http);
    options_.limits->release(s);
    http.sign.reset();

    bool retry = false;
    long wait_hint = -1;
    if (!resp.ok()) {
      retry = resp.error().kind == ErrorKind::Io;
      out.error_code = retry ? "ConnectionError" : "AnswerTooLarge";
      out.error_message = resp.error().str();
    } else if (resp->status >= 200 && resp->status < 300) {
      out.ok = true;
      out.response = std::move(*resp);
      out.error_code.clear();
      out.error_message.clear();
      return out;
    } else {
      auto [code, message] = parse_error(resp->body, resp->header("x-amzn-ErrorType"));
      out.error_code = code.empty() ? "HTTP" + std::to_string(resp->status) : code;
      out.error_message = message.empty() ? "HTTP status " + std::to_string(resp->status) : message;
      retry = resp->status >= 500 || resp->status == 429 || retryable_code(code);
      wait_hint = retry_after_ms(resp->header("Retry-After"));
      out.response = std::move(*resp);
    }
    if (!retry || attempt >= options_.max_attempts) break;
    long cap = std::min(options_.max_delay_ms, options_.base_delay_ms << std::min(attempt - 1, 20));
    long delay = std::uniform_int_distribution<long>(0, std::max(0L, cap))(rng);
    if (wait_hint >= 0) delay = std::min(std::max(delay, wait_hint), options_.max_delay_ms);
    options_.sleep(delay);
  }
  out.error_message = rg::redact_secrets(out.error_message);
  return out;
}

CallResult Client::attempt_loop(const ServiceInfo& s, const Request& r) {
  std::string region = r.region.empty() ? region_ : r.region;
  const std::string base = endpoint(s, region).first;
  HttpRequest http;
  http.method = r.method;
  switch (s.protocol) {
    case Protocol::Query: {
      Params p = {{"Action", r.operation}, {"Version", s.api_version}};
      p.insert(p.end(), r.params.begin(), r.params.end());
      http.method = "POST";
      http.url = base + "/";
      http.body = canonical_query(p);
      http.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
      break;
    }
    case Protocol::Json10:
    case Protocol::Json11:
      http.method = "POST";
      http.url = base + "/";
      http.body = r.body.dump();
      http.headers = {{"Content-Type", s.protocol == Protocol::Json10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1"},
                      {"X-Amz-Target", s.target_prefix + "." + r.operation}};
      break;
    case Protocol::RestJson:
      http.url = base + r.path;
      http.body = r.method == "GET" ? "" : r.body.dump();
      http.headers = {{"Content-Type", "application/json"}};
      break;
    case Protocol::RestXml:
      http.url = base + r.path + (r.params.empty() ? "" : "?" + canonical_query(r.params));
      break;
  }
  RawResult raw = send(s, region, std::move(http));
  CallResult out;
  out.attempts = raw.attempts;
  if (raw.ok) {
    Result<Json> j = s.protocol == Protocol::Query ? query_xml_to_json(raw.response.body, r.operation)
                                                   : json_protocol_to_cli(raw.response.body);
    if (j.ok()) {
      out.ok = true;
      out.response = std::move(*j);
      return out;
    }
    raw.error_code = "InvalidResponse";
    raw.error_message = j.error().str();
  }
  out.error_code = raw.error_code;
  out.error_message = raw.error_message;
  out.response = error_json(out.error_code, out.error_message);
  return out;
}

CallResult Client::call(const Request& request) {
  const ServiceInfo* s = find_service(request.service);
  if (!s) {
    CallResult r;
    r.error_code = "UnknownService";
    r.error_message = "rootguard does not know the service " + request.service;
    r.response = error_json(r.error_code, r.error_message);
    return r;
  }
  return attempt_loop(*s, request);
}

namespace {
void set_token(Request& r, const ServiceInfo* s, const std::string& name, const std::string& value) {
  if (s && s->protocol == Protocol::Query) {
    for (auto& [k, v] : r.params)
      if (k == name) {
        v = value;
        return;
      }
    r.params.emplace_back(name, value);
  } else {
    r.body.set(name, Json::string(value));
  }
}
}  // namespace

CallResult Client::call_all(Request request, const Paging& paging) {
  const ServiceInfo* s = find_service(request.service);
  CallResult merged;
  int total_attempts = 0;
  for (int page = 0; page < 100000; ++page) {
    CallResult r = call(request);
    total_attempts += r.attempts;
    if (!r.ok) {
      r.attempts = total_attempts;
      return r;  // a partial listing is not kept: the check must not read half a list as all of it
    }
    std::string token;
    if (const Json* t = r.response.find(paging.output_token); t && t->is_string()) token = t->str();
    if (const Json* more = r.response.find("IsTruncated"); more && more->kind() == Json::Kind::Bool && !more->as_bool())
      token.clear();
    r.response.erase(paging.output_token);
    r.response.erase("IsTruncated");
    if (page == 0) {
      merged = std::move(r);
    } else {
      for (auto& [k, v] : r.response.members()) {
        Json* existing = merged.response.find(k);
        if (existing && existing->is_array() && v.is_array())
          for (Json& item : v.items()) existing->push(std::move(item));
        else if (!existing)
          merged.response.set(k, std::move(v));
      }
    }
    if (token.empty()) break;
    set_token(request, s, paging.input_token, token);
  }
  merged.attempts = total_attempts;
  return merged;
}

}  // namespace rg::aws
