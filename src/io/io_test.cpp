#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <atomic>
#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>

#include "io/gzip.h"
#include "io/read_ahead.h"
#include "core/time.h"
#include "io/source.h"
#include "io/trail_layout.h"
#include "io/whole_file.h"
#include "test_util.h"

namespace rg::io {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> names_of(const std::vector<Source>& srcs) {
  std::vector<std::string> n;
  for (const Source& s : srcs) n.push_back(s.name);
  return n;
}

// `size`: of each read (by default an odd one: exercises refills at awkward places).
std::string drain(Reader& r, std::string* error = nullptr, std::size_t size = 977) {
  std::string out;
  std::vector<char> buf(size);
  for (;;) {
    auto k = r.read(buf.data(), buf.size());
    if (!k) {
      if (error) *error = k.error().str();
      return out;
    }
    if (*k == 0) return out;
    out.append(buf.data(), *k);
  }
}

// A reader that fails with EIO once `at` bytes of the one it wraps have been read.
class FailingReader : public Reader {
 public:
  FailingReader(std::unique_ptr<Reader> in, std::string name, std::uint64_t at)
      : in_(std::move(in)), name_(std::move(name)), left_(at) {}
  Result<std::size_t> read(char* buf, std::size_t n) override {
    if (left_ == 0) return make_error(ErrorKind::Io, name_, "offset " + std::to_string(pos_) + ": read failed: Input/output error");
    auto k = in_->read(buf, std::min<std::size_t>(n, left_));
    if (k) {
      left_ -= *k;
      pos_ += *k;
    }
    return k;
  }

 private:
  std::unique_ptr<Reader> in_;
  std::string name_;
  std::uint64_t left_, pos_ = 0;
};

// An Env that injects faults, as leveldb's fault-injection env does.
class FaultyEnv : public Env {
 public:
  std::string deny;         // opening a path ending in this fails with "permission denied"
  std::string eio;          // reading this path fails with EIO at byte eio_at
  std::uint64_t eio_at = 0;

  Result<std::unique_ptr<Reader>> open(const fs::path& path, const std::string& name) override {
    if (!deny.empty() && path.string().ends_with(deny))
      return make_error(ErrorKind::Denied, name, "cannot open: Permission denied");
    auto r = Env::posix().open(path, name);
    if (!r || eio.empty() || !path.string().ends_with(eio)) return r;
    return std::unique_ptr<Reader>(new FailingReader(std::move(*r), name, eio_at));
  }
  std::unique_ptr<Reader> open_stdin() override { return Env::posix().open_stdin(); }
};

TEST(Decoder, PlainBytesPassThrough) {
  std::string text = "{\"Records\":[]}";
  Decoder d(std::make_unique<MemoryReader>(text), "x.json");
  EXPECT_EQ(drain(d), text);
  EXPECT_FALSE(d.gzip());
  EXPECT_EQ(d.bytes_out(), text.size());
}

// Every gzip case runs twice: streamed (ISA-L) and, when lent a WholeFile, decoded in one
// call (libdeflate) where that works, falling back to the stream for everything else.
class GzipPaths : public ::testing::TestWithParam<bool> {
 protected:
  WholeFile* lend() { return GetParam() ? &whole_ : nullptr; }
  WholeFile whole_{8u << 20};
};

TEST_P(GzipPaths, GzipDetectedByMagicNotName) {
  std::string text(300000, 'a');
  for (std::size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
  std::string gz = test::gzip(text);
  Decoder d(std::make_unique<MemoryReader>(gz), "no-extension", lend());
  EXPECT_EQ(drain(d), text);
  EXPECT_TRUE(d.gzip());
  EXPECT_EQ(d.whole(), GetParam());
  EXPECT_EQ(d.bytes_in(), gz.size());
}

TEST_P(GzipPaths, MultiMemberGzipReadsEveryMember) {
  std::string gz = test::gzip("first ") + test::gzip("second ") + test::gzip("third");
  Decoder d(std::make_unique<MemoryReader>(gz), "m.gz", lend());
  std::string err;
  EXPECT_EQ(drain(d, &err), "first second third");
  EXPECT_EQ(err, "");
}

TEST_P(GzipPaths, TruncatedGzipKeepsWhatCameBeforeAndNamesOffsets) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "{\"eventName\":\"E" + std::to_string(i) + "\"}\n";
  std::string gz = test::gzip(text);
  std::string cut = gz.substr(0, gz.size() / 2);
  Decoder d(std::make_unique<MemoryReader>(cut), "t.json.gz", lend());
  std::string err;
  std::string got = drain(d, &err);
  EXPECT_GT(got.size(), 1000u);
  EXPECT_EQ(got, text.substr(0, got.size()));
  EXPECT_NE(err.find("t.json.gz"), std::string::npos) << err;
  EXPECT_NE(err.find("truncated gzip"), std::string::npos) << err;
  EXPECT_NE(err.find("compressed offset"), std::string::npos) << err;
  EXPECT_NE(err.find("decompressed offset " + std::to_string(got.size())), std::string::npos) << err;
}

TEST_P(GzipPaths, BadCrcIsReportedAfterTheData) {
  std::string text = "hello, this is some CloudTrail-ish text";
  std::string gz = test::gzip(text);
  gz[gz.size() - 8] ^= 0x55;  // the CRC32 in the trailer
  Decoder d(std::make_unique<MemoryReader>(gz), "c.gz", lend());
  std::string err;
  EXPECT_EQ(drain(d, &err), text);
  EXPECT_NE(err.find("CRC"), std::string::npos) << err;
  EXPECT_NE(err.find("c.gz"), std::string::npos) << err;
  EXPECT_EQ(d.whole(), GetParam());  // decoded in one call all the same; the CRC is checked at the end
}

TEST_P(GzipPaths, TrailingGarbageAfterGzipIsAnError) {
  std::string gz = test::gzip("abc") + "garbage";
  Decoder d(std::make_unique<MemoryReader>(gz), "g.gz", lend());
  std::string err;
  EXPECT_EQ(drain(d, &err), "abc");
  EXPECT_NE(err.find("trailing bytes"), std::string::npos) << err;
}


INSTANTIATE_TEST_SUITE_P(Decoder, GzipPaths, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "whole" : "stream"; });

