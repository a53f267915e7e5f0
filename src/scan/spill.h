// scan::spill: records held for ordering, kept to a memory budget by sorted runs on disk.
//
// `scan` orders every finding (eventTime, then eventID) before the first goes out, and
// feeds the matches correlations count in event-time order, so it must hold them all until
// the input ends. A Finding held in memory costs about 2 KB: a scan that finds millions
// would need gigabytes. A Spiller holds records up to its budget; past it, it sorts what it
// holds and writes it as one sorted run to a temporary file, and merge() reads every run
// back, k-way, beside what is still held. Memory stays near the budgets however many
// records there are: at most kFanIn runs are read at once, each through a small buffer
// (when there are more, the fewest that bring them down to kFanIn are merged first).
//
// Runs are written in blocks of about 32 KB. Once a scan has spilled 256 MB as they are, each
// further block is compressed on its own (zstd, a fast level): findings repeat their rule,
// account, principal and file names, so the rest of a big spill takes a fifth to a seventh
// of its size on disk, or in memory where the temporary directory is a tmpfs. Below that,
// where the page cache takes the writes at memory speed, compressing would only cost time.
// A reader holds one block.
//
// The temporary file is unlinked as soon as it is made (mode 0600): nothing stays behind
// however the process ends. If it cannot be made or written, the records stay in memory,
// with one warning; none is lost. A run that cannot be read back is an error naming the
// file; the others still go out.
//
// A record type T comes with a Codec: less (a total order, so that output does not depend
// on how records were split into runs), bytes (what one costs in memory), put and get.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diagnostics.h"
#include "core/finding.h"
#include "core/result.h"

namespace rg::scan::spill {

// ---------------------------------------------------------------- encoding

// Appends fixed-width integers and length-prefixed strings to a byte string.
class Out {
 public:
  explicit Out(std::string& s) : s_(s) {}
  void u64(std::uint64_t v) {
    char b[8];
    std::memcpy(b, &v, 8);
    s_.append(b, 8);
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void u8(std::uint8_t v) { s_.push_back(static_cast<char>(v)); }
  void str(std::string_view v) {
    u64(v.size());
    s_.append(v);
  }

 private:
  std::string& s_;
};

// Reads what Out wrote. A short or damaged record makes ok() false (reads then return zero
// or empty), never reads past the end.
class In {
 public:
  explicit In(std::string_view s) : s_(s) {}
  std::uint64_t u64() {
    if (!need(8)) return 0;
    std::uint64_t v;
    std::memcpy(&v, s_.data(), 8);
    s_.remove_prefix(8);
    return v;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  std::uint8_t u8() {
    if (!need(1)) return 0;
    auto v = static_cast<std::uint8_t>(s_[0]);
    s_.remove_prefix(1);
    return v;
  }
  std::string str() {
    std::uint64_t n = u64();
    if (!need(n)) return {};
    std::string v(s_.substr(0, n));
    s_.remove_prefix(n);
    return v;
  }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && s_.empty(); }
  void fail() { need(std::numeric_limits<std::uint64_t>::max()); }

 private:
  bool need(std::uint64_t n) {
    if (ok_ && n <= s_.size()) return true;
    ok_ = false;
    s_ = {};
    return false;
  }
  std::string_view s_;
  bool ok_ = true;
};

void put(Out& out, const Finding& f);
void get(In& in, Finding& f);
// What a Finding costs in memory: the object, its strings' heap blocks and its facets.
std::size_t held_bytes(const Finding& f);
std::size_t held_bytes(const std::string& s);

// ---------------------------------------------------------------- runs on disk

class Place;

// A temporary file that sorted runs are appended to, by one thread at a time; read back
// from any number of readers (pread).
class RunFile {
 public:
  // Made in `dir` and unlinked at once, mode 0600. Its blocks are written as they are while
  // `place` allows it (Place::take_plain), compressed after that (and always without a place).
  static Result<std::shared_ptr<RunFile>> create(const std::string& dir, Place* place = nullptr);
  ~RunFile();
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;

  // One run: begin(), then each record, then end() for its extent. A record is encoded
  // straight into the buffer open_record() returns (after room for its length), then
  // close_record() (or cancel_record(), to take it back). Records are gathered into blocks,
  // each compressed when it is full (past the place's allowance), written in large writes.
  void begin();
  std::string& open_record();
  Status close_record();
  void cancel_record();
  Result<std::pair<std::uint64_t, std::uint64_t>> end();

  // Reads exactly n bytes at `offset`.
  Status read(std::uint64_t offset, char* buf, std::size_t n) const;
  const std::string& name() const { return name_; }
  // Bytes written to the file so far.
  std::uint64_t size() const { return size_; }

