#include "cloudtrail/framing.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/cpu.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rg::cloudtrail {

namespace {

enum class Role : std::uint8_t { None, TopObject, TopArray, RecordsArray, EventsArray, LogEventsArray };
// An array whose elements are records.
inline bool holds_records(Role r) {
  return r == Role::TopArray || r == Role::RecordsArray || r == Role::EventsArray || r == Role::LogEventsArray;
}
constexpr int kRoles = 4;  // roles are tracked for depths 1..3; deeper containers are plain

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// What the inside-a-record fast path moves (see framing_blocks.inc).
struct FastRun {
  std::uint64_t prev_odd, in_string;
  std::uint64_t above;      // levels below the container holding the record (>= 1)
  std::uint64_t max_above;  // the depth limit, counted the same way
  std::uint64_t lines;
  bool json_lines;
  // the key probe (NK > 0): marks go to out[nout...], blocks named by base + their position
  const KeyProbe* probe = nullptr;
  ProbeHit* out = nullptr;
  std::size_t nout = 0;
  std::uint64_t base = 0;
};

// Walks `brackets` (the opening ones also in `opens`) in input order from `above` levels
// inside a record, +1 for an opening bracket and -1 for a closing one, without a branch on
// their kind. Stops before the bracket that would close the record or take it past
// `max_above`: returns that bracket and the ones after it (0 when all were walked), with
// `above` where the walk got to. Shared by the fast path (framing_blocks.inc) and the slow one.
inline std::uint64_t walk_brackets(std::uint64_t brackets, std::uint64_t opens, std::uint64_t& above,
                                   std::uint64_t max_above) {
  for (; brackets; brackets &= brackets - 1) {
    const std::uint64_t next = above - 1 + 2 * ((opens >> __builtin_ctzll(brackets)) & 1);
    if (next == 0 || next > max_above) break;
    above = next;
  }
  return brackets;
}

namespace base {
#include "cloudtrail/framing_blocks.inc"
}  // namespace base

// The fast path and the probe of one block for this machine, by the probe's number of keys
// (none without vector loops: there records are not probed).
using RecordBlocks = std::size_t (*)(const char*, std::size_t, std::size_t, FastRun&);
using ProbeBlock = std::uint64_t (*)(const char*, const KeyProbe&, std::uint64_t, std::uint64_t);
struct Loops {
  RecordBlocks blocks[5];
  ProbeBlock probe[5];
};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,pclmul,popcnt,bmi"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,pclmul,popcnt,bmi")
#endif
#define RG_FRAMING_AVX2 1
namespace avx2 {
#include "cloudtrail/framing_blocks.inc"
}  // namespace avx2
#undef RG_FRAMING_AVX2
#if defined(__clang__)
#pragma clang attribute pop
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx2,pclmul,popcnt,bmi"))), apply_to = function)
#else
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx2,pclmul,popcnt,bmi")
#endif
#define RG_FRAMING_AVX512 1
namespace avx512 {
#include "cloudtrail/framing_blocks.inc"
}  // namespace avx512
#undef RG_FRAMING_AVX512
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#define RG_FRAMING_LOOPS(ns)                                                                                 \
  Loops {                                                                                                    \
    {ns::record_blocks<0>, ns::record_blocks<1>, ns::record_blocks<2>, ns::record_blocks<3>,                 \
     ns::record_blocks<4>},                                                                                  \
        {nullptr, ns::probe_block<1>, ns::probe_block<2>, ns::probe_block<3>, ns::probe_block<4>}           \
  }
const Loops kLoops = simd_level() == SimdLevel::Avx512 ? RG_FRAMING_LOOPS(avx512)
                     : simd_level() == SimdLevel::Avx2 ? RG_FRAMING_LOOPS(avx2)
                                                       : Loops{{base::record_blocks<0>}, {}};
#undef RG_FRAMING_LOOPS
#else
const Loops kLoops{{base::record_blocks<0>}, {}};
#endif

// A fast-path run that marks the probe stops after this many blocks, so that the room it
// needs for marks stays small.
constexpr std::size_t kProbeRun = 4096;

}  // namespace