TEST(Decoder, WholeFileKeepsReadErrorsInTheirPlace) {
  // A read error while the whole input is being read ahead: the bytes before it are decoded
  // and returned first, then the error, as when streaming.
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "{\"eventName\":\"E" + std::to_string(i * 7919) + "\"}\n";
  std::string gz = test::gzip(text);
  std::string errs[2], outs[2];
  WholeFile whole(8u << 20);
  for (int lend = 0; lend < 2; ++lend) {
    Decoder d(std::make_unique<FailingReader>(std::make_unique<MemoryReader>(gz), "f.gz", gz.size() / 2), "f.gz",
              lend ? &whole : nullptr);
    EXPECT_FALSE(d.take_whole());
    outs[lend] = drain(d, &errs[lend]);
  }
  // as much as the bytes before the error hold: what the same bytes cut there decode to
  Decoder cut(std::make_unique<MemoryReader>(std::string_view(gz).substr(0, gz.size() / 2)), "cut.gz");
  std::string most = drain(cut);
  EXPECT_GT(most.size(), 1000u);
  EXPECT_TRUE(outs[0] == most) << outs[0].size() << " bytes streamed, " << most.size() << " decodable";
  EXPECT_TRUE(outs[1] == outs[0]) << outs[1].size() << " bytes whole, " << outs[0].size() << " streamed";
  EXPECT_NE(errs[0].find("Input/output error"), std::string::npos) << errs[0];
  EXPECT_EQ(errs[1], errs[0]);
}

TEST(Decoder, TakeWholeHandsOverTheDecodedFile) {
  std::string text(100000, 'r');
  std::string gz = test::gzip(text);
  WholeFile whole(1u << 20), small(64u << 10);
  {
    Decoder d(std::make_unique<MemoryReader>(gz), "w.gz", &whole);
    auto all = d.take_whole();
    ASSERT_TRUE(all);
    EXPECT_EQ(std::string_view(all->data(), all->size()), text);
    EXPECT_EQ(d.bytes_out(), text.size());
    char c;
    EXPECT_EQ(*d.read(&c, 1), 0u);  // nothing more
  }
  {  // larger than the budget: streamed
    Decoder d(std::make_unique<MemoryReader>(gz), "w.gz", &small);
    EXPECT_FALSE(d.take_whole());
    EXPECT_EQ(drain(d), text);
  }
  {  // several members: streamed, every member read
    std::string two = test::gzip("a") + test::gzip("b");
    Decoder d(std::make_unique<MemoryReader>(two), "two.gz", &whole);
    EXPECT_FALSE(d.take_whole());
    EXPECT_EQ(drain(d), "ab");
  }
  {  // plain text: read as it is
    Decoder d(std::make_unique<MemoryReader>(text), "w.json", &whole);
    EXPECT_FALSE(d.take_whole());
    EXPECT_EQ(drain(d), text);
  }
}

