// http: one HTTP(S) exchange through libcurl, optionally signed with libcurl's SigV4.
//
// The only place rootguard talks to libcurl. TLS is always verified. Each thread keeps one
// curl handle for life so connections are reused. Signing uses CURLOPT_AWS_SIGV4, with the
// session token sent as X-Amz-Security-Token (signed, as every header passed here is); the
// URL's query must already be canonical (aws/sigv4.h canonical_query) because libcurl 7.88
// signs it as written. Nothing here retries: aws/client.h does. No exceptions escape.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "aws/sigv4.h"
#include "core/result.h"

namespace rg::aws {

struct SigV4Key {
  std::string access_key_id;
  std::string secret_access_key;  // secret: never printed
  std::string session_token;      // secret: never printed; may be empty
  std::string region;
  std::string service;            // signing name ("iam", "logs", "monitoring", "s3", ...)
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;              // scheme://host[:port]/path?canonical-query
  Headers headers;              // extra headers ("Content-Type", "X-Amz-Target", ...)
  std::string body;
  long timeout_ms = 30000;      // whole exchange
  long connect_timeout_ms = 5000;
  // A body kept in memory (every answer but a 2xx one handed to on_body) larger than this
  // ends the exchange with an error: AWS's largest answers are a few MB, and an endpoint
  // that sends without end must not take all the memory there is.
  std::size_t max_body = std::size_t{256} << 20;
  std::optional<SigV4Key> sign;
  // When set, the body of a 2xx response is handed over piece by piece instead of kept
  // (other statuses are kept in body as usual); returning false aborts the transfer.
  std::function<bool(std::string_view)> on_body;
  // When set, called by Client::send before every attempt (the first and each retry);
  // returning false gives up instead of sending. Streams use it to skip what a retry re-sends.
  std::function<bool()> on_attempt;
};

struct HttpResponse {
  long status = 0;
  Headers headers;  // names as received
  std::string body;
  // The first header with this name (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

// Performs the exchange. An HTTP error status is a response, not an error; connection
// failures, timeouts and TLS failures are ErrorKind::Io errors naming the (redacted) URL, an
// answer over max_body an ErrorKind::Corrupt one (sending again would bring the same).
Result<HttpResponse> http_perform(const HttpRequest& request);

}  // namespace rg::aws
