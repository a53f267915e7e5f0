// client: one AWS API call, as the AWS CLI makes it, and its answer as the CLI prints it.
//
// Knows the services rootguard calls (IAM, STS, SNS, CloudWatch: query + XML; CloudTrail,
// CloudWatch Logs, Organizations: JSON 1.1; Account: rest-json; S3: REST), their endpoints
// (Settings::endpoint_url overrides) and signing names. Each call is signed with fresh
// credentials, retried with exponential backoff and full jitter on throttling, 5xx and
// connection errors (Retry-After honoured), and limited per service to a number of calls in
// flight shared by every Client built on the same Limits. A call that finally fails gives
// {"Error": {"Code", "Message"}}; nothing throws. Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "aws/config.h"
#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/json.h"
#include "aws/sigv4.h"

namespace rg::aws {

enum class Protocol { Query, Json10, Json11, RestJson, RestXml };

struct ServiceInfo {
  std::string name;          // CLI name: "iam", "logs", "cloudwatch", ...
  std::string env_id;        // AWS_ENDPOINT_URL_<env_id>
  std::string host_prefix;   // "iam" -> iam.amazonaws.com, "monitoring" -> monitoring.<region>.amazonaws.com
  std::string signing_name;
  Protocol protocol;
  std::string api_version;   // query protocol Version=
  std::string target_prefix; // JSON 1.1 X-Amz-Target prefix
  bool global = false;       // one endpoint, signed for us-east-1
  int max_in_flight = 8;     // per-service concurrency limit (default)
};

// nullptr for an unknown name.
const ServiceInfo* find_service(std::string_view name);

// Calls in flight per service, shared by clients (one per member account in an Organization).
class Limits {
 public:
  explicit Limits(int scale = 1) : scale_(scale) {}
  void acquire(const ServiceInfo& s);
  void release(const ServiceInfo& s);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, int> in_flight_;
  int scale_;
};

struct ClientOptions {
  int max_attempts = 6;        // AWS_MAX_ATTEMPTS / max_attempts override it
  long base_delay_ms = 100;    // full jitter: sleep uniform(0, min(cap, base * 2^attempt))
  long max_delay_ms = 20000;
  long timeout_ms = 60000;     // per attempt
  long connect_timeout_ms = 5000;
  std::function<void(long ms)> sleep;  // default: std::this_thread::sleep_for
  std::shared_ptr<Limits> limits;      // default: a private one
};

struct CallResult {
  Json response;        // the CLI-shaped answer, or {"Error": {...}}
  bool ok = false;
  std::string error_code;
  std::string error_message;
  int attempts = 0;
};

using CredentialsFn = std::function<Result<Credentials>()>;

struct Request {
  std::string service = {};    // "iam", "cloudtrail", ...
  std::string operation = {};  // "GetAccountSummary"
  std::string region = {};     // for regional services; "" uses the client's region
  Params params = {};          // query protocol parameters
  Json body = Json::object();  // JSON protocols
  std::string path = "/";  // rest protocols
  std::string method = "POST";
};

// Pagination: the names of the input and output tokens ("Marker"/"Marker" with
// IsTruncated, "NextToken"/"NextToken", "nextToken"/"nextToken").
struct Paging {
  std::string input_token;
  std::string output_token;
};

// The raw answer of a call (S3 answers are read as they are, not turned into CLI JSON).
struct RawResult {
  bool ok = false;
  HttpResponse response;  // the final answer when one came (also for errors)
  std::string error_code;
  std::string error_message;
  int attempts = 0;
};

class Client {
 public:
  Client(CredentialsFn credentials, const Settings& settings, ClientOptions options);

  CallResult call(const Request& request);
  // Every page, list members concatenated, tokens removed: what the CLI prints by default.
  CallResult call_all(Request request, const Paging& paging);

  // Signs and sends `http` (its url, method, headers and body set by the caller) to a service
  // in `region`, with the retries and limits above; ok when the final status is 2xx.
  RawResult send(const ServiceInfo& s, const std::string& region, HttpRequest http);

  // The endpoint (no trailing slash) and signing region for a service.
  std::pair<std::string, std::string> endpoint(const ServiceInfo& s, const std::string& region) const;
  const std::string& region() const { return region_; }

 private:
  CallResult attempt_loop(const ServiceInfo& s, const Request& r);
  CredentialsFn credentials_;
  Settings settings_;
  ClientOptions options_;
  std::string region_;
};

}  // namespace rg::aws
