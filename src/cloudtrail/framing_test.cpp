#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <random>

#include "cloudtrail/framing.h"
#include "core/cpu.h"
#include "core/strings.h"
#include "test_util.h"

namespace rg::cloudtrail {
namespace {

// Hands out the bytes a few at a time (chunk boundaries fall everywhere), then `end` if set.
class TrickleReader : public io::Reader {
 public:
  TrickleReader(std::string_view s, std::size_t step, std::optional<Error> end = std::nullopt)
      : s_(s), step_(step), end_(std::move(end)) {}
  Result<std::size_t> read(char* buf, std::size_t n) override {
    std::size_t k = std::min({n, step_, s_.size() - pos_});
    if (k == 0 && end_) return *std::exchange(end_, std::nullopt);
    std::memcpy(buf, s_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string_view s_;
  std::size_t step_, pos_ = 0;
  std::optional<Error> end_;
};

// The owner of bytes framed in place: checks that it hears of them in order and all before
// the end, and ends them with `end` if set.
class WatchingSource : public io::InPlaceSource {
 public:
  WatchingSource(std::size_t len, std::optional<Error> end) : len_(len), end_(std::move(end)) {}
  void used(std::size_t n) override {
    EXPECT_GE(n, used_);
    EXPECT_LE(n, len_);
    EXPECT_EQ(reads, 0);
    used_ = n;
    ++calls;
  }
  Result<std::size_t> read(char*, std::size_t) override {
    EXPECT_EQ(used_, len_) << "the end read before every byte was used";
    ++reads;
    if (end_) return *std::exchange(end_, std::nullopt);
    return std::size_t{0};
  }
  int calls = 0, reads = 0;

 private:
  std::size_t len_, used_ = 0;
  std::optional<Error> end_;
};

// Produces `prefix`, then `n` copies of `fill`, then `suffix`, without holding them.
class GeneratedReader : public io::Reader {
 public:
  GeneratedReader(std::string prefix, char fill, std::uint64_t n, std::string suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)), fill_(fill), n_(n) {}
  Result<std::size_t> read(char* buf, std::size_t n) override {
    std::uint64_t total = prefix_.size() + n_ + suffix_.size();
    std::size_t k = 0;
    while (k < n && pos_ < total) {
      if (pos_ < prefix_.size()) {
        buf[k++] = prefix_[pos_++];
      } else if (pos_ < prefix_.size() + n_) {
        std::size_t run = static_cast<std::size_t>(std::min<std::uint64_t>(n - k, prefix_.size() + n_ - pos_));
        std::memset(buf + k, fill_, run);
        k += run;
        pos_ += run;
      } else {
        buf[k++] = suffix_[pos_++ - prefix_.size() - n_];
      }
    }
    return k;
  }

 private:
  std::string prefix_, suffix_;
  char fill_;
  std::uint64_t n_, pos_ = 0;
};

struct Framed {
  std::vector<std::string> records;
  std::vector<RawRecord> meta;
  std::vector<std::string> lines;
  FramerStats stats;
};

constexpr std::size_t kInPlace = 0;  // a step meaning: all of it in memory, framed where it lies
constexpr std::size_t kInPlaceWatched = SIZE_MAX;  // the same, a piece at a time, told to its source

Framed frame(std::string_view input, std::size_t step = 1u << 20, FramerOptions opts = {},
             std::optional<Error> end = std::nullopt) {
  Framed f;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { f.lines.push_back(l); });
  Framer fr("in.json", diag, opts);
  auto on_record = [&](const RawRecord& rec) {
    f.records.emplace_back(rec.bytes);
    f.meta.push_back(rec);
    return true;
  };
  std::string held;
  if (step == kInPlace || step == kInPlaceWatched) {
    held.assign(input);
    held.resize(input.size() + kInPlaceTail, 'x');  // the lent tail, junk in it
    if (step == kInPlace) {
      fr.run_in_place(held.data(), input.size(), on_record);
    } else {
      WatchingSource src(input.size(), end);
      fr.run_in_place(held.data(), input.size(), on_record, &src);
      EXPECT_LE(src.reads, 1);  // once at the end, unless the rest was skipped (after an error line)
      if (src.reads == 0) {
        EXPECT_TRUE(fr.stats().stopped || !f.lines.empty());
      }
      EXPECT_GE(src.calls, static_cast<int>(input.size() / opts.chunk_bytes));
    }
  } else {
    TrickleReader r(input, step, end);
    fr.run(r, on_record);
  }
  f.stats = fr.stats();
  return f;
}

TEST(Framer, S3DeliveryRecordsAreTheElementsOfRecords) {
  std::string in = R"({"Records":[{"eventName":"A","x":{"y":[1,2]}},{"eventName":"B"}]})";
  auto f = frame(in);
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.records[0], R"({"eventName":"A","x":{"y":[1,2]}})");
  EXPECT_EQ(f.records[1], R"({"eventName":"B"})");
  EXPECT_EQ(f.meta[0].container, Container::RecordsArray);
  EXPECT_EQ(f.meta[0].offset, 12u);
  EXPECT_TRUE(f.lines.empty());
}

TEST(Framer, ShapesFromStructure) {
  auto arr = frame("[ {\"a\":1} ,\n {\"b\":2} ]");
  ASSERT_EQ(arr.records.size(), 2u);
  EXPECT_EQ(arr.meta[1].container, Container::TopArray);

  auto lines = frame("{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}\n");
  ASSERT_EQ(lines.records.size(), 3u);
  EXPECT_TRUE(lines.stats.json_lines);
  EXPECT_EQ(lines.meta[2].line, 4u);
  EXPECT_EQ(lines.meta[0].container, Container::TopValue);

  auto single = frame("{\n  \"eventName\": \"X\",\n  \"Records\": 5\n}\n");
  ASSERT_EQ(single.records.size(), 1u);
  EXPECT_FALSE(single.stats.json_lines);

  auto lookup = frame(R"({"Events": [{"EventId":"1","CloudTrailEvent":"{\"a\":{}}"}], "NextToken": "x"})");
  ASSERT_EQ(lookup.records.size(), 1u);
  EXPECT_EQ(lookup.meta[0].container, Container::EventsArray);

  for (const char* cwl : {R"({"events": [{"message":"{}"},{"message":"x"}], "nextForwardToken": "f/1"})",
                          R"({"logEvents":[{"id":"1","message":"{}"},{"id":"2","message":"x"}],"owner":"1"})"}) {
    auto logs = frame(cwl);
    ASSERT_EQ(logs.records.size(), 2u) << cwl;
    EXPECT_EQ(logs.meta[1].container, Container::LogEventsArray);
  }

  // "Records" that is not a wrapper key at depth 1 is just a field of an event
  auto nested = frame(R"({"eventName":"X","requestParameters":{"Records":[{"a":1}]}})");
  ASSERT_EQ(nested.records.size(), 1u);
  EXPECT_EQ(nested.meta[0].container, Container::TopValue);
}