// One budget lent to file after file, smaller and bigger, some past the size where its buffers
// are laid in 2 MiB pages (decoded and compressed: the biggest compresses about 2:1, to 3 MB):
// each file comes back whole and exact, however the buffers grew before it.
TEST(Decoder, OneBudgetServesFilesOfEverySize) {
  std::mt19937_64 rng(7);
  const auto file = [&](std::size_t n) {
    std::string s;
    while (s.size() < n) s += "{\"requestID\":\"" + std::to_string(rng()) + "\"},";
    s.resize(n);
    return s;
  };
  WholeFile whole(32u << 20);
  for (std::size_t n : {std::size_t{300} << 10, std::size_t{5} << 20, std::size_t{100}, std::size_t{3} << 20,
                        std::size_t{7} << 20, std::size_t{1} << 20, std::size_t{9} << 20}) {
    const std::string text = file(n), gz = test::gzip(text);
    Decoder d(std::make_unique<MemoryReader>(gz), "sizes.gz", &whole);
    auto all = d.take_whole();
    ASSERT_TRUE(all) << n;
    EXPECT_TRUE(std::string_view(all->data(), all->size()) == text) << n;
    char c;
    auto end = d.read(&c, 1);  // checks the CRC32
    ASSERT_TRUE(end) << n << ": " << end.error().str();
    EXPECT_EQ(*end, 0u) << n;
  }
}

// A whole file's CRC32 is checked as it is used: piece by piece (used()), all at once at the
// end, or as read() copies it out. Each way, a good file ends with 0 and a damaged trailer CRC
// with the stream path's error, after every byte.
TEST(Decoder, WholeFileCrcIsCheckedHoweverTheBytesAreUsed) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "{\"eventID\":\"" + std::to_string(i * 2654435761u) + "\"}\n";
  const std::string good = test::gzip(text);
  std::string bad = good;
  bad[bad.size() - 6] ^= 0x01;
  WholeFile whole(8u << 20);
  for (const std::string* gz : {&good, static_cast<const std::string*>(&bad)}) {
    std::string want_err;
    Decoder stream(std::make_unique<MemoryReader>(*gz), "w.gz");
    ASSERT_EQ(drain(stream, &want_err), text);
    EXPECT_EQ(want_err.empty(), gz == &good) << want_err;
    for (int way = 0; way < 3; ++way) {
      Decoder d(std::make_unique<MemoryReader>(*gz), "w.gz", &whole);
      std::string got, err;
      if (way == 2) {
        got = drain(d, &err);
      } else {
        auto all = d.take_whole();
        ASSERT_TRUE(all) << way;
        got.assign(all->data(), all->size());
        if (way == 1)
          for (std::size_t n = 0; n <= all->size() + 1000; n += 999) d.used(n);  // overlapping, past the end
        char c;
        auto r = d.read(&c, 1);
        if (!r) err = r.error().str();
        else EXPECT_EQ(*r, 0u);
        auto again = d.read(&c, 1);  // said once
        ASSERT_TRUE(again);
        EXPECT_EQ(*again, 0u);
      }
      EXPECT_TRUE(got == text) << way;
      EXPECT_EQ(err, want_err) << way;
      EXPECT_TRUE(d.whole()) << way;
    }
  }
}

// The optional header fields (RFC 1952: extra field, file name, comment) are skipped by the
// whole-file path itself: such files are decoded in one call, not handed to the stream. A
// header CRC, reserved flags or another method go to the stream path, which decides.
TEST(Decoder, WholeFileReadsEveryHeaderField) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "{\"eventName\":\"E" + std::to_string(i) + "\"}\n";
  const std::string gz = test::gzip(text);
  ASSERT_EQ(static_cast<unsigned char>(gz[3]), 0u);  // no optional fields to begin with
  auto with = [&](unsigned flags, const std::string& fields) {
    std::string out = gz.substr(0, 10) + fields + gz.substr(10);
    out[3] = static_cast<char>(flags);
    return out;
  };
  const std::string extra = std::string("\x06\x00" "AB\x02\x00xy", 8);  // XLEN 6: one subfield
  struct Case {
    std::string in;
    bool whole;
  };
  const Case cases[] = {
      {with(0x08, std::string("trail.json\0", 11)), true},                                  // FNAME
      {with(0x10, std::string("a comment\0", 10)), true},                                   // FCOMMENT
      {with(0x04, extra), true},                                                             // FEXTRA
      {with(0x1c, extra + std::string("n\0", 2) + std::string("c\0", 2)), true},           // all three
      {with(0x01, ""), true},                                                                // FTEXT: a hint only
      {with(0x20, ""), false},                                                               // a reserved flag
      {with(0x0a, std::string("n\0", 2) + "\x12\x34"), false},                              // FHCRC (wrong)
      {gz.substr(0, 2) + '\x09' + gz.substr(3), false},                                     // a method other than deflate
  };
  WholeFile whole(8u << 20);
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(static_cast<unsigned char>(c.in[3])));
    std::string e1, e2;
    Decoder stream(std::make_unique<MemoryReader>(c.in), "h.gz");
    Decoder at_once(std::make_unique<MemoryReader>(c.in), "h.gz", &whole);
    const std::string o1 = drain(stream, &e1), o2 = drain(at_once, &e2);
    EXPECT_EQ(at_once.whole(), c.whole);
    EXPECT_TRUE(o1 == o2);
    EXPECT_EQ(e1, e2);
    if (c.whole) {
      EXPECT_TRUE(o2 == text);
      EXPECT_EQ(e2, "");
    }
  }
}

