// Findings shaped like the scan engine's, for respond tests.
#pragma once

#include <string>

#include "core/finding.h"

namespace rg::test {

inline Finding root_login_finding(int n, const std::string& account = "111122223333",
                                  const std::string& key = "ASIAEXAMPLEKEY00001", const std::string& ip = "203.0.113.7",
                                  std::int64_t time_ms = 1794996000000) {
  Finding f;
  f.id = "D03";
  f.title = "Root login without MFA";
  f.severity = Severity::Critical;
  f.reason = "root signed in to the console without MFA";
  f.practice = "protect the root user with MFA";
  f.next_step = "confirm with the token custodian; reset the root password if not planned";
  f.account = account;
  f.region = "us-east-1";
  f.resource = "arn:aws:iam::" + account + ":root";
  f.event.event_id = "ev-" + std::to_string(n);
  f.event.time_ms = time_ms + n * 1000;
  f.event.event_time = "2026-11-20T10:00:00Z";
  f.event.event_name = "ConsoleLogin";
  f.event.event_source = "signin.amazonaws.com";
  f.event.event_type = "AwsConsoleSignIn";
  f.event.identity_type = "Root";
  f.event.principal = "arn:aws:iam::" + account + ":root";
  f.event.access_key_id = key;
  f.event.source_ip = ip;
  f.event.user_agent = "Mozilla/5.0";
  f.event.mfa = "no";
  f.event.input = "trail/a.json:10";
  f.facets = {{"console", "true"}};
  return f;
}

}  // namespace rg::test