TEST(Framer, StringsWithBracesQuotesAndBackslashesDoNotConfuseIt) {
  // Random strings full of JSON's special characters, escaped properly, cut at every chunk size.
  std::mt19937 rng(7);
  const char alphabet[] = "{}[]\"\\,:ab \n";
  std::vector<std::string> want;
  std::string in = "{\"Records\":[";
  for (int i = 0; i < 300; ++i) {
    std::string v;
    int len = static_cast<int>(rng() % 90);
    for (int k = 0; k < len; ++k) v.push_back(alphabet[rng() % (sizeof alphabet - 1)]);
    std::string rec = "{\"k\":\"" + json_escape(v) + "\",\"n\":[{\"" + json_escape(v) + "\":{}}]}";
    want.push_back(rec);
    in += (i ? "," : "") + rec;
  }
  in += "]}";
  for (std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{63}, std::size_t{64}, std::size_t{65},
                           std::size_t{4099}, std::size_t{1} << 20}) {
    auto f = frame(in, step);
    EXPECT_EQ(f.records, want) << "step " << step;
    EXPECT_TRUE(f.lines.empty()) << f.lines[0];
  }
}

TEST(Framer, NonObjectInRecordsIsOneErrorAndTheRestIsKept) {
  auto f = frame(R"({"Records":[{"a":1}, 42, "str{", [1,{"x":2}], {"b":2}]})");
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.records[1], R"({"b":2})");
  ASSERT_EQ(f.lines.size(), 1u);  // one line for the run of non-objects
  EXPECT_NE(f.lines[0].find("in.json"), std::string::npos);
  EXPECT_NE(f.lines[0].find("offset 21"), std::string::npos) << f.lines[0];
  EXPECT_NE(f.lines[0].find("JSON object"), std::string::npos);
}

