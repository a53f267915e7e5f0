// libFuzzer target: the snapshot reader and every check on whatever it reads. The input is
// split on "\n--- " lines into files: "--- <relative name>\n<content>" (a first chunk without a
// name becomes iam.GetAccountSummary.json). Checks must never crash on hostile JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "posture/account.h"
#include "posture/audit.h"
#include "posture/catalog.h"
#include "posture/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string, std::string>> files;
  // Normalise: a leading "--- name" header is the same as a "\n--- name" separator.
  std::string text = in.rfind("--- ", 0) == 0 ? "\n" + in : in;
  std::string name = "iam.GetAccountSummary.json";
  std::size_t start = 0;
  while (files.size() < 64) {
    std::size_t sep = text.find("\n--- ", start);
    std::string body = text.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
    if (!(start == 0 && sep == 0)) files.emplace_back(name, body);
    if (sep == std::string::npos) break;
    std::size_t eol = text.find('\n', sep + 5);
    name = text.substr(sep + 5, eol == std::string::npos ? std::string::npos : eol - sep - 5);
    start = eol == std::string::npos ? text.size() : eol + 1;
  }
  rg::Diagnostics diag(rg::Diagnostics::silent());
  auto set = rg::posture::FileSet::from_memory(files, "fuzz", diag);
  rg::posture::Account acct = rg::posture::account_from_files(std::move(set), "111122223333", nullptr, diag);
  rg::posture::Config cfg;
  cfg.root_mailboxes = {"aws-root@example.com"};
  (void)rg::posture::run_checks(rg::posture::catalog(), acct, nullptr, cfg, 0);
  // The same files read as an Organization's top level, with the account as its member.
  rg::posture::Org org;
  org.files = rg::posture::FileSet::from_memory(files, "fuzz-org", diag);
  org.management_id = "999999999999";
  (void)rg::posture::run_checks(rg::posture::catalog(), acct, &org, cfg, 0);
  return 0;
}