// Damaged gzip of every kind: the whole-file path gives the same bytes and the same error as
// the stream path, whichever path ends up decoding it.
TEST(Decoder, BothPathsAgreeOnDamagedInput) {
  std::mt19937 rng(7);
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "{\"eventName\":\"E" + std::to_string(rng() % 100000) + "\",\"n\":" + std::to_string(i) + "}\n";
  const std::string gz = test::gzip(text);
  WholeFile whole(4u << 20);
  int compared = 0, whole_taken = 0;
  for (int round = 0; round < 400; ++round) {
    std::string in = gz;
    switch (round % 5) {
      case 0: in.resize(rng() % in.size()); break;                                    // cut anywhere
      case 1: in[rng() % in.size()] ^= static_cast<char>(1 + rng() % 255); break;     // one byte changed
      case 2: in[in.size() - 1 - rng() % 8] ^= static_cast<char>(1 + rng() % 255); break;  // the trailer
      case 3: in += round % 2 ? std::string(rng() % 9, '\0') : test::gzip("tail"); break;  // padding, members
      case 4: in[3] |= 0x02; in.insert(10, "\x12\x34"); break;                        // a header CRC (wrong)
    }
    std::string e1, e2;
    Decoder a(std::make_unique<MemoryReader>(in), "d.gz");
    Decoder b(std::make_unique<MemoryReader>(in), "d.gz", &whole);
    std::string o1 = drain(a, &e1), o2 = drain(b, &e2);
    ASSERT_TRUE(o1 == o2) << "round " << round << ": " << o1.size() << " vs " << o2.size() << " bytes";
    ASSERT_EQ(e1, e2) << "round " << round;
    // Streamed in small reads or big ones: the same bytes before the same error (on corrupt
    // data the inflater decodes into a buffer of its own when the caller's has little room).
    for (std::size_t size : {61u, 65536u}) {
      std::string e3;
      Decoder c(std::make_unique<MemoryReader>(in), "d.gz");
      const std::string o3 = drain(c, &e3, size);
      ASSERT_TRUE(o3 == o1) << "round " << round << ", reads of " << size << ": " << o3.size() << " vs " << o1.size();
      ASSERT_EQ(e3, e1) << "round " << round << ", reads of " << size;
    }
    whole_taken += b.whole();
    ++compared;
  }
  EXPECT_EQ(compared, 400);
  EXPECT_GT(whole_taken, 0);  // empty padding, a changed header time: still whole
}

// A source of pseudo-random bytes handed out in reads of pseudo-random sizes, then an error
// (when `fail`), an exception (when `throws`), or the end. `reads` counts its read() calls.
class ChoppyReader : public Reader {
 public:
  ChoppyReader(std::size_t total, bool fail = false, bool throws = false) : total_(total), fail_(fail), throws_(throws) {}
  Result<std::size_t> read(char* buf, std::size_t n) override {
    ++reads;
    if (pos_ == total_) {
      if (throws_) throw std::runtime_error("no memory");
      if (fail_) return make_error(ErrorKind::Io, "src.gz", "offset " + std::to_string(pos_) + ": read failed: Input/output error");
      return std::size_t{0};
    }
    const std::size_t k = std::min({n, total_ - pos_, std::size_t{1} + rng_() % 70000});
    for (std::size_t i = 0; i < k; ++i) buf[i] = byte_at(pos_ + i);
    pos_ += k;
    return k;
  }
  static char byte_at(std::size_t i) { return static_cast<char>((i * 2654435761u) >> 13); }
  std::atomic<std::uint64_t> reads{0};

 private:
  std::size_t total_, pos_ = 0;
  bool fail_, throws_;
  std::minstd_rand rng_{42};
};

TEST(ReadAhead, HandsOverTheSourcesBytesInOrder) {
  const std::size_t total = 3u << 20;
  for (std::size_t chunk : {std::size_t{1}, std::size_t{4093}, std::size_t{1} << 20})
    for (std::size_t depth : {2, 3}) {
      ChoppyReader src(chunk == 1 ? 3000 : total);
      ReadAhead ahead(src, "src", chunk, depth);
      const std::string got = drain(ahead);
      ASSERT_EQ(got.size(), chunk == 1 ? 3000 : total) << chunk;
      for (std::size_t i = 0; i < got.size(); ++i)
        if (got[i] != ChoppyReader::byte_at(i)) FAIL() << "byte " << i << " with chunks of " << chunk;
      auto more = ahead.read(nullptr, 0);
      ASSERT_TRUE(more);
      EXPECT_EQ(*more, 0u);
    }
}

TEST(ReadAhead, TheSourcesErrorComesAfterEveryByteBeforeIt) {
  ChoppyReader src(1u << 20, /*fail=*/true);
  ReadAhead ahead(src, "src.gz", 64u << 10, 3);
  std::string error;
  const std::string got = drain(ahead, &error);
  EXPECT_EQ(got.size(), 1u << 20);
  EXPECT_EQ(error, "src.gz: offset 1048576: read failed: Input/output error");
  char c;
  auto after = ahead.read(&c, 1);  // the stream has ended
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, 0u);
}