TEST(Framer, DeepNestingIsRefusedWithoutRecursion) {
  std::string deep = "{\"Records\":[{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "},{\"b\":1}]}";
  auto f = frame(deep);
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(f.records[0], "{\"b\":1}");
  ASSERT_EQ(f.lines.size(), 1u);
  EXPECT_NE(f.lines[0].find("nesting deeper than 512"), std::string::npos) << f.lines[0];

  auto top = frame(std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_EQ(top.records.size(), 0u);
  EXPECT_LE(top.lines.size(), 2u);
}

// Records short enough to open and close inside one or two blocks, at every alignment: a
// record exactly as deep as the limit is kept, one level deeper is refused, wherever in a
// block the limit is crossed and however soon the nesting unwinds after it.
TEST(Framer, DepthLimitHoldsExactlyAtEveryAlignment) {
  FramerOptions o;
  o.max_depth = 12;  // the wrapper and its array take 2, the record's '{' the third
  for (std::size_t pad = 0; pad < 70; ++pad) {
    for (int extra : {0, 1}) {
      const int k = 9 + extra;  // '[' levels inside the record: 3 + 9 = 12 is the limit
      const std::string deep = "{\"a\":" + std::string(k, '[') + std::string(k, ']') + "}";
      const std::string in =
          "{\"Records\":[{\"p\":\"" + std::string(pad, 'x') + "\"}," + deep + ",{\"b\":1}]}";
      for (std::size_t step : {kInPlace, std::size_t{7}}) {
        auto f = frame(in, step, o);
        SCOPED_TRACE("pad " + std::to_string(pad) + " extra " + std::to_string(extra) + " step " +
                     std::to_string(step));
        if (extra == 0) {
          ASSERT_EQ(f.records.size(), 3u);
          EXPECT_EQ(f.records[1], deep);
          EXPECT_TRUE(f.lines.empty());
        } else {
          ASSERT_EQ(f.records.size(), 2u);
          EXPECT_EQ(f.records[1], "{\"b\":1}");
          ASSERT_EQ(f.lines.size(), 1u);
          EXPECT_NE(f.lines[0].find("nesting deeper than 12"), std::string::npos) << f.lines[0];
        }
      }
    }
  }
}

TEST(Framer, OversizedRecordIsSkippedWithoutBufferingIt) {
  FramerOptions o;
  o.max_record_bytes = 1u << 20;
  Diagnostics diag(Diagnostics::silent());
  std::vector<std::string> lines;
  Diagnostics d2([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  Framer fr("big.json", d2, o);
  // 40 MiB in one string field, then a normal record
  GeneratedReader r("{\"Records\":[{\"eventName\":\"Huge\",\"pad\":\"", 'a', 40u << 20, "\"},{\"eventName\":\"Small\"}]}");
  std::vector<std::string> got;
  fr.run(r, [&](const RawRecord& rec) {
    got.emplace_back(rec.bytes);
    return true;
  });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "{\"eventName\":\"Small\"}");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("larger than 1 MiB"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("offset 12"), std::string::npos) << lines[0];
}

TEST(Framer, GarbageEmptyAndTruncatedInputs) {
  std::string bin;
  for (int i = 0; i < 5000; ++i) bin.push_back(static_cast<char>((i * 7919) % 251));
  bin[0] = '\x7f';
  auto g = frame(bin);
  EXPECT_EQ(g.records.size(), 0u);
  ASSERT_EQ(g.lines.size(), 1u);
  EXPECT_NE(g.lines[0].find("not JSON"), std::string::npos) << g.lines[0];

  auto e = frame("");
  ASSERT_EQ(e.lines.size(), 1u);
  EXPECT_NE(e.lines[0].find("empty"), std::string::npos);
  EXPECT_EQ(frame("  \n ").lines.size(), 1u);

  auto t = frame(R"({"Records":[{"a":1},{"b":)");
  EXPECT_EQ(t.records.size(), 1u);
  ASSERT_EQ(t.lines.size(), 1u);
  EXPECT_NE(t.lines[0].find("offset 20"), std::string::npos) << t.lines[0];
  EXPECT_NE(t.lines[0].find("truncated"), std::string::npos) << t.lines[0];
}

// Windows tools write a UTF-8 byte order mark before the JSON: it is passed over in every shape
// and however the bytes come in, and records' offsets still count it. Only a whole mark at the
// very start is one. UTF-16 text is named in its one line.
TEST(Framer, AByteOrderMarkIsPassedOverAndUtf16IsNamed) {
  const std::string bom = "\xEF\xBB\xBF";
  for (const std::string& in : {std::string(R"({"Records":[{"a":1},{"b":2}]})"), std::string("[{\"a\":1},\n{\"b\":2}]"),
                                std::string("{\"a\":1}\n{\"b\":2}\n"), std::string("\n{\n  \"eventName\": \"X\"\n}\n")}) {
    SCOPED_TRACE(in);
    const Framed plain = frame(in);
    for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{1} << 20, kInPlace, kInPlaceWatched}) {
      SCOPED_TRACE(step);
      const Framed f = frame(bom + in, step);
      EXPECT_EQ(f.records, plain.records);
      EXPECT_TRUE(f.lines.empty()) << f.lines[0];
      ASSERT_EQ(f.meta.size(), plain.meta.size());
      for (std::size_t i = 0; i < f.meta.size(); ++i) {
        EXPECT_EQ(f.meta[i].offset, plain.meta[i].offset + 3);
        EXPECT_EQ(f.meta[i].line, plain.meta[i].line);
      }
      EXPECT_EQ(f.stats.json_lines, plain.stats.json_lines);
    }
  }
  const Framed mid = frame("{\"a\":1}\n{\"b\":2}\n" + bom + "{\"c\":3}\n{\"d\":4}\n");
  EXPECT_EQ(mid.records, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"d\":4}"}));
  ASSERT_EQ(mid.lines.size(), 1u);
  EXPECT_NE(mid.lines[0].find("line 3"), std::string::npos) << mid.lines[0];
  for (const std::string& broken : {std::string("\xEF\xBB{\"a\":1}"), " " + bom + "{\"a\":1}"}) {
    const Framed f = frame(broken);
    EXPECT_TRUE(f.records.empty());
    ASSERT_EQ(f.lines.size(), 1u);
    EXPECT_NE(f.lines[0].find("not JSON"), std::string::npos) << f.lines[0];
  }
  for (const std::string& u16 : {std::string("\xFF\xFE{\0\"\0a\0\"\0:\0\x31\0}\0", 16),
                                 std::string("\xFE\xFF\0{\0\"\0a\0\"\0:\0\x31\0}", 16)}) {
    for (std::size_t step : {std::size_t{1}, std::size_t{1} << 20, kInPlace}) {
      const Framed f = frame(u16, step);
      EXPECT_TRUE(f.records.empty());
      ASSERT_EQ(f.lines.size(), 1u);
      EXPECT_EQ(f.lines[0], "in.json: offset 0: UTF-16 text, not UTF-8 JSON (convert it, e.g. with iconv -f UTF-16 -t "
                            "UTF-8), file skipped");
    }
  }
}

