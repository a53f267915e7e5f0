// http_post: one JSON POST with libcurl for the webhook and Slack sinks, and the mapping of
// its answer to a delivery outcome. No redirects are followed (a redirect could carry the
// body elsewhere); errors are redacted before they leave.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "respond/sinks/sink.h"

namespace rg::respond {

struct HttpAnswer {
  long status = 0;        // HTTP status; 0 when no answer came (refused, timeout, DNS)
  std::string error;      // libcurl's message when status is 0
};

HttpAnswer http_post(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                     std::int64_t timeout_ms);

// 2xx accepted; 408, 425, 429, 5xx and no answer: retry; other 4xx and 3xx: rejected.
Delivery classify(const HttpAnswer& a);

}  // namespace rg::respond
