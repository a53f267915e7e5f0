// Redaction of secrets before anything is printed, logged or put in an error.
//
// rootguard never prints AWS secret access keys, session tokens, passwords, or the secret
// parts of webhook URLs. redact_secrets() rewrites any of these it recognises in free text;
// callers that know a value is secret use redact_value() directly. Access key IDs
// (AKIA.../ASIA...) are identifiers, not secrets, and are kept.
#pragma once

#include <string>
#include <string_view>

namespace rg {

// "****" plus the last 4 characters when the value is long enough to keep them safely.
std::string redact_value(std::string_view secret);

// Rewrites, in free text: 40-char AWS secret keys after "secret"/"aws_secret_access_key"
// style labels, X-Amz-Security-Token / session tokens, "password=..." / "Signature=...",
// Authorization headers, and the path of Slack/Discord-style webhook URLs and user:pass@ in URLs.
std::string redact_secrets(std::string_view text);
// The same with every pattern run over the text, not only those the text could match (the
// reference redact_secrets is tested against).
std::string redact_secrets_with(std::string_view text, bool every_pattern);

// A URL with its credentials, query string and secret path parts replaced by "****".
std::string redact_url(std::string_view url);

}  // namespace rg