TEST(Framer, JsonLinesResynchroniseAfterABrokenLine) {
  std::string in = "{\"a\":1}\n{\"b\":2}\n{\"broken\":\"x\n{\"c\":3}\nnot json\n{\"d\":4}\n";
  auto f = frame(in, 5);
  EXPECT_EQ(f.records, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}", "{\"d\":4}"}));
  ASSERT_EQ(f.lines.size(), 2u);
  EXPECT_NE(f.lines[0].find("line 3"), std::string::npos) << f.lines[0];
  EXPECT_NE(f.lines[1].find("line 5"), std::string::npos) << f.lines[1];
  EXPECT_EQ(f.meta[3].line, 6u);
}

// The same with lines long enough that their newlines fall in blocks the framer takes in its
// fast path: a record must still end on its line, and later lines keep their numbers.
TEST(Framer, LongJsonLinesResynchroniseAfterABrokenLine) {
  const std::string pad(300, 'p');
  const std::string a = "{\"a\":\"" + pad + "\"}", b = "{\"b\":\"" + pad + "\"}", c = "{\"c\":\"" + pad + "\"}",
                    d = "{\"d\":\"" + pad + "\"}", g = "{\"g\":\"" + pad + "\"}";
  const std::string in = a + "\n" + b + "\n{\"broken\":\"" + pad + "\n" + c + "\nnot json\n" + d + "\n{\"e\":\"" + pad +
                         "\",\n\"f\":1}\n" + g + "\n";
  for (std::size_t step : {kInPlace, std::size_t{1} << 20, std::size_t{5}, std::size_t{100}}) {
    SCOPED_TRACE("step " + std::to_string(step));
    auto f = frame(in, step);
    EXPECT_EQ(f.records, (std::vector<std::string>{a, b, c, d, g}));
    ASSERT_EQ(f.lines.size(), 4u);
    EXPECT_NE(f.lines[0].find("line 3"), std::string::npos) << f.lines[0];
    EXPECT_NE(f.lines[1].find("line 5"), std::string::npos) << f.lines[1];
    EXPECT_NE(f.lines[2].find("line 7"), std::string::npos) << f.lines[2];
    EXPECT_NE(f.lines[3].find("line 8"), std::string::npos) << f.lines[3];
    ASSERT_EQ(f.meta.size(), 5u);
    EXPECT_EQ(f.meta[3].line, 6u);
    EXPECT_EQ(f.meta[4].line, 9u);
  }
}

