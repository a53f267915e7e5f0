// Human renderings of an alert shared by the sinks that speak to people (stdout, Slack,
// e-mail, syslog): who, from where, with or without MFA, what next, which case.
#pragma once

#include <string>

#include "respond/alert.h"

namespace rg::respond {

// "HIGH D02 Root console login: account 111122223333, by arn:aws:iam::111122223333:root
//  from 203.0.113.7, MFA no, case #7, event 2026-11-20T10:00:00Z (id)"
std::string alert_line(const Alert& a);
// "[rootguard] CRITICAL D03 Root login without MFA in 111122223333 (case #7)"
std::string alert_subject(const Alert& a);
// Several lines: the facts, the reason and the next step (e-mail body, stdout verbose).
std::string alert_text(const Alert& a);
// "yes" / "no" / "unknown".
std::string mfa_label(const Finding& f);
// The principal to show: ARN, else identity type, else "unknown".
std::string who_label(const Finding& f);

}  // namespace rg::respond
