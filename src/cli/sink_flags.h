// --sink, as watch and audit take it: the options sinks are made with (the webhook HMAC key from
// ROOTGUARD_WEBHOOK_SECRET, never a flag; this host's name; the AWS client of the sns: and
// securityhub: sinks), read here because the library reads no environment.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "aws/client.h"
#include "respond/sinks/sink.h"

namespace rg::cli {

// True when one of the sinks calls AWS, and so needs a client.
inline bool sinks_call_aws(const std::vector<std::string>& specs) {
  return std::any_of(specs.begin(), specs.end(), [](const std::string& s) { return respond::sink_calls_aws(s); });
}

inline respond::SinkOptions sink_options(std::shared_ptr<aws::Client> client) {
  respond::SinkOptions so;
  if (const char* s = std::getenv("ROOTGUARD_WEBHOOK_SECRET")) so.hmac_secret = s;
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) == 0) so.hostname = host;
  if (client) so.aws_call = [client](const aws::Request& r) { return client->call(r); };
  return so;
}

}  // namespace rg::cli