struct Framer::State {
  bool skip_to_eol = false;     // a junk JSON line goes on past what was read: ignore it to its end
  char* buf = nullptr;      // `owned`, or the caller's bytes (run_in_place)
  std::unique_ptr<char[]> owned;
  std::size_t cap = 0;      // usable bytes (padding beyond it)
  std::size_t len = 0;      // bytes held
  std::size_t scan = 0;     // next byte to classify
  std::uint64_t base = 0;   // input offset of buf[0]
  std::uint64_t lines = 0;  // newlines before `scan` (as processed)

  // structural state
  std::uint64_t in_string = 0;  // all ones when the previous block ended inside a string
  std::uint64_t prev_odd = 0;   // previous block ended in an odd backslash run
  std::uint64_t depth = 0;
  Role role[kRoles] = {};

  bool rec_active = false;  // a record is being collected from rec_start
  std::size_t rec_start = 0;
  std::uint64_t rec_depth = 0;  // depth of the container holding the record
  std::uint64_t rec_line = 0;
  Container rec_container = Container::TopValue;

  bool skipping = false;  // inside a refused record: wait until depth returns to skip_depth
  std::uint64_t skip_depth = 0;

  bool in_gap = false;   // between values where only whitespace (and commas in arrays) belong
  std::size_t gap_from = 0;
  bool gap_reported = false;

  std::uint64_t last_top_end_line = 0;  // line where the last top-level value ended
  bool abandoned = false;
  bool finished = false;  // run() has returned: errors reported now are shown whatever their number

  // The key probe's marks (Framer::set_probe), in input order: hits[0, nhits), from the
  // first block of the open record on. A restart, which frames some bytes again from a later
  // start, marks them again: a position marked twice is only compared twice.
  std::vector<ProbeHit> hits;
  std::size_t nhits = 0;
};

Framer::Framer(std::string name, Diagnostics& diag, FramerOptions opts, FrameBuffer* reuse)
    : name_(std::move(name)), diag_(diag), opts_(opts), reuse_(reuse), st_(std::make_unique<State>()) {
  if (opts_.chunk_bytes < 4096) opts_.chunk_bytes = 4096;
}

Framer::~Framer() = default;

void Framer::error(std::uint64_t offset, std::uint64_t line, const std::string& what) {
  if (st_->abandoned) return;
  ++stats_.errors;
  if (stats_.errors > opts_.max_errors && !st_->finished) return;  // counted, and told in one line at the end
  std::string loc = stats_.json_lines && line ? "line " + std::to_string(line) : "offset " + std::to_string(offset);
  diag_.error(ErrorKind::Corrupt, name_, loc + ": " + what);
}

void Framer::set_probe(const KeyProbe& probe) {
  probe_ = probe.count >= 1 && probe.count <= 4 && kLoops.probe[probe.count] ? probe : KeyProbe{};
}

void Framer::run(io::Reader& in, const OnRecord& on_record) {
  frame(&in, nullptr, nullptr, 0, on_record);
  finish();
}

void Framer::finish() {
  st_->finished = true;
  if (stats_.errors > opts_.max_errors) {
    const std::uint32_t more = stats_.errors - opts_.max_errors;
    diag_.errors(more, ErrorKind::Corrupt, name_,
                 Diagnostics::more_errors(more, opts_.max_errors, "the rest of it was scanned"));
  }
}

void Framer::run_in_place(char* data, std::size_t len, const OnRecord& on_record, io::InPlaceSource* src) {
  frame(nullptr, src, data, len, on_record);
  finish();
}

