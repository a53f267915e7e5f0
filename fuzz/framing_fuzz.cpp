// libFuzzer target: record framing, shape sniffing and record parsing over arbitrary bytes.
// Checks, beyond "no crash, no hang, no sanitizer report": every record is a '{'..'}' slice
// of the input at its reported offset, and cutting the input into different read sizes
// frames exactly the same records with the same errors, as does framing it in place (at once,
// and a piece at a time for an owner that checks the bytes as they go); with the key probe
// the built-in rules give (eventName, type, backslashes), every position of a record it must
// mark is among the record's marks; the substring search that sniffing uses finds what
// std::string_view::find finds.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <string>
#include <vector>

#include "cloudtrail/framing.h"
#include "cloudtrail/record.h"
#include "core/strings.h"
#include "io/env.h"

namespace {

class ChunkReader : public rg::io::Reader {
 public:
  ChunkReader(std::string_view s, std::size_t step) : s_(s), step_(step) {}
  rg::Result<std::size_t> read(char* buf, std::size_t n) override {
    std::size_t k = std::min({n, step_, s_.size() - pos_});
    if (k) std::memcpy(buf, s_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string_view s_;
  std::size_t step_, pos_ = 0;
};

// The owner of bytes framed in place a piece at a time: hears of them in order, all of them
// before the one read at the end (which does not come when the rest of the input is skipped).
constexpr std::size_t kWatched = SIZE_MAX;
class Watcher : public rg::io::InPlaceSource {
 public:
  explicit Watcher(std::size_t len) : len_(len) {}
  void used(std::size_t n) override {
    if (n < used_ || n > len_ || reads) std::abort();
    used_ = n;
  }
  rg::Result<std::size_t> read(char*, std::size_t) override {
    if (used_ != len_) std::abort();
    ++reads;
    return std::size_t{0};
  }
  int reads = 0;

 private:
  std::size_t len_, used_ = 0;
};

struct Out {
  std::vector<std::string> records;
  std::vector<std::string> lines;
};

// The built-in rules' probe: "eventName" (anchor 'N' at 6), "type" (its closing quote at 5).
rg::KeyProbe builtin_probe() {
  rg::KeyProbe p;
  p.count = 2;
  p.lead[0] = 'e', p.byte[0] = 'N', p.offset[0] = 6;
  p.lead[1] = 't', p.byte[1] = '"', p.offset[1] = 5;
  p.backslash = true;
  return p;
}

void check_marks(const rg::cloudtrail::RawRecord& rec, const rg::KeyProbe& p) {
  if (!rec.probed) return;
  for (std::size_t i = 0; i < rec.bytes.size(); ++i)
    if (rg::must_mark(p, rec.bytes, i) && !rg::is_marked(rec.hits, rec.offset + i)) std::abort();
}

Out frame(std::string_view in, std::size_t step) {
  Out o;
  rg::Diagnostics diag([&](rg::Diagnostics::Level, const std::string& l) { o.lines.push_back(l); });
  rg::cloudtrail::FramerOptions opts;
  opts.max_record_bytes = 1u << 16;  // small, so the fuzzer reaches the refusal path
  opts.max_depth = 64;
  opts.chunk_bytes = 4096;  // the least: reads and in-place pieces end all over the input
  rg::cloudtrail::Framer fr("fuzz", diag, opts);
  const rg::KeyProbe probe = builtin_probe();
  fr.set_probe(probe);
  rg::cloudtrail::RecordParser parser;
  auto on_record = [&](const rg::cloudtrail::RawRecord& rec) {
    if (rec.bytes.empty() || rec.bytes.front() != '{' || rec.bytes.back() != '}') std::abort();
    if (rec.offset + rec.bytes.size() > in.size() || in.substr(rec.offset, rec.bytes.size()) != rec.bytes) std::abort();
    o.records.emplace_back(rec.bytes);
    check_marks(rec, probe);
    const rg::cloudtrail::Kind k = rg::cloudtrail::sniff(rec);
    return parser.for_each_event(rec, k, [&](std::string_view text, std::string_view why) {
      if (text.empty() == why.empty()) std::abort();  // one or the other
      simdjson::dom::element ev;
      if (!text.empty()) (void)parser.parse(text, k, ev);
      return true;
    });
  };
  if (step == 0 || step == kWatched) {  // all of it in memory, framed where it lies
    std::string held(in);
    held.resize(in.size() + rg::cloudtrail::kInPlaceTail);
    if (step == 0) {
      fr.run_in_place(held.data(), in.size(), on_record);
    } else {
      Watcher w(in.size());
      fr.run_in_place(held.data(), in.size(), on_record, &w);
      if (w.reads > 1 || (w.reads == 0 && o.lines.empty())) std::abort();  // unread only when the rest was skipped
    }
  } else {
    ChunkReader r(in, step);
    fr.run(r, on_record);
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // sniff()'s substring search finds what std::string_view::find finds, needles of the input
  // itself included
  for (std::string_view needle : {std::string_view("\"eventVersion\""), std::string_view("\"CloudTrailEvent\""),
                                  in.substr(size / 3, size % 23), in.substr(size / 2, 4)})
    if (rg::find(in, needle) != in.find(needle)) std::abort();
  Out whole = frame(in, 1u << 20);
  std::size_t step = size ? 1 + data[0] % 97 : 1;
  Out cut = frame(in, step);
  if (whole.records != cut.records) std::abort();
  if (whole.lines.size() != cut.lines.size()) std::abort();
  Out here = frame(in, 0);
  if (here.records != whole.records || here.lines != whole.lines) std::abort();
  Out watched = frame(in, kWatched);
  if (watched.records != whole.records || watched.lines != whole.lines) std::abort();
  return 0;
}
