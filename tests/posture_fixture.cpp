#include "posture_fixture.h"

#include <algorithm>
#include <filesystem>

#include "posture/account.h"
#include "posture/config.h"
#include "test_util.h"

namespace rg::test {

namespace fs = std::filesystem;

FixtureRun run_fixture(const posture::Check& check, const std::string& rel, const std::string& account,
                       std::int64_t now_ms) {
  FixtureRun run;
  Diagnostics diag([&](Diagnostics::Level, const std::string& line) { run.diagnostics.push_back(line); });
  fs::path dir = source_dir() / "tests/fixtures/posture" / rel;
  posture::Config cfg;
  fs::path yaml = dir.string() + ".yaml";
  if (fs::exists(yaml)) cfg = posture::load_config(yaml, diag);
  if (posture::classify_snapshot_dir(dir) == posture::SnapshotKind::Organization) {
    posture::Org org = posture::read_org(dir, rel, diag);
    std::vector<std::string> members;
    for (auto& e : fs::directory_iterator(dir))
      if (e.is_directory() && posture::is_account_id(e.path().filename().string())) members.push_back(e.path().filename().string());
    std::sort(members.begin(), members.end());
    std::string pick = account.empty() ? members.back() : account;
    posture::Account a = posture::read_account(dir / pick, rel + "/" + pick, &org, diag);
    run.findings = check.run(posture::CheckInput{a, &org, cfg, now_ms});
  } else {
    posture::Account a = posture::read_account(dir, rel, nullptr, diag);
    run.findings = check.run(posture::CheckInput{a, nullptr, cfg, now_ms});
  }
  return run;
}

}  // namespace rg::test