void Framer::frame(io::Reader* in, io::InPlaceSource* src, char* data, std::size_t len, const OnRecord& on_record) {
  State& s = *st_;
  bool eof = false;
  if (!in) {  // everything is here already; with a source, it is let in a piece at a time
    s.buf = data;
    s.cap = len;
    s.len = src ? 0 : len;
    stats_.bytes = len;
    eof = !src;
  } else {
    const std::size_t want = std::max<std::size_t>(opts_.chunk_bytes * 4, 1u << 20);
    if (reuse_ && reuse_->data && reuse_->cap >= want) {
      s.owned = std::move(reuse_->data);
      s.cap = reuse_->cap;
    } else {
      s.cap = want;
      s.owned.reset(new char[s.cap + 64 + kRecordPadding]);  // not zeroed: only bytes read in are looked at
    }
    s.buf = s.owned.get();
  }
  if (reuse_) s.hits = std::move(reuse_->hits);
  struct GiveBack {  // the buffers go back to the lender however run() ends
    State& st;
    FrameBuffer* to;
    ~GiveBack() {
      if (!to) return;
      to->hits = std::move(st.hits);
      if (st.owned) {
        to->data = std::move(st.owned);
        to->cap = st.cap;
      }
    }
  } give_back{s, reuse_};
  s.in_gap = true;  // depth 0 is a gap

  auto offset_of = [&](std::size_t pos) { return s.base + pos; };
  const int nk = probe_.count;
  // Room for `blocks` more marks.
  auto mark_room = [&](std::size_t blocks) {
    if (s.hits.size() < s.nhits + blocks) s.hits.resize(std::max(s.nhits + blocks, 2 * s.hits.size()));
  };
  // Drops the marks of the blocks that end at input offset `from` or before. Blocks come in
  // input order, so those that reach past it are the last ones: one, or after a restart
  // (which frames some bytes again from a later start) a few.
  auto marks_from = [&](std::uint64_t from) {
    std::size_t keep = s.nhits;
    while (keep > 0 && s.hits[keep - 1].at + 64 > from) --keep;
    std::copy(s.hits.begin() + static_cast<std::ptrdiff_t>(keep), s.hits.begin() + static_cast<std::ptrdiff_t>(s.nhits),
              s.hits.begin());
    s.nhits -= keep;
  };
  auto line_at = [&](std::uint64_t lines_before) { return lines_before + 1; };
  // The depth limit counted from the open record's container, as the bracket walks count.
  auto max_above = [&]() -> std::uint64_t { return opts_.max_depth > s.rec_depth ? opts_.max_depth - s.rec_depth : 0; };

  auto skip_record = [&](const std::string& why) {
    error(offset_of(s.rec_start), s.rec_line, why);
    s.rec_active = false;
    s.skipping = true;
    s.skip_depth = s.rec_depth;
  };

  auto check_size = [&]() {
    if (s.rec_active && s.scan - s.rec_start > opts_.max_record_bytes)
      skip_record("record larger than " + std::to_string(opts_.max_record_bytes >> 20) + " MiB, skipped");
  };

  // Checks gap bytes [gap_from, to) for anything but whitespace (and commas inside arrays).
  // Returns false when the file was abandoned or a restart position was set in `restart`.
  auto check_gap = [&](std::size_t to, std::size_t& restart) -> bool {
    if (!s.in_gap || s.gap_reported || s.skip_to_eol || to <= s.gap_from) {
      s.gap_from = std::max(s.gap_from, to);
      return true;
    }
    const char* b = s.buf;
    bool comma_ok = s.depth > 0;
    for (std::size_t i = s.gap_from; i < to; ++i) {
      char c = b[i];
      if (is_ws(c) || (comma_ok && c == ',')) continue;
      if (s.depth == 0) {
        if (stats_.json_lines) {
          std::uint64_t after = static_cast<std::uint64_t>(std::count(b + i, b + to, '\n'));
          error(offset_of(i), line_at(s.lines - after), "not a JSON object, line skipped");
          const void* nl = std::memchr(b + i, '\n', s.len - i);
          restart = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - b) + 1 : s.len;
          s.lines -= after;  // the restart re-reads those newlines
          if (nl) ++s.lines;
          else s.skip_to_eol = true;  // the rest of the line comes with the next read
          return false;
        }
        std::string what = stats_.top_values == 0 ? "not JSON (the input does not start with '{' or '['), file skipped"
                                                  : "unexpected data after the end of the JSON value, rest of file skipped";
        error(offset_of(i), 0, what);
        s.abandoned = true;
        return false;
      }
      error(offset_of(i), line_at(s.lines), "a record should be a JSON object here, value skipped");
      s.gap_reported = true;
      break;
    }
    s.gap_from = to;
    return true;
  };

  auto reset_structure = [&]() {
    s.in_string = 0;
    s.prev_odd = 0;
    s.depth = 0;
    s.rec_active = false;
    s.skipping = false;
    s.in_gap = true;
    s.gap_reported = false;
  };

  // Processes the 64-byte block at s.scan (bytes past s.len are spaces). Advances s.scan.
  auto process_block = [&]() {
    const std::size_t p = s.scan;
    const char* b = s.buf + p;
    const base::Block blk = base::structure(b, s.prev_odd, s.in_string);
    const base::Masks& m = blk.m;
    if (nk) {
      const std::uint64_t at = offset_of(p);
      if (!s.rec_active) marks_from(at);  // no record is open: the marks before here belong to none
      const std::uint64_t bits = kLoops.probe[nk](b, probe_, m.quote, m.backslash);
      mark_room(1);
      if (bits) s.hits[s.nhits++] = ProbeHit{at, bits};
    }
    s.prev_odd = blk.prev_odd;
    s.in_string = blk.in_string;
    std::uint64_t iter = blk.brackets | m.newline;
    if (s.rec_active && !s.skip_to_eol && s.rec_depth + 2 >= kRoles && !(m.newline && stats_.json_lines)) {
      // Inside a record held at depth 2 or deeper (a "Records" array's), a bracket before the
      // one that closes the record (or passes the depth limit) only moves the depth: no role
      // is kept that deep and no wrapper can open there. Those are walked without a branch
      // on their kind, as the fast path walks them; the loop below takes the rest.
      std::uint64_t above = s.depth - s.rec_depth;
      iter = walk_brackets(blk.brackets, blk.opens, above, max_above()) | m.newline;
      s.depth = s.rec_depth + above;
    }
    std::size_t restart = 0;
    while (iter) {
      int i = __builtin_ctzll(iter);
      iter &= iter - 1;
      const std::size_t pos = p + static_cast<std::size_t>(i);
      const char c = b[i];
      if (s.skip_to_eol) {  // inside a junk line already reported
        if (c != '\n') continue;
        s.skip_to_eol = false;
        ++s.lines;
        reset_structure();
        s.gap_from = pos + 1;
        s.scan = pos + 1;
        return;
      }
      if (c == '\n') {
        if (stats_.json_lines && s.depth > 0) {
          if (s.rec_active || s.skipping) {
            if (s.rec_active) error(offset_of(s.rec_start), s.rec_line, "invalid JSON (the record does not end on its line), skipped");
          } else {
            error(offset_of(pos), line_at(s.lines), "invalid JSON, line skipped");
          }
          ++s.lines;
          reset_structure();
          s.gap_from = pos + 1;
          s.scan = pos + 1;
          return;
        }
        ++s.lines;
        continue;
      }
      if (s.in_gap && !check_gap(pos, restart)) {
        if (s.abandoned) return;
        reset_structure();
        s.gap_from = restart;
        s.scan = restart;
        return;
      }
      if (m.open & (std::uint64_t{1} << i)) {
        if (s.depth == 0) {
          if (stats_.top_values > 0 && s.lines + 1 > s.last_top_end_line) stats_.json_lines = true;
          ++stats_.top_values;
          if (c == '{') {
            s.role[1] = Role::TopObject;
            s.rec_active = true;
            s.rec_start = pos;
            s.rec_depth = 0;
            s.rec_line = line_at(s.lines);
            s.rec_container = Container::TopValue;
          } else {
            s.role[1] = Role::TopArray;
          }
          s.in_gap = c == '[';
          s.gap_from = pos + 1;
          s.gap_reported = false;
        } else if (s.rec_active && s.rec_container == Container::TopValue && s.depth == 1 && c == '[') {
          // inside a top-level object: is this the array of records of a wrapper?
          const char* buf = s.buf;
          std::size_t k = pos;
          auto back_ws = [&]() { while (k > s.rec_start && is_ws(buf[k - 1])) --k; };
          Role r = Role::None;
          back_ws();
          if (k > s.rec_start && buf[k - 1] == ':') {
            --k;
            back_ws();
            if (k > s.rec_start && buf[k - 1] == '"') {
              std::size_t end = --k;
              while (k > s.rec_start && buf[k - 1] != '"' && end - k < 16) --k;
              std::string_view key(buf + k, end - k);
              if (k > s.rec_start && buf[k - 1] == '"') {
                if (key == "Records") r = Role::RecordsArray;
                else if (key == "Events") r = Role::EventsArray;
                else if (key == "logEvents" || key == "events") r = Role::LogEventsArray;
              }
            }
          }
          if (r != Role::None) {
            s.rec_active = false;  // the top object is a wrapper, not a record
            s.in_gap = true;
            s.gap_from = pos + 1;
            s.gap_reported = false;
          }
          s.role[2] = r;
        } else if (!s.rec_active && !s.skipping && s.depth < kRoles &&
                   holds_records(s.role[s.depth])) {
          if (c == '{') {
            s.rec_active = true;
            s.rec_start = pos;
            s.rec_depth = s.depth;
            s.rec_line = line_at(s.lines);
            Role r = s.role[s.depth];
            s.rec_container = r == Role::TopArray       ? Container::TopArray
                              : r == Role::RecordsArray ? Container::RecordsArray
                              : r == Role::EventsArray  ? Container::EventsArray
                                                        : Container::LogEventsArray;
            s.in_gap = false;
            if (s.depth + 1 < kRoles) s.role[s.depth + 1] = Role::None;
          } else {
            if (s.depth + 1 < kRoles) s.role[s.depth + 1] = Role::None;
            if (!s.gap_reported) error(offset_of(pos), line_at(s.lines), "a record should be a JSON object here, value skipped");
            s.skipping = true;
            s.skip_depth = s.depth;
            s.in_gap = false;
          }
        } else if (s.depth + 1 < kRoles) {
          s.role[s.depth + 1] = Role::None;
        }
        ++s.depth;
        if (s.depth > opts_.max_depth) {
          if (s.rec_active) {
            skip_record("nesting deeper than " + std::to_string(opts_.max_depth) + " levels, record skipped");
          } else if (!s.skipping) {
            error(offset_of(pos), line_at(s.lines),
                  "nesting deeper than " + std::to_string(opts_.max_depth) + " levels, rest of file skipped");
            s.abandoned = true;
            return;
          }
        }
      } else {  // close
        if (s.depth == 0) {
          error(offset_of(pos), line_at(s.lines), "unbalanced '" + std::string(1, c) + "', rest of file skipped");
          s.abandoned = true;
          return;
        }
        --s.depth;
        if (s.rec_active && s.depth == s.rec_depth && c != '}') {
          // The depth counter does not tell '}' from ']': a record closed by ']' is broken
          // JSON (quote parity or brackets gone wrong), never a record.
          s.rec_active = false;
          error(offset_of(s.rec_start), s.rec_line, "invalid JSON (brackets do not match), record skipped");
        } else if (s.rec_active && s.depth == s.rec_depth) {
          RawRecord r;
          r.bytes = std::string_view(s.buf + s.rec_start, pos + 1 - s.rec_start);
          r.offset = offset_of(s.rec_start);
          r.line = s.rec_line;
          r.container = s.rec_container;
          r.probed = nk != 0;
          r.hits = std::span<const ProbeHit>(s.hits.data(), s.nhits);
          s.rec_active = false;
          ++stats_.records;
          if (!on_record(r)) {
            stats_.stopped = true;
            s.abandoned = true;
            return;
          }
          if (nk) marks_from(offset_of(pos + 1));  // what comes next may start in this block
        } else if (s.skipping && s.depth == s.skip_depth) {
          s.skipping = false;
        }
        if (s.depth == 0) {
          s.last_top_end_line = line_at(s.lines);
          s.in_gap = true;
          s.gap_from = pos + 1;
          s.gap_reported = false;
        } else if (!s.rec_active && !s.skipping && s.depth < kRoles &&
                   holds_records(s.role[s.depth])) {
          s.in_gap = true;
          s.gap_from = pos + 1;
          s.gap_reported = false;
        } else if (s.depth == 1 && s.role[1] == Role::TopObject && !s.rec_active) {
          s.in_gap = false;  // back in a wrapper object: other keys are ignored
        }
      }
    }
    s.scan = p + 64;
    if (s.in_gap && !check_gap(std::min(s.scan, s.len), restart)) {
      if (s.abandoned) return;
      reset_structure();
      s.gap_from = restart;
      s.scan = restart;
      return;
    }
    check_size();
  };

  // Inside a record, whole runs of blocks go through the fast path (`ahead` bytes after them
  // held too).
  auto record_blocks = [&](std::size_t ahead) {
    if (!s.rec_active || s.skip_to_eol) return;
    FastRun r{s.prev_odd, s.in_string, s.depth - s.rec_depth, max_above(), s.lines, stats_.json_lines};
    std::size_t end = s.len - ahead;
    if (nk) {
      end = std::min(end, s.scan + kProbeRun * 64);
      mark_room(kProbeRun);
      r.probe = &probe_;
      r.out = s.hits.data() + s.nhits;
      r.base = s.base;
    }
    const std::size_t stop = kLoops.blocks[nk](s.buf, s.scan, end, r);
    if (stop == s.scan) return;
    s.nhits += r.nout;
    s.prev_odd = r.prev_odd;
    s.in_string = r.in_string;
    s.depth = s.rec_depth + r.above;
    s.lines = r.lines;
    s.scan = stop;
    check_size();
  };

  auto read_failed = [&](const Error& e) {
    diag_.error(e);
    ++stats_.errors;
    stats_.read_failed = true;
  };

  bool start_seen = false;
  while (!s.abandoned) {
    if (!eof && src) {
      src->used(s.len);  // the pieces before this one, framed (and still in cache)
      if (s.len < s.cap) {  // in place: the next piece
        s.len += std::min(opts_.chunk_bytes, s.cap - s.len);
      } else {  // at the end, the source says whether the input ends well
        auto r = src->read(s.buf + s.len, 1);
        if (!r) read_failed(r.error());
        eof = true;
      }
    } else if (!eof) {
      // make room for one more chunk: drop what is no longer needed, grow if a record is big
      std::size_t keep = s.rec_active ? std::min(s.rec_start, s.scan) : s.scan;
      if (s.in_gap) keep = std::min(keep, s.gap_from);
      if (s.cap - s.len < opts_.chunk_bytes && keep > 0) {
        std::memmove(s.buf, s.buf + keep, s.len - keep);
        s.len -= keep;
        s.scan -= keep;
        s.base += keep;
        if (s.rec_active) s.rec_start -= keep;
        s.gap_from = s.gap_from >= keep ? s.gap_from - keep : 0;
      }
      if (s.cap - s.len < opts_.chunk_bytes) {
        std::size_t ncap = std::max(s.cap * 2, s.len + opts_.chunk_bytes);
        std::unique_ptr<char[]> nb(new char[ncap + 64 + kRecordPadding]);
        std::memcpy(nb.get(), s.buf, s.len);
        s.owned = std::move(nb);
        s.buf = s.owned.get();
        s.cap = ncap;
      }
      auto r = in->read(s.buf + s.len, opts_.chunk_bytes);
      if (!r) {
        read_failed(r.error());
        eof = true;
      } else if (*r == 0) {
        eof = true;
      } else {
        s.len += *r;
        stats_.bytes += *r;
      }
    }
    if (!start_seen && (s.len >= 3 || eof)) {  // what the input starts with, once
      start_seen = true;
      const auto* u = reinterpret_cast<const unsigned char*>(s.buf);
      if (s.len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
        s.gap_from = 3;  // a UTF-8 byte order mark (Windows tools write one): passed over
      } else if (s.len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
        error(0, 0, "UTF-16 text, not UTF-8 JSON (convert it, e.g. with iconv -f UTF-16 -t UTF-8), file skipped");
        s.abandoned = true;
      }
    }
    // The probe reads up to 64 bytes past a block: when reading, they must have come in.
    const std::size_t ahead = nk && in && !eof ? 64 : 0;
    while (!s.abandoned && s.scan + 64 + ahead <= s.len) {
      record_blocks(ahead);
      if (!s.abandoned && s.scan + 64 + ahead <= s.len) process_block();
    }
    if (eof) {
      while (!s.abandoned && s.scan < s.len) {
        std::memset(s.buf + s.len, ' ', 64);
        process_block();
      }
      break;
    }
  }
  if (s.abandoned || stats_.read_failed) return;
  if (s.depth > 0) {
    if (s.rec_active)
      error(offset_of(s.rec_start), s.rec_line, "input ends inside a record (truncated?), record skipped");
    else
      error(offset_of(s.len), 0, "input ends inside a JSON value (truncated?)");
  } else if (stats_.top_values == 0 && stats_.errors == 0) {
    error(0, 0, "empty input: no CloudTrail records");
  }
}

}  // namespace rg::cloudtrail