// Error lines are capped per file, not the file: past 20, errors are counted and told in one
// line at the end, and the records after them are still framed (nothing is lost), in every
// shape and however the bytes come in.
TEST(Framer, ErrorLinesAreCappedAndTheFileIsStillFramed) {
  std::string records = "{\"Records\":[";
  std::string lines = "{\"a\":0}\n{\"a\":0}\n";
  for (int i = 0; i < 100; ++i) {
    records += "[1],{\"n\":" + std::to_string(i) + "},";
    lines += "{\"broken\":\n{\"n\":" + std::to_string(i) + "}\n";
  }
  records += "{}]}";
  for (const std::string& in : {records, lines}) {
    for (std::size_t step : {std::size_t{7}, std::size_t{1} << 20, kInPlace}) {
      SCOPED_TRACE(step);
      auto f = frame(in, step);
      ASSERT_EQ(f.lines.size(), 21u);  // 20 errors and the line that counts the others
      EXPECT_EQ(f.lines.back(), "in.json: 80 more errors in this file, not shown (the first 20 are above); the rest of it was scanned");
      EXPECT_EQ(f.stats.errors, 100u);
      EXPECT_EQ(f.records.size(), in == records ? 101u : 102u);
      EXPECT_EQ(f.records[in == records ? 99 : 101], "{\"n\":99}");
    }
  }
}

}  // namespace
}  // namespace rg::cloudtrail

