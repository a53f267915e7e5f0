// The scan engine: workers over files, one ordered hand-over to the sink.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "cloudtrail/framing.h"
#include "cloudtrail/record.h"
#include "core/strings.h"
#include "core/time.h"
#include "io/gzip.h"
#include "io/read_ahead.h"
#include "scan/correlate.h"
#include "scan/prefilter.h"
#include "scan/scan.h"

namespace rg::scan {

namespace {

using cloudtrail::Container;
using cloudtrail::Kind;
using cloudtrail::Shape;

struct Candidate {
  Finding finding;
  std::size_t file = 0;
  std::uint64_t offset = 0;
  bool addendum = false;
};

struct Shared {
  const std::vector<io::Source>& sources;
  const Detector& rules;
  const Options& opts;
  Diagnostics& diag;
  std::shared_ptr<const Prefilter> prefilter;
  std::size_t whole_limit = 0;  // per worker (Options::whole_file_budget / workers)
  bool read_ahead = false;      // more threads than files: a streamed gzip file is inflated on one of its own
  std::vector<std::size_t> order;  // biggest first
  std::atomic<std::uint64_t> taken{0};  // files taken from the front (low 32 bits) and the back (high)
  std::vector<FileReport> reports;
  std::vector<std::vector<Candidate>> found;
  std::vector<std::vector<Observation>> observed;   // per file: matches correlations count
  std::atomic<std::uint64_t> files_done{0}, bytes_in{0}, bytes_out{0}, records{0};
};

// Counts decoded bytes for the progress line as they flow.
class CountingReader : public io::Reader {
 public:
  CountingReader(io::Decoder& d, Shared& sh) : d_(d), sh_(sh) {}
  Result<std::size_t> read(char* buf, std::size_t n) override {
    std::uint64_t before = d_.bytes_in();
    auto r = d_.read(buf, n);
    sh_.bytes_in.fetch_add(d_.bytes_in() - before, std::memory_order_relaxed);
    if (r) sh_.bytes_out.fetch_add(*r, std::memory_order_relaxed);
    return r;
  }

 private:
  io::Decoder& d_;
  Shared& sh_;
};

std::string_view account_of(const simdjson::dom::element& e) {
  std::string_view a;
  if (!e["recipientAccountId"].get_string().get(a) && !a.empty()) return a;
  simdjson::dom::element who;
  if (!e["userIdentity"].get(who) && !who["accountId"].get_string().get(a)) return a;
  return {};
}

class Worker {
 public:
  // A worker takes the biggest file left, or with `smallest_first` the smallest: see run().
  Worker(Shared& sh, bool smallest_first)
      : sh_(sh),
        smallest_first_(smallest_first),
        whole_(sh.whole_limit),
        scratch_(sh.prefilter->make_scratch()),
        probe_(sh.prefilter->probe()) {}

