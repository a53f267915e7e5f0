#include "scan/spill.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "test_util.h"

namespace rg::scan::spill {
namespace {

struct Item {
  std::uint64_t key = 0;
  std::string text;
};

struct ItemCodec {
  static bool less(const Item& a, const Item& b) { return std::tie(a.key, a.text) < std::tie(b.key, b.text); }
  static std::size_t bytes(const Item& i) { return sizeof(Item) + held_bytes(i.text); }
  static void put(Out& o, const Item& i) {
    o.u64(i.key);
    o.str(i.text);
  }
  static void get(In& in, Item& i) {
    i.key = in.u64();
    i.text = in.str();
  }
};
using ItemSpiller = Spiller<Item, ItemCodec>;

std::vector<Item> items(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Item> v;
  for (std::size_t i = 0; i < n; ++i)
    v.push_back(Item{rng() % 1000, std::string(rng() % 300, static_cast<char>('a' + i % 26)) + std::to_string(i)});
  return v;
}

std::vector<std::string> merged(std::vector<ItemSpiller*> parts) {
  std::vector<std::string> out;
  EXPECT_TRUE(ItemSpiller::merge(parts, [&](Item& i) {
    out.push_back(std::to_string(i.key) + ":" + i.text);
    return true;
  }));
  return out;
}

std::vector<std::string> sorted(std::vector<Item> v) {
  std::sort(v.begin(), v.end(), ItemCodec::less);
  std::vector<std::string> out;
  for (const Item& i : v) out.push_back(std::to_string(i.key) + ":" + i.text);
  return out;
}

TEST(Spill, FindingsComeBackWhole) {
  Finding f;
  f.id = "D02";
  f.title = "Root console sign-in";
  f.severity = Severity::Critical;
  f.status = FindingStatus::Unknown;
  f.reason = std::string(500, 'r');
  f.practice = "never use root";
  f.next_step = "call the owner";
  f.account = "111122223333";
  f.region = "us-east-1";
  f.resource = "arn:aws:iam::111122223333:root";
  f.event = EventRef{"e-1", "2026-03-01T10:00:00Z", -5, "ConsoleLogin", "signin.amazonaws.com", "AwsConsoleSignIn",
                     "Root", "arn", "AKIA", "192.0.2.1", std::string(100, 'u'), "no", "Failure", "f.json:7", true};
  f.facets = {{"count", "5"}, {"", std::string("a\0b", 3)}};
  std::string bytes;
  Out out(bytes);
  put(out, f);
  In in(bytes);
  Finding g;
  get(in, g);
  ASSERT_TRUE(in.done());
  EXPECT_EQ(g.id, f.id);
  EXPECT_EQ(g.title, f.title);
  EXPECT_EQ(g.severity, f.severity);
  EXPECT_EQ(g.status, f.status);
  EXPECT_EQ(g.reason, f.reason);
  EXPECT_EQ(g.practice, f.practice);
  EXPECT_EQ(g.next_step, f.next_step);
  EXPECT_EQ(g.account, f.account);
  EXPECT_EQ(g.region, f.region);
  EXPECT_EQ(g.resource, f.resource);
  EXPECT_EQ(g.event.event_id, f.event.event_id);
  EXPECT_EQ(g.event.event_time, f.event.event_time);
  EXPECT_EQ(g.event.time_ms, -5);
  EXPECT_EQ(g.event.event_name, f.event.event_name);
  EXPECT_EQ(g.event.event_source, f.event.event_source);
  EXPECT_EQ(g.event.event_type, f.event.event_type);
  EXPECT_EQ(g.event.identity_type, f.event.identity_type);
  EXPECT_EQ(g.event.principal, f.event.principal);
  EXPECT_EQ(g.event.access_key_id, f.event.access_key_id);
  EXPECT_EQ(g.event.source_ip, f.event.source_ip);
  EXPECT_EQ(g.event.user_agent, f.event.user_agent);
  EXPECT_EQ(g.event.mfa, f.event.mfa);
  EXPECT_EQ(g.event.error_code, f.event.error_code);
  EXPECT_EQ(g.event.input, f.event.input);
  EXPECT_TRUE(g.event.read_only);
  EXPECT_EQ(g.facets, f.facets);

  // Every cut of the record is told as damaged, never read past.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    In cut(std::string_view(bytes).substr(0, n));
    Finding h;
    get(cut, h);
    EXPECT_FALSE(cut.done()) << n;
  }
  bytes[0] = 9;  // no such severity
  In bad(bytes);
  Finding h;
  get(bad, h);
  EXPECT_FALSE(bad.done());
}

TEST(Spill, HeldBytesCountTheHeap) {
  Finding small, big;
  big.reason = std::string(10000, 'x');
  big.facets = {{"k", std::string(1000, 'v')}};
  EXPECT_GE(held_bytes(small), sizeof(Finding));
  EXPECT_GE(held_bytes(big), held_bytes(small) + 11000);
}

// A run on disk: written in compressed blocks that take a fraction of the records' size
// (findings repeat their rule, account and names), read back record for record, the empty
// record and one larger than a block included; and beside a run written earlier in the file.
TEST(Spill, RunsAreCompressedAndReadBackWhole) {
  test::TempDir dir;
  auto file = RunFile::create(dir.path().string());
  ASSERT_TRUE(file) << file.error().what;
  std::vector<std::string> recs;
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i)
    recs.push_back("{\"rule\":\"D02\",\"account\":\"11112222" + std::to_string(3000 + rng() % 8) +
                   "\",\"event\":\"ConsoleLogin\",\"seq\":" + std::to_string(i) + "}");
  recs[5].clear();
  recs[9000] = std::string(100000, 'x') + "y";
  for (int i = 0; i < 40000; ++i) recs[12000] += static_cast<char>(rng());  // does not shrink: kept as it is
  auto write = [&](const std::vector<std::string>& v) {
    (*file)->begin();
    for (const std::string& r : v) {
      (*file)->open_record() += r;
      EXPECT_TRUE((*file)->close_record());
    }
    auto ext = (*file)->end();
    EXPECT_TRUE(ext);
    return spill::Run{*file, ext->first, ext->second};
  };
  const spill::Run first = write({"an earlier run"});
  const spill::Run run = write(recs);
  std::size_t raw = 0;
  for (const std::string& r : recs) raw += 4 + r.size();
  EXPECT_EQ(run.begin, first.end);
  EXPECT_EQ((*file)->size(), run.end);
  EXPECT_LT(run.end - run.begin, raw / 8) << raw;
  for (const spill::Run* r : {&first, &run}) {
    RunReader reader(*r);
    std::vector<std::string> back;
    for (;;) {
      auto rec = reader.next();
      ASSERT_TRUE(rec) << rec.error().what;
      if (!*rec) break;
      back.emplace_back(**rec);
    }
    EXPECT_EQ(back, r == &first ? std::vector<std::string>{"an earlier run"} : recs);
  }
}

