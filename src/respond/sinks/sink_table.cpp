// The sink table: every kind of sink, by spec prefix. Adding a sink = one file + one row.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "core/redact.h"
#include "respond/sinks/kinds.h"

namespace rg::respond {

namespace {

using Factory = Result<std::unique_ptr<Sink>> (*)(const std::string&, const SinkOptions&);

struct Row {
  SinkKind kind;
  Factory make;
};

const std::vector<Row>& table() {
  static const std::vector<Row> rows = {
      {{"stdout", "stdout", "one line per alert on standard output"}, make_stdout_sink},
      {{"file:", "file:PATH", "JSON lines appended to PATH (mode 0600), one alert per line"}, make_file_sink},
      {{"webhook:", "webhook:URL", "JSON POST, signed: X-Rootguard-Signature: sha256=<hex HMAC of the body>"},
       make_webhook_sink},
      {{"slack:", "slack:URL", "Slack incoming webhook, Block Kit message"}, make_slack_sink},
      {{"syslog:", "syslog:udp://HOST:PORT | syslog:tcp://HOST:PORT", "RFC 5424 (TCP with octet counting)"},
       make_syslog_sink},
      {{"smtp", "smtp://[USER:PASS@]HOST[:PORT]/?from=ADDR&to=ADDR[,ADDR] (or smtps://)", "e-mail"},
       make_smtp_sink},
      {{"sns:", "sns:TOPIC_ARN", "Amazon SNS Publish (text for e-mail/SMS, alert JSON for queues and functions)", true},
       make_sns_sink},
      {{"securityhub:", "securityhub:REGION:ACCOUNT | securityhub:PRODUCT_ARN",
        "AWS Security Hub BatchImportFindings (ASFF), in the security account that runs rootguard", true},
       make_securityhub_sink},
  };
  return rows;
}

}  // namespace

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::Accepted: return "accepted";
    case Outcome::Retry: return "retry";
    case Outcome::Rejected: return "rejected";
  }
  return "retry";
}

const std::vector<SinkKind>& sink_kinds() {
  static const std::vector<SinkKind> kinds = [] {
    std::vector<SinkKind> k;
    for (const Row& r : table()) k.push_back(r.kind);
    return k;
  }();
  return kinds;
}

Result<std::unique_ptr<Sink>> make_sink(std::string_view spec_in, const SinkOptions& opts) {
  std::string spec(spec_in);
  for (const Row& r : table()) {
    std::string_view p = r.kind.prefix;
    if (spec.compare(0, p.size(), p) != 0) continue;
    // "stdout" is the whole spec; "smtp" keeps its scheme (smtp:// or smtps://).
    if (p == "stdout" && spec != "stdout") continue;
    std::string rest = p == "smtp" ? spec : spec.substr(p.size());
    if (p != "stdout" && rest.empty()) return make_error(ErrorKind::Invalid, redact_url(spec), "sink needs a target");
    return r.make(rest, opts);
  }
  std::string kinds;
  for (const Row& r : table()) kinds += (kinds.empty() ? "" : ", ") + std::string(r.kind.usage);
  return make_error(ErrorKind::Invalid, redact_url(spec), "unknown sink; one of: " + kinds);
}

bool sink_calls_aws(std::string_view spec) {
  for (const Row& r : table())
    if (spec.starts_with(r.kind.prefix)) return r.kind.calls_aws;
  return false;
}

std::vector<Delivery> deliver_all(Sink& sink, const std::vector<Alert>& alerts) {
  std::vector<Delivery> got = sink.deliver_batch(alerts);
  got.resize(alerts.size(), Delivery{Outcome::Retry, "the sink gave no answer"});
  return got;
}

std::string sink_id(std::string_view spec) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(spec.data()), spec.size(), md);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string hmac_sha256_hex(const std::string& key, const std::string& body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), md, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

}  // namespace rg::respond
