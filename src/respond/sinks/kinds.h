// The factories behind the sink table (sink_table.cpp). Internal to respond/sinks.
#pragma once

#include <memory>
#include <string>

#include "respond/sinks/sink.h"

namespace rg::respond {

// Each takes the spec after its prefix ("file:PATH" -> "PATH") and the full spec for names.
Result<std::unique_ptr<Sink>> make_stdout_sink(const std::string& rest, const SinkOptions& o);
Result<std::unique_ptr<Sink>> make_file_sink(const std::string& rest, const SinkOptions& o);
Result<std::unique_ptr<Sink>> make_webhook_sink(const std::string& rest, const SinkOptions& o);
Result<std::unique_ptr<Sink>> make_slack_sink(const std::string& rest, const SinkOptions& o);
Result<std::unique_ptr<Sink>> make_syslog_sink(const std::string& rest, const SinkOptions& o);
Result<std::unique_ptr<Sink>> make_smtp_sink(const std::string& rest, const SinkOptions& o);
Result<std::unique_ptr<Sink>> make_sns_sink(const std::string& rest, const SinkOptions& o);
Result<std::unique_ptr<Sink>> make_securityhub_sink(const std::string& rest, const SinkOptions& o);

// HMAC-SHA256 of body under key, lower-case hex.
std::string hmac_sha256_hex(const std::string& key, const std::string& body);

}  // namespace rg::respond