namespace rg::cloudtrail {
namespace {
// Found by fuzzing: a JSON array whose element breaks quote parity (`"userIdentity":a":1}`)
// followed by more lines; every record handed out must still be a '{'..'}' slice.
TEST(Framer, BrokenQuoteParityInAnArrayNeverYieldsANonObject) {
  std::string in = rg::test::read_file(rg::test::source_dir() / "fuzz/corpus/framing_fuzz/regress-record-not-object");
  for (std::size_t step : {std::size_t{1} << 20, std::size_t{1}, std::size_t{7}}) {
    Framed f = frame(in, step);
    for (std::size_t i = 0; i < f.records.size(); ++i) {
      const std::string& r = f.records[i];
      ASSERT_FALSE(r.empty());
      EXPECT_EQ(r.front(), '{') << "record " << i << " at " << f.meta[i].offset << ": [" << r << "]";
      EXPECT_EQ(r.back(), '}') << "record " << i << " at " << f.meta[i].offset << ": [" << r << "]";
    }
    EXPECT_EQ(f.records.size(), 1u);  // only the first element is whole
    bool reported = false;
    for (const auto& l : f.lines) reported |= l.find("in.json: offset 84: invalid JSON (brackets do not match), record skipped") != std::string::npos;
    std::string all;
    for (const auto& l : f.lines) all += l + "\n";
    EXPECT_TRUE(reported) << all;
  }
}
}  // namespace
}  // namespace rg::cloudtrail

