// docs/snapshot.md is the contract users build snapshots from by hand: it must name every
// file a check reads and every call the reader accepts, with the checks that read it.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "posture/catalog.h"
#include "posture/snapshot.h"
#include "test_util.h"

namespace rg::posture {
namespace {

struct DocRow {
  std::set<std::string> checks;
  std::string command;
};

// The table rows of docs/snapshot.md: | `file` | checks | command |, keyed by the file name
// with any "R/" Region prefix kept as "<region>/".
std::map<std::string, DocRow> doc_table() {
  std::ifstream in(rg::test::source_dir() / "docs/snapshot.md");
  std::map<std::string, DocRow> rows;
  std::regex row(R"(^\| `([^`]+)` \| ([^|]*) \| (.*) \|$)");
  std::regex check_id(R"(R\d\d)");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    std::string file = m[1];
    if (file.rfind("R/", 0) == 0) file = "<region>/" + file.substr(2);
    DocRow r;
    std::string checks = m[2];
    for (std::sregex_iterator it(checks.begin(), checks.end(), check_id), end; it != end; ++it)
      r.checks.insert(it->str());
    r.command = m[3];
    rows[file] = r;
  }
  return rows;
}

// "iam.ListOrganizationsFeatures.json (Organization top level)" -> "iam.ListOrganizationsFeatures.json"
std::string bare(std::string read) {
  auto sp = read.find(' ');
  return sp == std::string::npos ? read : read.substr(0, sp);
}

TEST(SnapshotDoc, EveryFileACheckReadsIsDocumentedWithThatCheck) {
  auto rows = doc_table();
  ASSERT_GT(rows.size(), 15u) << "docs/snapshot.md lost its table";
  for (const Check* c : catalog()) {
    for (const char* read : c->meta.reads) {
      std::string f = bare(read);
      if (f.find(".json") == std::string::npos) continue;  // rootguard.yaml attestations
      auto it = rows.find(f);
      ASSERT_NE(it, rows.end()) << c->meta.id << " reads " << f << " but docs/snapshot.md does not list it";
      EXPECT_TRUE(it->second.checks.count(c->meta.id))
          << "docs/snapshot.md does not say that " << c->meta.id << " reads " << f;
    }
  }
}

TEST(SnapshotDoc, EveryDocumentedCheckReallyReadsTheFile) {
  for (const auto& [file, row] : doc_table()) {
    for (const auto& id : row.checks) {
      const Check* c = find_check(id);
      ASSERT_NE(c, nullptr) << "docs/snapshot.md names unknown check " << id;
      bool reads = false;
      for (const char* r : c->meta.reads) reads |= bare(r) == file;
      EXPECT_TRUE(reads) << "docs/snapshot.md says " << id << " reads " << file << "; its metadata does not";
    }
  }
}

TEST(SnapshotDoc, EveryAcceptedCallHasARowWithAnAwsCliCommand) {
  auto rows = doc_table();
  for (std::string_view call : known_snapshot_calls()) {
    bool found = false;
    for (const auto& [file, row] : rows) {
      std::string name = file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1);
      if (name.rfind(std::string(call) + ".", 0) != 0) continue;
      found = true;
      EXPECT_NE(row.command.find("aws "), std::string::npos) << file << " has no AWS CLI command";
      EXPECT_TRUE(is_known_snapshot_file(name)) << file;
    }
    EXPECT_TRUE(found) << call << " is read by the audit but has no row in docs/snapshot.md";
  }
}

}  // namespace
}  // namespace rg::posture