 private:
  RunFile(int fd, std::string name, Place* place);
  Status pack();   // the open block: its header, its records compressed if it is to be
  Status flush();  // the blocks packed, to the file
  Status abandon(Error e);  // the run, after an error
  int fd_ = -1;
  std::string name_;  // the directory it was made in, for errors
  std::uint64_t size_ = 0, run_begin_ = 0;
  std::string out_;  // blocks not yet written, the last one open while records are added
  bool block_open_ = false;
  std::size_t block_at_ = 0;   // where the open block's header goes in out_
  std::size_t record_at_ = 0;  // where the open record's length goes in out_
  std::string zbuf_;           // a block compressed
  Place* place_;
  std::unique_ptr<void, void (*)(void*)> zstd_;  // the compression context
};

struct Run {
  std::shared_ptr<RunFile> file;
  std::uint64_t begin = 0, end = 0;
};

// Reads a run's records in order, a block at a time (its records, decompressed).
class RunReader {
 public:
  explicit RunReader(Run run) : run_(std::move(run)), at_(run_.begin) {}
  // The next record's bytes (valid until the next call), nullopt at the end; an error if
  // the file cannot be read or the run is damaged.
  Result<std::optional<std::string_view>> next();

 private:
  Status next_block();
  Error damaged(const char* what) const;
  Run run_;
  std::uint64_t at_ = 0;  // file offset of the next block
  std::string buf_;       // the records of the block read last
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------- holding and merging

inline constexpr std::size_t kFanIn = 256;    // runs merged at once
inline constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();

// Where the Spillers of one scan put their runs, and tell (once) that they could not.
inline constexpr std::uint64_t kPlainBytes = 256u << 20;  // spilled as they are, per scan

class Place {
 public:
  Place(std::string dir, Diagnostics& diag, std::uint64_t plain_bytes = kPlainBytes)
      : dir_(std::move(dir)), diag_(diag), plain_left_(plain_bytes) {}
  const std::string& dir() const { return dir_; }
  Diagnostics& diag() const { return diag_; }
  // Records stay in memory because of `why`: a warning, the first time only.
  void kept_in_memory(const Error& why);
  // Whether a block of n bytes may be written as it is (counted against the scan's allowance);
  // if not, it is compressed.
  bool take_plain(std::uint64_t n);

 private:
  std::string dir_;
  Diagnostics& diag_;
  std::atomic<bool> warned_{false};
  std::atomic<std::uint64_t> plain_left_;
};

// Holds records of type T up to `budget` bytes, then spills them as a sorted run. Used by
// one thread at a time.
template <class T, class Codec>
class Spiller {
 public:
  Spiller(std::size_t budget, Place& place) : budget_(budget), place_(&place) {}

  void add(T&& v) {
    held_bytes_ += Codec::bytes(v);
    held_.push_back(std::move(v));
    if (held_bytes_ > budget_) spill();
  }
  bool empty() const { return held_.empty() && runs_.empty(); }
  std::size_t runs() const { return runs_.size(); }

  // Every record of `parts`, in Codec::less order, to `fn` (which may move from it; false
  // stops the merge). Returns false if fn stopped it. Leaves the parts empty.
  static bool merge(const std::vector<Spiller*>& parts, const std::function<bool(T&)>& fn);

 private:
  struct Cursor;
  class Merge;
  std::vector<T*> sorted_held() {
    std::vector<T*> v;
    v.reserve(held_.size());
    for (T& x : held_) v.push_back(&x);
    std::sort(v.begin(), v.end(), [](const T* a, const T* b) { return Codec::less(*a, *b); });
    return v;
  }
  // Writes the records next_record encodes (it returns false, writing nothing, when there
  // are no more) as one run of `file` (made if null). False if it could not (told once).
  bool write_run(std::shared_ptr<RunFile>& file, const std::function<bool(Out&)>& next_record, Run& run);
  void spill();

  std::size_t budget_;
  Place* place_;
  std::vector<T> held_;
  std::size_t held_bytes_ = 0;
  std::shared_ptr<RunFile> file_;
  std::vector<Run> runs_;
};

template <class T, class Codec>
bool Spiller<T, Codec>::write_run(std::shared_ptr<RunFile>& file,
                                  const std::function<bool(Out&)>& next_record, Run& run) {
  if (!file) {
    auto f = RunFile::create(place_->dir(), place_);
    if (!f) {
      place_->kept_in_memory(f.error());
      return false;
    }
    file = *f;
  }
  file->begin();
  for (;;) {
    Out out(file->open_record());
    if (!next_record(out)) {
      file->cancel_record();
      break;
    }
    if (auto st = file->close_record(); !st) {
      place_->kept_in_memory(st.error());
      return false;
    }
  }
  auto ext = file->end();
  if (!ext) {
    place_->kept_in_memory(ext.error());
    return false;
  }
  run = Run{file, ext->first, ext->second};
  return true;
}

template <class T, class Codec>
void Spiller<T, Codec>::spill() {
  std::vector<T*> order = sorted_held();
  std::size_t i = 0;
  Run run;
  const bool ok = write_run(
      file_,
      [&](Out& out) {
        if (i == order.size()) return false;
        Codec::put(out, *order[i++]);
        return true;
      },
      run);
  if (!ok) {
    budget_ = kUnlimited;  // kept in memory from now on
    file_.reset();
    return;
  }
  runs_.push_back(std::move(run));
  held_.clear();
  held_bytes_ = 0;
}

// A source of records in order: what a Spiller still holds, or a run on disk.
template <class T, class Codec>
struct Spiller<T, Codec>::Cursor {
  std::vector<T*> held;
  std::size_t pos = 0;
  std::unique_ptr<RunReader> reader;
  T current;
  T* head = nullptr;