namespace rg::cloudtrail {
namespace {
// Found by fuzzing: broken JSON lines must give the same error lines however the input is cut
// into reads.
TEST(Framer, BrokenJsonLinesSameErrorsWhateverTheReadSize) {
  for (const char* name : {"regress-lines-by-chunking", "regress-lines-by-chunking-2"}) {
  SCOPED_TRACE(name);
  std::string in = rg::test::read_file(rg::test::source_dir() / "fuzz/corpus/framing_fuzz" / name);
  Framed whole = frame(in);
  std::string expect;
  for (const auto& l : whole.lines) expect += l + "\n";
  for (std::size_t step : {std::size_t{1}, std::size_t{27}, std::size_t{64}, kInPlace}) {
    Framed cut = frame(in, step);
    std::string got;
    for (const auto& l : cut.lines) got += l + "\n";
    EXPECT_EQ(got, expect) << "read size " << step;
    EXPECT_EQ(cut.records, whole.records) << "read size " << step;
  }
  }
}

// Bytes already in memory (a gzip file inflated whole) are framed where they lie: the same
// records, offsets, lines and errors as reading them, whatever the shape or the damage.
TEST(Framer, InPlaceFramesWhatReadingFrames) {
  const std::string ev = R"({"eventName":"A","userIdentity":{"type":"Root"},"s":"}\"{[","n":[1,{"x":2}]})";
  std::vector<std::string> inputs{
      "{\"Records\":[" + ev + "," + ev + "]}",
      "[" + ev + "," + ev + "]",
      ev + "\n" + ev + "\n" + ev,
      ev + "\n{\"broken\":tru}\n" + ev + "\n",
      "{\"Events\":[{\"CloudTrailEvent\":\"{}\"}]}",
      "{\"Records\":[1," + ev + ",\"x\"]}",
      "{\"Records\":[" + ev + "," + ev.substr(0, 30),
      "{\"Records\":[" + std::string(600, '[') + "]}",
      "",
      "   \n",
      "\x89PNG garbage",
  };
  std::string big = "{\"Records\":[";
  for (int i = 0; i < 3000; ++i) big += (i ? "," : "") + ev;
  inputs.push_back(big + "]}");
  FramerOptions small;
  small.chunk_bytes = 4096;  // pieces end inside records, strings and escapes
  const Error eio = make_error(ErrorKind::Io, "in.json", "read failed: Input/output error");
  for (const std::string& in : inputs) {
    SCOPED_TRACE(in.substr(0, 60));
    const Framed plain = frame(in), failed = frame(in, 1u << 20, small, eio);
    for (int way = 0; way < 4; ++way) {
      SCOPED_TRACE(way);
      // in place; in place a piece at a time, in big pieces, in small ones, and ending in an
      // error (compared with reading that ends in the same error)
      const Framed& read = way == 3 ? failed : plain;
      Framed here = way == 0   ? frame(in, kInPlace)
                    : way == 3 ? frame(in, kInPlaceWatched, small, eio)
                               : frame(in, kInPlaceWatched, way == 1 ? FramerOptions{} : small);
      EXPECT_EQ(here.records, read.records);
      EXPECT_EQ(here.lines, read.lines);
      ASSERT_EQ(here.meta.size(), read.meta.size());
      for (std::size_t i = 0; i < read.meta.size(); ++i) {
        EXPECT_EQ(here.meta[i].offset, read.meta[i].offset);
        EXPECT_EQ(here.meta[i].line, read.meta[i].line);
      }
      EXPECT_EQ(here.stats.records, read.stats.records);
      EXPECT_EQ(here.stats.errors, read.stats.errors);
      EXPECT_EQ(here.stats.bytes, read.stats.bytes);
      EXPECT_EQ(here.stats.json_lines, read.stats.json_lines);
      EXPECT_EQ(here.stats.read_failed, way == 3);
    }
  }
}

// An error from the source at the end (a whole gzip file whose CRC32 does not match): the
// records before it stand, the error is one line, and a record cut off by the end is not
// reported as truncated on top of it, just as when reading ends in that error.
TEST(Framer, InPlaceSourceErrorEndsTheInputLikeAReadError) {
  const std::string ev = R"({"eventName":"A"})";
  const Error bad = make_error(ErrorKind::Corrupt, "in.json.gz", "gzip CRC mismatch: data is corrupt (compressed offset 40, decompressed offset 0)");
  for (const std::string& in : {"{\"Records\":[" + ev + "," + ev + "]}", "{\"Records\":[" + ev + "," + ev.substr(0, 9)}) {
    Framed here = frame(in, kInPlaceWatched, {}, bad);
    EXPECT_EQ(here.records.size(), in.ends_with("]}") ? 2u : 1u);
    ASSERT_EQ(here.lines.size(), 1u);
    EXPECT_NE(here.lines[0].find("in.json.gz: gzip CRC mismatch: data is corrupt (compressed offset 40"), std::string::npos) << here.lines[0];
    EXPECT_NE(here.lines[0].find("CRC mismatch"), std::string::npos) << here.lines[0];
    EXPECT_EQ(here.stats.errors, 1u);
    Framed clean = frame(in, kInPlaceWatched);
    EXPECT_EQ(clean.records, here.records);
    EXPECT_EQ(clean.lines.size(), in.ends_with("]}") ? 0u : 1u);  // without the error: truncated
  }
}

}  // namespace
}  // namespace rg::cloudtrail

