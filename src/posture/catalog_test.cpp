// The catalog is an explicit list; this test walks the checks folder and holds the two together.
#include "posture/catalog.h"

#include <filesystem>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "test_util.h"

namespace rg::posture {
namespace {

namespace fs = std::filesystem;

TEST(Catalog, EveryCheckFileIsListedAndNamedByItsId) {
  fs::path dir = rg::test::source_dir() / "src/posture/checks";
  std::regex name(R"((R\d\d)_[a-z0-9_]+\.cpp)");
  std::set<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    std::smatch m;
    if (n.find("_test.cpp") != std::string::npos || !std::regex_match(n, m, name)) continue;
    std::string id = m[1];
    EXPECT_TRUE(files.insert(id).second) << "two files for " << id;
    const Check* c = find_check(id);
    ASSERT_NE(c, nullptr) << n << " is not in catalog.cpp";
    EXPECT_STREQ(c->meta.id, id.c_str());
    fs::path test = e.path();
    test.replace_filename(e.path().stem().string() + "_test.cpp");
    EXPECT_TRUE(fs::exists(test)) << "no test beside " << n;
  }
  EXPECT_EQ(files.size(), catalog().size()) << "catalog lists a check with no file";
}

TEST(Catalog, MetadataCompleteAndFixturesExist) {
  fs::path fixtures = rg::test::source_dir() / "tests/fixtures/posture";
  std::string prev;
  for (const Check* c : catalog()) {
    const CheckMeta& m = c->meta;
    SCOPED_TRACE(m.id);
    EXPECT_GT(std::string(m.id), prev) << "catalog out of order";
    prev = m.id;
    EXPECT_NE(std::string(m.title), "");
    EXPECT_NE(std::string(m.practice), "");
    EXPECT_FALSE(m.console.empty());
    EXPECT_FALSE(m.cli.empty());
    EXPECT_NE(c->run, nullptr);
    if (m.severity == Severity::Info) {
      EXPECT_TRUE(fs::is_directory(fixtures / m.id / "na"));
    } else {
      EXPECT_FALSE(m.reads.empty());
      EXPECT_TRUE(fs::is_directory(fixtures / m.id / "pass")) << "no pass fixture";
      EXPECT_TRUE(fs::is_directory(fixtures / m.id / "fail")) << "no fail fixture";
    }
  }
  EXPECT_EQ(catalog().size(), 18u);
}

}  // namespace
}  // namespace rg::posture