// A scan's first spilled bytes are written as they are (the page cache takes them at memory
// speed), up to its allowance, shared by its files; blocks after that are compressed. Both
// read back the same.
TEST(Spill, PlainUpToTheAllowanceThenCompressed) {
  test::TempDir dir;
  Diagnostics diag(Diagnostics::silent());
  Place place(dir.path().string(), diag, 200000);
  auto a = RunFile::create(dir.path().string(), &place), b = RunFile::create(dir.path().string(), &place);
  ASSERT_TRUE(a && b);
  auto write = [](RunFile& f, int from, int n) {
    f.begin();
    for (int i = from; i < from + n; ++i) {
      f.open_record() += "{\"rule\":\"D02\",\"account\":\"111122223333\",\"seq\":" + std::to_string(i) + "}";
      EXPECT_TRUE(f.close_record());
    }
    auto ext = f.end();
    EXPECT_TRUE(ext);
    return ext ? *ext : std::pair<std::uint64_t, std::uint64_t>{};
  };
  const auto first = write(**a, 0, 2000);  // about 100 KB: written as it is
  EXPECT_GT(first.second, 90000u);
  const auto second = write(**b, 2000, 20000);  // the first 100 KB as they are, the rest compressed
  EXPECT_GT(second.second, 100000u);
  EXPECT_LT(second.second, 400000u);
  EXPECT_FALSE(place.take_plain(kPlainBytes));
  int i = 0;
  for (auto [file, ext] : {std::pair{*a, first}, std::pair{*b, second}}) {
    RunReader reader(spill::Run{file, ext.first, ext.second});
    for (;;) {
      auto rec = reader.next();
      ASSERT_TRUE(rec) << rec.error().what;
      if (!*rec) break;
      ASSERT_EQ(**rec, "{\"rule\":\"D02\",\"account\":\"111122223333\",\"seq\":" + std::to_string(i++) + "}");
    }
  }
  EXPECT_EQ(i, 22000);
}

void damaged_runs_are_told(bool plain);

// A run read from the wrong place, or cut short, is told as damaged (naming the directory of
// the temporary file) after the records before the damage; never read past, never a crash.
TEST(Spill, DamagedRunsAreToldNotReadPast) {
  for (bool plain : {false, true}) {
    SCOPED_TRACE(plain ? "blocks as they are" : "compressed blocks");
    damaged_runs_are_told(plain);
  }
}