  // Moves to the next record; false at the end (or on an error, told to diag).
  bool advance(Diagnostics& diag) {
    head = nullptr;
    if (!reader) {
      if (pos < held.size()) head = held[pos++];
      return head != nullptr;
    }
    auto r = reader->next();
    if (!r) {
      diag.error(r.error());
      return false;
    }
    if (!*r) return false;
    In in(**r);
    current = T{};
    Codec::get(in, current);
    if (!in.done()) {
      diag.error(ErrorKind::Corrupt, "temporary file", "a spilled record could not be read back; the rest of its run is lost");
      return false;
    }
    head = &current;
    return true;
  }
};

// Cursors merged by a min-heap on their heads.
template <class T, class Codec>
class Spiller<T, Codec>::Merge {
 public:
  Merge(std::vector<std::unique_ptr<Cursor>> cs, Diagnostics& diag) : cs_(std::move(cs)), diag_(diag) {
    for (auto& c : cs_)
      if (c->advance(diag_)) heap_.push_back(c.get());
    std::make_heap(heap_.begin(), heap_.end(), greater);
  }
  // The least record left (null at the end); valid until pop().
  T* top() const { return heap_.empty() ? nullptr : heap_.front()->head; }
  void pop() {
    std::pop_heap(heap_.begin(), heap_.end(), greater);
    if (heap_.back()->advance(diag_)) std::push_heap(heap_.begin(), heap_.end(), greater);
    else heap_.pop_back();
  }

 private:
  static bool greater(const Cursor* a, const Cursor* b) { return Codec::less(*b->head, *a->head); }
  std::vector<std::unique_ptr<Cursor>> cs_;
  Diagnostics& diag_;
  std::vector<Cursor*> heap_;
};

template <class T, class Codec>
bool Spiller<T, Codec>::merge(const std::vector<Spiller*>& parts, const std::function<bool(T&)>& fn) {
  if (parts.empty()) return true;
  Spiller& first = *parts.front();
  Diagnostics& diag = first.place_->diag();
  std::vector<Run> runs;
  for (Spiller* p : parts) {
    for (Run& r : p->runs_) runs.push_back(std::move(r));
    p->runs_.clear();
    p->file_.reset();
  }
  auto open_runs = [](const std::vector<Run>& from) {
    std::vector<std::unique_ptr<Cursor>> cs;
    for (const Run& r : from) {
      cs.push_back(std::make_unique<Cursor>());
      cs.back()->reader = std::make_unique<RunReader>(r);
    }
    return cs;
  };
  // Too many runs to read at once: the first ones are merged into a longer one, kFanIn at
  // most at a time and no more than bring the count down to kFanIn, so that most records are
  // written once. (If a longer run cannot be written, the runs are read as they are: more
  // buffers at once, nothing lost.)
  std::size_t done = 0;  // runs merged into a later one
  std::shared_ptr<RunFile> file;
  while (runs.size() - done > kFanIn) {
    const std::size_t k = std::min(kFanIn, runs.size() - done - kFanIn + 1);
    const auto from = runs.begin() + static_cast<std::ptrdiff_t>(done);
    Merge m(open_runs(std::vector<Run>(from, from + static_cast<std::ptrdiff_t>(k))), diag);
    Run merged;
    const bool ok = first.write_run(
        file,
        [&](Out& out) {
          T* t = m.top();
          if (!t) return false;
          Codec::put(out, *t);
          m.pop();
          return true;
        },
        merged);
    if (!ok) break;
    done += k;
    runs.push_back(std::move(merged));
  }
  runs.erase(runs.begin(), runs.begin() + static_cast<std::ptrdiff_t>(done));
  std::vector<std::unique_ptr<Cursor>> cs = open_runs(runs);
  runs.clear();
  for (Spiller* p : parts) {
    if (p->held_.empty()) continue;
    cs.push_back(std::make_unique<Cursor>());
    cs.back()->held = p->sorted_held();
  }
  bool all = true;
  {
    Merge m(std::move(cs), diag);
    for (T* t; all && (t = m.top()) != nullptr; m.pop()) all = fn(*t);
  }
  for (Spiller* p : parts) {
    p->held_.clear();
    p->held_bytes_ = 0;
  }
  return all;
}

}  // namespace rg::scan::spill