TEST(ReadAhead, AnExceptionInTheSourceBecomesAnErrorNamingTheInput) {
  ChoppyReader src(5000, false, /*throws=*/true);
  ReadAhead ahead(src, "big.json.gz", 4096, 2);
  std::string error;
  EXPECT_EQ(drain(ahead, &error).size(), 5000u);
  EXPECT_EQ(error, "big.json.gz: read failed: no memory");
}

TEST(ReadAhead, DroppedEarlyItStopsReadingAndDoesNotHang) {
  ChoppyReader src(std::size_t{1} << 40);  // as good as endless
  std::uint64_t reads = 0;
  {
    ReadAhead ahead(src, "endless", 1u << 16, 3);
    char buf[100];
    auto k = ahead.read(buf, sizeof buf);
    ASSERT_TRUE(k);
    EXPECT_GT(*k, 0u);
  }  // joined here: the source is no longer read
  reads = src.reads;
  EXPECT_LT(reads, 64u);  // at most the chunks it could fill ahead
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(src.reads, reads);
}

TEST(Expand, DirectoriesAreWalkedSortedAndRecursively) {
  test::TempDir dir;
  fs::create_directories(dir / "b/sub");
  fs::create_directories(dir / "a");
  test::write_file(dir / "b/sub/z.json", "{}");
  test::write_file(dir / "b/y.json", "{}");
  test::write_file(dir / "a/x.json.gz", "{}");
  test::write_file(dir / "c.json", "{}");
  Diagnostics diag(Diagnostics::silent());
  auto srcs = expand({dir.path().string(), "-"}, Env::posix(), diag);
  std::vector<std::string> names;
  for (auto& s : srcs) names.push_back(fs::path(s.name).lexically_relative(dir.path()).string());
  names.back() = srcs.back().name;
  EXPECT_EQ(names, (std::vector<std::string>{"a/x.json.gz", "b/sub/z.json", "b/y.json", "c.json", "-"}));
  EXPECT_EQ(diag.error_count(), 0u);
  // A directory named with a trailing slash: its files are named with one slash, and opened.
  auto slash = expand({dir.path().string() + "/"}, Env::posix(), diag);
  ASSERT_EQ(slash.size(), 4u);
  EXPECT_EQ(slash[0].name, dir.path().string() + "/a/x.json.gz");
  EXPECT_EQ(slash[0].size_hint, 2u);
  auto opened = slash[3].open();
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(drain(**opened), "{}");
}