void damaged_runs_are_told(bool plain) {
  test::TempDir dir;
  Diagnostics diag(Diagnostics::silent());
  Place place(dir.path().string(), diag);
  auto file = RunFile::create(dir.path().string(), plain ? &place : nullptr);
  ASSERT_TRUE(file);
  (*file)->begin();
  for (int i = 0; i < 5000; ++i) {
    (*file)->open_record() += "record " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 50), '.');
    ASSERT_TRUE((*file)->close_record());
  }
  auto ext = (*file)->end();
  ASSERT_TRUE(ext);
  const auto [begin, end] = *ext;
  using R = spill::Run;
  for (const R& r : {R{*file, begin, end - 1}, R{*file, begin + 1, end}, R{*file, begin + 8, end}, R{*file, begin, begin + 4},
                     R{*file, begin, end + 100}}) {
    SCOPED_TRACE(std::to_string(r.begin - begin) + ".." + std::to_string(static_cast<std::int64_t>(r.end - end)));
    RunReader reader(r);
    int read = 0;
    for (;;) {
      auto rec = reader.next();
      if (!rec) {
        EXPECT_NE(rec.error().where.find(dir.path().string()), std::string::npos) << rec.error().where;
        break;
      }
      ASSERT_TRUE(*rec) << "a damaged run ended as if whole";
      ASSERT_LE(++read, 5000);
    }
  }
}

// Records in several spillers, some spilled in many runs and some still held, come out in
// one order: the same as sorting them all in memory.
TEST(Spill, RunsAndHeldRecordsMergeInOrder) {
  test::TempDir dir;
  Diagnostics diag(Diagnostics::silent());
  Place place(dir.path().string(), diag);
  std::vector<Item> all;
  ItemSpiller a(4000, place), b(kUnlimited, place), c(1, place);
  for (Item& i : items(300, 1)) {
    all.push_back(i);
    a.add(std::move(i));
  }
  for (Item& i : items(50, 2)) {
    all.push_back(i);
    b.add(std::move(i));
  }
  for (Item& i : items(20, 3)) {
    all.push_back(i);
    c.add(std::move(i));
  }
  EXPECT_GT(a.runs(), 5u);
  EXPECT_EQ(b.runs(), 0u);
  EXPECT_EQ(c.runs(), 20u);
  EXPECT_EQ(merged({&a, &b, &c}), sorted(all));
  EXPECT_TRUE(a.empty() && b.empty() && c.empty());
  EXPECT_EQ(diag.warning_count() + diag.error_count(), 0u);
  // The file was unlinked at once: nothing is left in the directory.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

// More runs than are read at once: some are merged first (a few, or kFanIn at a time, more
// than once), and every record comes out in the same order.
TEST(Spill, ManyRunsAreMergedInPasses) {
  for (std::size_t n : {kFanIn + 1, kFanIn + 5, 3 * kFanIn + 7}) {
    SCOPED_TRACE(n);
    test::TempDir dir;
    Diagnostics diag(Diagnostics::silent());
    Place place(dir.path().string(), diag);
    ItemSpiller s(1, place);  // one record per run
    std::vector<Item> all = items(n, 4);
    for (Item i : all) s.add(std::move(i));
    EXPECT_EQ(s.runs(), all.size());
    EXPECT_EQ(merged({&s}), sorted(all));
    EXPECT_EQ(diag.warning_count() + diag.error_count(), 0u);
  }
}

// A merge stops when asked to.
TEST(Spill, MergeStopsWhenAsked) {
  test::TempDir dir;
  Diagnostics diag(Diagnostics::silent());
  Place place(dir.path().string(), diag);
  ItemSpiller s(100, place);
  for (Item& i : items(100, 5)) s.add(std::move(i));
  int seen = 0;
  EXPECT_FALSE(ItemSpiller::merge({&s}, [&](Item&) { return ++seen < 10; }));
  EXPECT_EQ(seen, 10);
}

// No temporary file to be had: one warning, and every record still comes out in order.
TEST(Spill, WithoutATemporaryFileRecordsStayInMemory) {
  test::TempDir dir;
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  Place place((dir / "no-such-dir").string(), diag);
  ItemSpiller a(1, place), b(1, place);
  std::vector<Item> all = items(40, 6);
  for (std::size_t i = 0; i < all.size(); ++i) (i % 2 ? a : b).add(Item(all[i]));
  EXPECT_EQ(a.runs() + b.runs(), 0u);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("no-such-dir"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("held in memory"), std::string::npos) << lines[0];
  EXPECT_EQ(diag.error_count(), 0u);
  EXPECT_EQ(merged({&a, &b}), sorted(all));
}

}  // namespace
}  // namespace rg::scan::spill