  void scan_file(std::size_t idx) {
    const io::Source& src = sh_.sources[idx];
    FileReport& rep = sh_.reports[idx];
    rep.name = src.name;
    auto raw = src.open ? src.open() : Result<std::unique_ptr<io::Reader>>(make_error(ErrorKind::Io, src.name, "no way to open this input"));
    if (!raw) {
      sh_.diag.error(raw.error());
      rep.errors = 1;
      rep.shape = Shape::Invalid;
      return;
    }
    io::Decoder dec(std::move(*raw), src.name, &whole_);
    CountingReader counted(dec, sh_);
    cloudtrail::Framer framer(src.name, sh_.diag, sh_.opts.framing, &frame_buffer_);
    framer.set_probe(probe_);

    bool first = true, digest = false, first_multiline = false;
    Container first_container = Container::TopValue;
    Kind first_kind = Kind::Event;
    std::uint64_t events = 0;  // a record holds one, a CloudWatch Logs envelope a batch, a digest none
    std::uint64_t no_identity = 0, no_identity_offset = 0, no_identity_line = 0;
    const Options& o = sh_.opts;
    bool was_first = false;

    // One event of record `r`: its text, or why it cannot be had.
    auto on_event = [&](const cloudtrail::RawRecord& r, Kind k, std::string_view text, std::string_view error) -> bool {
      ++events;
      if (!error.empty()) {
        framer.error(r.offset, r.line, std::string(error));
        return true;
      }
      const bool own = text.data() == r.bytes.data();  // not unwrapped: the framer's marks are for it
      if (!(r.probed && own ? sh_.prefilter->maybe(text, *scratch_, r.offset, r.hits)
                            : sh_.prefilter->maybe(text, *scratch_)))
        return true;
      ++rep.parsed;
      simdjson::dom::element ev;
      auto kr = parser_.parse(text, k, ev);
      if (!kr) {
        if (kr.error().what == cloudtrail::kNoUserIdentity) {
          if (no_identity++ == 0) {
            no_identity_offset = r.offset;
            no_identity_line = r.line;
          }
        } else {
          framer.error(r.offset, r.line, kr.error().what);
        }
        return true;
      }
      if (*kr == Kind::Digest) {  // not an event after all
        digest = true;
        --events;
        return true;
      }
      if (was_first && *kr == Kind::EventBridge) first_kind = Kind::EventBridge;
      if (o.since_ms || o.until_ms) {
        std::string_view t;
        if (ev["eventTime"].get_string().get(t)) return true;
        auto ms = parse_iso8601_ms(t);
        if (!ms || (o.since_ms && *ms < *o.since_ms) || (o.until_ms && *ms >= *o.until_ms)) return true;
      }
      if (!o.accounts.empty()) {
        std::string_view a = account_of(ev);
        if (std::find(o.accounts.begin(), o.accounts.end(), a) == o.accounts.end()) return true;
      }
      cloudtrail::EventView view;
      view.event = ev;
      view.raw = text;
      view.input = src.name;
      view.offset = r.offset;
      view.line = r.container == Container::TopValue ? r.line : 0;
      matches_.clear();
      if (const sigma::RuleSet* corr = sh_.rules.correlations()) {
        feed_.clear();
        sh_.rules.match_feed(view, matches_, feed_);
        for (const sigma::Match& m : feed_)
          sh_.observed[idx].push_back(observe(*corr, m.rule, view, make_finding(view, sh_.rules.info(m.rule), m.severity)));
      } else {
        sh_.rules.match(view, matches_);
      }
      for (const sigma::Match& m : matches_) {
        if (m.severity < o.min_severity) continue;
        Candidate c;
        c.finding = make_finding(view, sh_.rules.info(m.rule), m.severity);
        c.file = idx;
        c.offset = r.offset;
        c.addendum = !ev["addendum"].error();
        sh_.found[idx].push_back(std::move(c));
      }
      return true;
    };
    auto on_record = [&](const cloudtrail::RawRecord& r) -> bool {
      const Kind k = cloudtrail::sniff(r);
      if (first) {
        first_container = r.container;
        first_kind = k;
        first_multiline = std::memchr(r.bytes.data(), '\n', r.bytes.size()) != nullptr;
      }
      was_first = first;
      first = false;
      if (k == Kind::Digest) {
        digest = true;
        return true;
      }
      if (k == Kind::Event || k == Kind::EventBridge) return on_event(r, k, r.bytes, {});
      return parser_.for_each_event(
          r, k, [&](std::string_view text, std::string_view error) { return on_event(r, k, text, error); });
    };
    if (auto all = dec.take_whole()) {  // decoded in one call: framed where it lies
      static_assert(io::kWholeTail >= cloudtrail::kInPlaceTail);
      sh_.bytes_in.fetch_add(dec.bytes_in(), std::memory_order_relaxed);
      sh_.bytes_out.fetch_add(all->size(), std::memory_order_relaxed);
      framer.run_in_place(all->data(), all->size(), on_record, &dec);  // the CRC32 checked as it goes
    } else if (sh_.read_ahead && dec.gzip()) {  // inflated on another thread while this one frames and matches
      io::ReadAhead ahead(counted, src.name);
      framer.run(ahead, on_record);
    } else {
      framer.run(counted, on_record);
    }

    if (no_identity > 0) {
      framer.error(no_identity_offset, no_identity_line,
                   no_identity == 1 ? std::string(cloudtrail::kNoUserIdentity)
                                    : "events without userIdentity skipped: " + std::to_string(no_identity) +
                                          " in this file, the first here");
    }
    const cloudtrail::FramerStats& st = framer.stats();
    rep.gzip = dec.gzip();
    rep.bytes_in = dec.bytes_in();
    rep.bytes_out = dec.bytes_out();
    rep.records = events;
    rep.errors = st.errors;
    sh_.records.fetch_add(rep.records, std::memory_order_relaxed);
    if (digest && rep.records == 0) {
      rep.shape = Shape::Digest;
      sh_.diag.note(src.name, "CloudTrail digest file (no events), skipped");
    } else if (rep.records == 0) {
      rep.shape = st.errors > 0 ? Shape::Invalid : Shape::Empty;
    } else {
      switch (first_container) {
        case Container::RecordsArray: rep.shape = Shape::S3Records; break;
        case Container::EventsArray: rep.shape = Shape::LookupEvents; break;
        case Container::LogEventsArray: rep.shape = Shape::CloudWatchLogs; break;
        case Container::TopArray:
          rep.shape = first_kind == Kind::EventBridge ? Shape::EventBridge
                      : first_kind == Kind::Lookup    ? Shape::LookupEvents
                      : first_kind == Kind::LogEvent || first_kind == Kind::LogEnvelope ? Shape::CloudWatchLogs
                                                      : Shape::JsonArray;
          break;
        case Container::TopValue:
          rep.shape = first_kind == Kind::EventBridge ? Shape::EventBridge
                      : first_kind == Kind::Lookup    ? Shape::LookupEvents
                      : first_kind == Kind::LogEvent || first_kind == Kind::LogEnvelope ? Shape::CloudWatchLogs
                      : st.json_lines || !first_multiline ? Shape::JsonLines
                                                      : Shape::SingleEvent;
          break;
      }
    }
  }