// Hidden entries met in a walk (.DS_Store, .git, rsync's temporary files) are not read, and one
// note says so; a hidden file or folder named as a path is read; watch's walks say nothing.
TEST(Expand, HiddenEntriesInAWalkAreNotedNotRead) {
  test::TempDir dir;
  fs::create_directories(dir / "trail/.git/objects");
  fs::create_directories(dir / "trail/2026");
  test::write_file(dir / "trail/.DS_Store", "x");
  test::write_file(dir / "trail/.git/objects/ab", "x");
  test::write_file(dir / "trail/2026/.a.json.gz.Xy12Zq", "{}");  // rsync, still writing
  test::write_file(dir / "trail/2026/a.json.gz", "{}");
  const std::string t = (dir / "trail").string();
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(names_of(expand({t}, Env::posix(), diag)), std::vector<std::string>{t + "/2026/a.json.gz"});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(t + "/.DS_Store: hidden, not read (nor 2 more hidden entries); name a hidden file or folder"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(diag.error_count(), 0u);
  lines.clear();
  EXPECT_EQ(names_of(expand({t + "/.git", t + "/.DS_Store"}, Env::posix(), diag)),
            (std::vector<std::string>{t + "/.git/objects/ab", t + "/.DS_Store"}));
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(names_of(expand({t}, Env::posix(), diag, nullptr, /*quiet_hidden=*/true)).size(), 1u);
  EXPECT_TRUE(lines.empty());
}

TEST(Expand, SymlinkLoopsAndMissingPathsCostOneLineEach) {
  test::TempDir dir;
  fs::create_directories(dir / "d/inner");
  test::write_file(dir / "d/inner/ok.json", "{}");
  fs::create_directory_symlink(dir / "d", dir / "d/inner/loop");  // d/inner/loop -> d
  fs::create_symlink(dir / "self", dir / "self");                 // self -> self
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  auto srcs = expand({(dir / "d").string(), (dir / "self").string(), (dir / "missing").string()}, Env::posix(), diag);
  ASSERT_EQ(srcs.size(), 1u);
  EXPECT_TRUE(srcs[0].name.ends_with("d/inner/ok.json"));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("loop"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("self"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("loop"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("missing"), std::string::npos) << lines[2];
}

// What a walk meets besides files and directories: a dangling symlink costs one line and the
// walk goes on; a symlink to a directory is walked; a FIFO inside a directory is no log and is
// passed over in silence, but one named on the command line is read; a directory that cannot
// be opened (when not running as root, which may open anything) costs one line.
TEST(Expand, OddEntriesCostOneLineEachAndTheWalkGoesOn) {
  test::TempDir dir;
  fs::create_directories(dir / "d/sub");
  test::write_file(dir / "d/a.json", "{}");
  test::write_file(dir / "d/sub/b.json", "{}");
  fs::create_symlink(dir / "d/nowhere", dir / "d/dangling");
  fs::create_directory_symlink(dir / "d/sub", dir / "d/link");
  ASSERT_EQ(::mkfifo((dir / "d/fifo").c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo((dir / "named-fifo").c_str(), 0600), 0);
  const bool root = ::geteuid() == 0;
  if (!root) {
    fs::create_directories(dir / "d/shut");
    fs::permissions(dir / "d/shut", fs::perms::none);
  }
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  auto srcs = expand({(dir / "d").string(), (dir / "named-fifo").string()}, Env::posix(), diag);
  if (!root) fs::permissions(dir / "d/shut", fs::perms::owner_all);
  std::vector<std::string> names;
  for (auto& s : srcs) names.push_back(fs::path(s.name).lexically_relative(dir.path()).string());
  EXPECT_EQ(names, (std::vector<std::string>{"d/a.json", "d/link/b.json", "d/sub/b.json", "named-fifo"}));
  ASSERT_EQ(lines.size(), root ? 1u : 2u);
  EXPECT_NE(lines[0].find("d/dangling"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("dangling symlink, skipped"), std::string::npos) << lines[0];
  if (!root) {
    EXPECT_NE(lines[1].find("d/shut"), std::string::npos) << lines[1];
    EXPECT_NE(lines[1].find("cannot read"), std::string::npos) << lines[1];
  }
  EXPECT_EQ(diag.error_count(), lines.size());
}

// Deeper than the walk keeps directories open (it reaches the rest by path): every level's
// file is found, in order, and a symlink back up from the bottom is a loop there too.
TEST(Expand, DeepTreesAreWalkedWhole) {
  test::TempDir dir;
  fs::path p = dir.path();
  std::vector<std::string> want;
  for (int level = 0; level < 100; ++level) {
    test::write_file(p / "f.json", "{}");
    want.push_back((p / "f.json").string());
    p /= "d";
    fs::create_directory(p);
  }
  fs::create_directory_symlink(dir / "d", p / "up");  // from the bottom to level 1
  test::write_file(p / "z.json", "{}");
  want.push_back((p / "z.json").string());
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  const std::vector<std::string> got = names_of(expand({dir.path().string()}, Env::posix(), diag));
  // in byte order "d" < "f.json": each level's subdirectory comes before its file
  std::vector<std::string> sorted_want(want.rbegin() + 1, want.rend());
  sorted_want.insert(sorted_want.begin(), want.back());
  EXPECT_EQ(got, sorted_want);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("symlink loop (directory contains itself)"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("/up"), std::string::npos) << lines[0];
}

TEST(TrailLayout, DirectoriesOutsideTheFilterAreRuledOut) {
  TrailFilter f;
  f.since_ms = parse_iso8601_ms("2026-11-20T06:00:00Z");
  f.until_ms = parse_iso8601_ms("2026-11-21T12:00:00Z");
  f.accounts = {"111122223333"};
  const std::string org = "/data/trail/AWSLogs/o-abc123/";
  for (const char* in : {"/data", "/data/trail/exports/2025/01/01", "/data/trail/AWSLogs", "/data/trail/AWSLogs/o-abc123",
                         "AWSLogs/111122223333/CloudTrail/us-east-1/2026", "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/20"})
    EXPECT_TRUE(trail_dir_wanted(in, f)) << in;
  EXPECT_TRUE(trail_dir_wanted(org + "111122223333/CloudTrail/us-east-1/2026/11", f));
  EXPECT_TRUE(trail_dir_wanted(org + "111122223333/CloudTrail/us-east-1/2026/11/20/", f));
  // the day after `until` holds files delivered just after midnight: kept; the day before `since` is not
  EXPECT_TRUE(trail_dir_wanted(org + "111122223333/CloudTrail/us-east-1/2026/11/22", f));
  for (const std::string& out : {org + "444455556666", org + "111122223333/CloudTrail-Digest",
                                 org + "111122223333/CloudTrail/us-east-1/2025",
                                 org + "111122223333/CloudTrail/us-east-1/2026/10",
                                 org + "111122223333/CloudTrail/us-east-1/2026/11/19",
                                 org + "111122223333/CloudTrail/us-east-1/2026/11/23",
                                 org + "111122223333/CloudTrail/us-east-1/2026/11/xx"})
    EXPECT_FALSE(trail_dir_wanted(out, f)) << out;
  f.regions = {"eu-west-1"};
  EXPECT_FALSE(trail_dir_wanted(org + "111122223333/CloudTrail/us-east-1", f));
  EXPECT_TRUE(trail_dir_wanted(org + "111122223333/CloudTrail/eu-west-1", f));
  EXPECT_TRUE(trail_dir_wanted(org + "111122223333/CloudTrail/us-east-1/2026/11/20", TrailFilter{}));
}

// A copy of a trail bucket walked with a filter: the days, accounts and services it rules
// out are not walked (nor read, nor named); paths given, and what lies outside the layout,
// are walked whatever they are.
TEST(Expand, ACopyOfATrailBucketIsWalkedOnlyWhereTheFilterLooks) {
  test::TempDir dir;
  const fs::path base = dir / "AWSLogs/o-abc123";
  for (const char* d : {"111122223333/CloudTrail/us-east-1/2026/11/19", "111122223333/CloudTrail/us-east-1/2026/11/20",
                        "111122223333/CloudTrail/us-east-1/2026/11/21", "111122223333/CloudTrail/us-east-1/2026/11/25",
                        "111122223333/CloudTrail-Digest/us-east-1/2026/11/20", "444455556666/CloudTrail/us-east-1/2026/11/20"}) {
    fs::create_directories(base / d);
    test::write_file(base / d / "f.json.gz", "x");
  }
  fs::create_directories(dir / "exports");
  test::write_file(dir / "exports/athena.jsonl", "x");
  TrailFilter f;
  f.since_ms = parse_iso8601_ms("2026-11-20T00:00:00Z");
  f.until_ms = parse_iso8601_ms("2026-11-20T23:00:00Z");
  f.accounts = {"111122223333"};
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  const std::string b = base.string() + "/111122223333/CloudTrail/us-east-1/2026/11/";
  EXPECT_EQ(names_of(expand({dir.path().string()}, Env::posix(), diag, &f)),
            (std::vector<std::string>{b + "20/f.json.gz", b + "21/f.json.gz", (dir / "exports/athena.jsonl").string()}));
  EXPECT_EQ(names_of(expand({b + "19", b + "25/f.json.gz"}, Env::posix(), diag, &f)),
            (std::vector<std::string>{b + "19/f.json.gz", b + "25/f.json.gz"}));
  EXPECT_EQ(expand({dir.path().string()}, Env::posix(), diag, nullptr).size(), 7u);
  EXPECT_EQ(expand({dir.path().string()}, Env::posix(), diag, std::make_unique<TrailFilter>().get()).size(), 7u);
  EXPECT_TRUE(lines.empty()) << lines[0];
}

// Every source of `stream`, taken `batch` at a time.
std::vector<Source> drain_stream(SourceStream& stream, std::size_t batch) {
  std::vector<Source> out;
  while (stream.next(out, batch) == batch) {
  }
  return out;
}

TEST(Walk, GivesTheSourcesOfExpandAndItsLinesComeAfterWorkDoneMeanwhile) {
  test::TempDir dir;
  fs::create_directories(dir / "d/inner");
  test::write_file(dir / "d/inner/ok.json", "{}");
  test::write_file(dir / "d/a.json", "{\"Records\":[]}");
  test::write_file(dir / "d/.hidden", "{}");
  fs::create_directory_symlink(dir / "d", dir / "d/inner/loop");
  const std::vector<std::string> paths{(dir / "d").string(), (dir / "missing").string()};

  std::vector<std::pair<Diagnostics::Level, std::string>> plain_lines, walk_lines;
  Diagnostics plain([&](Diagnostics::Level l, const std::string& s) { plain_lines.emplace_back(l, s); });
  plain.warning("rules", "before the walk");
  auto want = expand(paths, Env::posix(), plain);

  Diagnostics diag([&](Diagnostics::Level l, const std::string& s) { walk_lines.emplace_back(l, s); });
  Walk walk(paths, Env::posix(), diag);
  // the walk runs meanwhile, but none of its lines may come before this one
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  diag.warning("rules", "before the walk");
  walk.release();
  auto got = drain_stream(walk, 1);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].size_hint, want[i].size_hint);
  }
  ASSERT_EQ(got.size(), 2u);
  auto opened = got[0].open();
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(drain(**opened), "{\"Records\":[]}");
  EXPECT_EQ(walk_lines, plain_lines);
  ASSERT_EQ(walk_lines.size(), 4u);  // the warning, the loop, the missing path, the hidden note
  EXPECT_EQ(diag.error_count(), 2u);
  EXPECT_EQ(diag.warning_count(), 1u);
  EXPECT_EQ(diag.lines(), plain.lines());
}

TEST(Walk, HandsOutABigTreeInOrderHoldingNoMoreThanItsCapacity) {
  test::TempDir dir;
  std::vector<std::string> names;
  for (int d = 0; d < 7; ++d) {
    for (int f = 0; f < 9; ++f) {
      const std::string name = (dir / ("d" + std::to_string(d)) / ("f" + std::to_string(f) + ".json")).string();
      fs::create_directories(fs::path(name).parent_path());
      test::write_file(name, std::string(static_cast<std::size_t>(f + 1), 'x'));
      names.push_back(name);
    }
  }
  Diagnostics diag(Diagnostics::silent());
  const auto want = names_of(expand({dir.path().string()}, Env::posix(), diag));
  ASSERT_EQ(want, names);
  for (std::size_t capacity : {1u, 4u, 100u}) {
    for (std::size_t batch : {1u, 5u, 63u, 64u, 1000u}) {
      Walk walk({dir.path().string()}, Env::posix(), diag, nullptr, capacity);
      std::vector<Source> got;
      std::size_t pulls = 0, n = 0;
      do {
        n = walk.next(got, batch);
        ++pulls;
        // fewer than asked only at the end
        if (n < batch) {
          EXPECT_EQ(got.size(), want.size()) << capacity << " " << batch;
        }
      } while (n == batch);
      EXPECT_EQ(names_of(got), want) << capacity << " " << batch;
      EXPECT_EQ(pulls, want.size() / batch + 1) << capacity << " " << batch;
      EXPECT_EQ(walk.next(got, batch), 0u);  // and it stays ended
    }
  }
  EXPECT_EQ(diag.error_count(), 0u);
}

TEST(Walk, LeftBeforeItsEndStopsAndItsLinesAreNotLost) {
  test::TempDir dir;
  for (int f = 0; f < 50; ++f) test::write_file(dir / ("f" + std::to_string(f) + ".json"), "{}");
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& s) { lines.push_back(s); });
  {
    Walk walk({(dir / "missing").string(), dir.path().string()}, Env::posix(), diag, nullptr, 2);
    std::vector<Source> got;
    EXPECT_EQ(walk.next(got, 3), 3u);
  }  // the walk waits on a full queue: it must stop, not hang
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("missing"), std::string::npos) << lines[0];
  {
    Walk never({(dir / "missing").string()}, Env::posix(), diag);
  }  // never taken from: its line still reaches diag
  EXPECT_EQ(lines.size(), 2u);
}