namespace rg::cloudtrail {
namespace {

// The key probe (core/key_probe.h): in every record, every quote that opens one of the keys
// (next byte and anchor byte in place, inside the record) and every backslash is among the
// record's marks, however the input is read; the records themselves are what they are
// without a probe. Where the framer has no vector loop for the probe, records are not probed.
TEST(Framer, KeyProbeMarksEveryKeyAndBackslashOfEveryRecord) {
  KeyProbe probe;
  probe.count = 3;
  const char* keys[] = {"eventName", "type", "errorCode"};
  for (int k = 0; k < 3; ++k) {
    const std::string quoted = std::string("\"") + keys[k] + "\"";
    std::size_t at = quoted.size() - 1;  // the first capital, else the closing quote
    for (std::size_t i = 2; i < quoted.size(); ++i)
      if (quoted[i] >= 'A' && quoted[i] <= 'Z') {
        at = i;
        break;
      }
    probe.lead[k] = quoted[1];
    probe.byte[k] = quoted[at];
    probe.offset[k] = static_cast<std::uint8_t>(at);
  }
  probe.backslash = true;
  const bool vector = simd_level() != SimdLevel::Baseline;

  std::mt19937 rng(11);
  std::size_t wanted = 0;
  const std::vector<std::string> parts = {
      "\"eventName\":\"ConsoleLogin\"", "\"type\":\"Root\"", "\"errorCode\":\"x\"", "\"eventNames\":1",
      "\"typed\":2", "\"s\":\"a\\\"eventName\\\":\\\"b\"", "\"u\":\"\\u0041\"", "\"b\":\"\\\\\"",
      "\"n\":{\"type\":\"IAMUser\",\"deep\":[1,{\"errorCode\":\"y\"}]}", "\"p\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
      "\"eventTime\":\"2026\"", "\"e\":\"\"", "\"t\":\"type\""};
  auto record = [&]() {
    std::string r = "{";
    const int n = 1 + static_cast<int>(rng() % 9);
    for (int i = 0; i < n; ++i) r += (i ? "," : "") + parts[rng() % parts.size()];
    return r + "}";
  };
  for (int round = 0; round < 60; ++round) {
    std::string s3 = "{\"Records\":[", lines;
    for (int i = 0; i < 40; ++i) {
      const std::string r = record();
      s3 += (i ? "," : "") + r;
      // junk lines: the framer goes back to the start of the next line and frames it again
      lines += r + (i % 7 == 3 ? "\nnot json \"type\"\n" : i % 7 == 5 ? "\n{\"eventName\":1,\n" : "\n");
    }
    s3 += "]}";
    for (const std::string& in : {s3, lines}) {
      const Framed plain = frame(in);
      for (int way = 0; way < 3; ++way) {
        SCOPED_TRACE(testing::Message() << "round " << round << ", way " << way);
        Diagnostics diag(Diagnostics::silent());
        FramerOptions opts;
        opts.chunk_bytes = 4096;
        Framer fr("in.json", diag, opts);
        fr.set_probe(probe);
        std::vector<std::string> got;
        auto on_record = [&](const RawRecord& r) {
          got.emplace_back(r.bytes);
          EXPECT_EQ(r.probed, vector);
          if (!r.probed) return true;
          const std::string_view b = r.bytes;
          for (std::size_t i = 0; i < b.size(); ++i) {
            if (must_mark(probe, b, i)) {
              ++wanted;
              EXPECT_TRUE(is_marked(r.hits, r.offset + i)) << "offset " << i << " of " << b;
            }
          }
          return true;
        };
        std::string held = in;
        held.resize(in.size() + kInPlaceTail, 'x');
        if (way == 0) {
          fr.run_in_place(held.data(), in.size(), on_record);
        } else if (way == 1) {
          WatchingSource src(in.size(), std::nullopt);
          fr.run_in_place(held.data(), in.size(), on_record, &src);
        } else {
          TrickleReader r(in, 1000);
          fr.run(r, on_record);
        }
        EXPECT_EQ(got, plain.records);
      }
    }
  }
  if (vector) {
    EXPECT_GT(wanted, 20000u);
  }
}

}  // namespace
}  // namespace rg::cloudtrail