  void loop() {
    for (;;) {
      const std::uint64_t n = sh_.order.size();
      std::uint64_t t = sh_.taken.load(std::memory_order_relaxed), step = smallest_first_ ? 1ull << 32 : 1;
      do {
        if ((t & 0xffffffffu) + (t >> 32) >= n) return;
      } while (!sh_.taken.compare_exchange_weak(t, t + step, std::memory_order_relaxed));
      const std::size_t idx = sh_.order[smallest_first_ ? n - 1 - (t >> 32) : (t & 0xffffffffu)];
      try {
        scan_file(idx);
      } catch (const std::exception& e) {  // e.g. out of memory: this file only
        sh_.diag.error(ErrorKind::Io, sh_.sources[idx].name, std::string("scan failed: ") + e.what());
        ++sh_.reports[idx].errors;
      }
      sh_.files_done.fetch_add(1, std::memory_order_relaxed);
    }
  }

 private:
  Shared& sh_;
  bool smallest_first_ = false;
  cloudtrail::RecordParser parser_;
  cloudtrail::FrameBuffer frame_buffer_;
  io::WholeFile whole_;
  std::unique_ptr<Prefilter::Scratch> scratch_;
  KeyProbe probe_;  // the prefilter's, for the framer
  std::vector<sigma::Match> matches_, feed_;
};

}  // namespace

Report run(const std::vector<io::Source>& sources, const Detector& rules, const Options& opts, FindingSink& sink,
           Diagnostics& diag) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t errors_before = diag.error_count();
  Shared sh{sources, rules, opts, diag, nullptr, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
  if (opts.prefilter) {
    auto p = Prefilter::compile(rules.prefilter_literals());
    if (p) {
      sh.prefilter = *p;
    } else {
      diag.warning("prefilter", p.error().what + "; scanning without it");
      sh.prefilter = Prefilter::pass_all();
    }
  } else {
    sh.prefilter = Prefilter::pass_all();
  }
  sh.reports.resize(sources.size());
  sh.found.resize(sources.size());
  sh.observed.resize(sources.size());
  sh.order.resize(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) sh.order[i] = i;
  // biggest first, so one large file does not start last
  std::stable_sort(sh.order.begin(), sh.order.end(),
                   [&](std::size_t a, std::size_t b) { return sources[a].size_hint > sources[b].size_hint; });

  unsigned jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  sh.read_ahead = jobs > sources.size();
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(1, sources.size())));
  sh.whole_limit = opts.whole_file_budget / jobs;

  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread monitor;
  if (opts.progress) {
    monitor = std::thread([&] {
      std::unique_lock<std::mutex> lock(mu);
      while (!cv.wait_for(lock, std::chrono::milliseconds(250), [&] { return done; })) {
        Progress p;
        p.files_done = sh.files_done.load();
        p.files_total = sources.size();
        p.bytes_in = sh.bytes_in.load();
        p.bytes_out = sh.bytes_out.load();
        p.records = sh.records.load();
        p.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        opts.progress(p);
      }
    });
  }

  if (jobs <= 1) {
    Worker(sh, false).loop();
  } else {
    std::vector<std::thread> threads;
    // The last worker works from the smallest file up while the others take the biggest first:
    // they meet in the middle, so that only the others' buffers grow to the biggest files'
    // size (fresh memory is dear: the kernel zeroes every page), and the run still ends on
    // small files.
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back([&sh, j, jobs] { Worker(sh, j + 1 == jobs).loop(); });
    for (auto& t : threads) t.join();
  }
  if (monitor.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu);
      done = true;
    }
    cv.notify_all();
    monitor.join();
  }

  // De-duplicate re-deliveries (same event, same rule: keep the addendum copy), then order.
  // The candidates stay where the workers put them and are ordered by pointer: copying them
  // into one vector would touch fresh memory, about a page per five findings, and page faults
  // are dear on virtual machines.
  std::vector<Candidate*> all;
  std::size_t total = 0;
  for (const auto& v : sh.found) total += v.size();
  all.reserve(total);
  for (auto& v : sh.found)
    for (Candidate& c : v) all.push_back(&c);
  std::vector<Candidate> fired_candidates;
  if (const sigma::RuleSet* corr = rules.correlations()) {
    // Correlations: every counted match, in event-time order, through one correlator.
    std::vector<Observation> obs;
    for (auto& v : sh.observed)
      for (auto& o : v) obs.push_back(std::move(o));
    std::stable_sort(obs.begin(), obs.end(), observation_less);
    Correlator local(*corr);
    Correlator& cor = opts.correlator ? *opts.correlator : local;
    std::vector<Finding> fired;
    for (const Observation& o : obs) cor.feed(o, fired);
    fired_candidates.reserve(fired.size());
    for (Finding& f : fired) {
      if (f.severity < opts.min_severity) continue;
      Candidate c;
      c.finding = std::move(f);
      c.file = sources.size();
      fired_candidates.push_back(std::move(c));
    }
    for (Candidate& c : fired_candidates) all.push_back(&c);
  }
  std::unordered_map<std::string, std::size_t> best;
  std::vector<bool> keep(all.size(), true);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Finding& f = all[i]->finding;
    if (f.event.event_id.empty()) continue;
    std::string key = f.event.event_id + '\x1f' + f.id + '\x1f' + f.account;
    auto [it, fresh] = best.emplace(key, i);
    if (fresh) continue;
    std::size_t j = it->second;
    if (all[i]->addendum && !all[j]->addendum) {
      keep[j] = false;
      it->second = i;
    } else {
      keep[i] = false;
    }
  }
  std::vector<Candidate*> out;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (keep[i]) out.push_back(all[i]);
  std::stable_sort(out.begin(), out.end(), [](const Candidate* a, const Candidate* b) {
    if (finding_less(a->finding, b->finding)) return true;
    if (finding_less(b->finding, a->finding)) return false;
    return std::tie(a->file, a->offset) < std::tie(b->file, b->offset);
  });

  Report rep;
  sink.begin();
  for (const Candidate* c : out) {
    ++rep.findings;
    ++rep.by_severity[static_cast<std::size_t>(c->finding.severity)];
    if (!sink.on_finding(c->finding)) {
      rep.stopped = true;
      break;
    }
  }
  sink.finish();

  for (const FileReport& f : sh.reports) {
    ++rep.files;
    rep.records += f.records;
    rep.parsed += f.parsed;
    rep.bytes_in += f.bytes_in;
    rep.bytes_out += f.bytes_out;
  }
  rep.per_file = std::move(sh.reports);
  rep.errors = diag.error_count() - errors_before;
  rep.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace rg::scan