TEST(SourceStreams, AListAndAChainHandOutTheirSourcesInOrder) {
  auto named = [](std::vector<std::string> names) {
    std::vector<Source> out;
    for (auto& n : names) out.push_back(Source{n, 0, {}});
    return out;
  };
  ChainStream chain;
  chain.add(std::make_unique<ListStream>(named({"a", "b", "c"})));
  chain.add(std::make_unique<ListStream>(named({})));
  chain.add(std::make_unique<ListStream>(named({"d", "e"})));
  std::vector<Source> got;
  EXPECT_EQ(chain.next(got, 2), 2u);
  EXPECT_EQ(chain.next(got, 2), 2u);  // across the empty one
  EXPECT_EQ(chain.next(got, 2), 1u);
  EXPECT_EQ(chain.next(got, 2), 0u);
  EXPECT_EQ(names_of(got), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(Env, FaultsAreInjectedThroughTheSeam) {
  test::TempDir dir;
  test::write_file(dir / "a.json", std::string(5000, 'x'));
  test::write_file(dir / "secret.json", "{}");
  FaultyEnv env;
  env.deny = "secret.json";
  env.eio = "a.json";
  env.eio_at = 1234;
  Diagnostics diag(Diagnostics::silent());
  auto srcs = expand({dir.path().string()}, env, diag);
  ASSERT_EQ(srcs.size(), 2u);
  auto a = srcs[0].open();
  ASSERT_TRUE(a.ok());
  std::string err;
  EXPECT_EQ(drain(**a, &err).size(), 1234u);
  EXPECT_NE(err.find("a.json: offset 1234: read failed"), std::string::npos) << err;
  auto s = srcs[1].open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Denied);
}

}  // namespace
}  // namespace rg::io

namespace rg::io {
namespace {

// A small file read whole; each way it can fail names the path and why, never "".
TEST(WholeFile, ReadsAFileAndTellsADirectoryOrAMissingFile) {
  test::TempDir dir;
  std::string big(200000, 'x');
  big[123456] = '\n';
  test::write_file(dir / "a.yaml", big);
  auto a = read_whole_file(dir / "a.yaml");
  ASSERT_TRUE(a.ok()) << a.error().str();
  EXPECT_EQ(*a, big);
  test::write_file(dir / "empty", "");
  EXPECT_EQ(*read_whole_file(dir / "empty"), "");
  auto d = read_whole_file(dir.path());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().str(), dir.path().string() + ": is a directory, not a file");
  auto m = read_whole_file(dir / "missing");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().str(), (dir / "missing").string() + ": No such file or directory");
}

}  // namespace
}  // namespace rg::io
