// Runs one posture check on a fixture snapshot in tests/fixtures/posture/<check>/<case>/.
#pragma once

#include <string>
#include <vector>

#include "core/finding.h"
#include "posture/check.h"

namespace rg::test {

struct FixtureRun {
  std::vector<Finding> findings;
  std::vector<std::string> diagnostics;
  const Finding& first() const { return findings.at(0); }
};

// `rel` is "R01/pass". For an Organization fixture, `account` picks the member directory
// (default: the last one, the member). A sibling "<case>.yaml" is loaded as rootguard.yaml.
FixtureRun run_fixture(const posture::Check& check, const std::string& rel, const std::string& account = "",
                       std::int64_t now_ms = 0);

// Shorthands shared by the check tests.
inline constexpr auto kPass = FindingStatus::Pass;
inline constexpr auto kFail = FindingStatus::Fail;
inline constexpr auto kUnknown = FindingStatus::Unknown;
inline constexpr auto kNa = FindingStatus::NotApplicable;
inline constexpr auto kAttest = FindingStatus::Attest;

}  // namespace rg::test

// Expects `sub` inside the string `s` (a finding's reason), printing `s` when it is not.
#define HAS(s, sub) EXPECT_NE(std::string(s).find(sub), std::string::npos) << (s)
