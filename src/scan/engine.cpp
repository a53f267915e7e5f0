// The scan engine: workers over files, one ordered hand-over to the sink.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>
#include <tuple>

#include "cloudtrail/framing.h"
#include "cloudtrail/record.h"
#include "core/strings.h"
#include "core/time.h"
#include "io/gzip.h"
#include "io/read_ahead.h"
#include "scan/correlate.h"
#include "scan/prefilter.h"
#include "scan/scan.h"
#include "scan/spill.h"

namespace rg::scan {

namespace {

using cloudtrail::Container;
using cloudtrail::Kind;
using cloudtrail::Shape;

// Where a held record was found: its file, and `seq`, which counts the file's records as
// they come. The last key of every order here, so that the order is total and the same
// however the records were split among workers and spilled runs.
struct Where {
  std::uint64_t file = 0;  // its index in the run (kAfterFiles: made after every file)
  std::uint64_t seq = 0;
  static constexpr std::uint64_t kAfterFiles = std::numeric_limits<std::uint64_t>::max();
  auto operator<=>(const Where&) const = default;
  void put(spill::Out& o) const {
    o.u64(file);
    o.u64(seq);
  }
  void get(spill::In& in) {
    file = in.u64();
    seq = in.u64();
  }
};

// `less` on what the records say, then where they were found.
template <class T, class Less>
bool less_then_where(const T& a, const T& b, Less less) {
  if (less(a, b)) return true;
  if (less(b, a)) return false;
  return a.at < b.at;
}

// What orders a finding (as finding_less does), tells re-deliveries apart, and counts it.
struct Key {
  std::int64_t time_ms = 0;
  std::string event_time, event_id, account, id, resource;
  Severity severity = Severity::Info;

  auto tie() const { return std::tie(time_ms, event_time, event_id, account, id, resource); }
  // Copied from f, or moved out of it (and back with give()).
  static Key copy(const Finding& f) {
    return Key{f.event.time_ms, f.event.event_time, f.event.event_id, f.account, f.id, f.resource, f.severity};
  }
  static Key take(Finding& f) {
    return Key{f.event.time_ms,      std::move(f.event.event_time), std::move(f.event.event_id), std::move(f.account),
               std::move(f.id),      std::move(f.resource),         f.severity};
  }
  void give(Finding& f) {
    f.event.event_time = std::move(event_time);
    f.event.event_id = std::move(event_id);
    f.account = std::move(account);
    f.id = std::move(id);
    f.resource = std::move(resource);
  }
  // Its strings, for what treats them all alike.
  static constexpr std::string Key::*kTexts[] = {&Key::event_time, &Key::event_id, &Key::account, &Key::id,
                                                 &Key::resource};
  void put(spill::Out& o) const {
    o.i64(time_ms);
    for (auto text : kTexts) o.str(this->*text);
    o.u8(static_cast<std::uint8_t>(severity));
  }
  void get(spill::In& in) {
    time_ms = in.i64();
    for (auto text : kTexts) this->*text = in.str();
    severity = static_cast<Severity>(in.u8());
  }
  std::size_t held_bytes() const {
    std::size_t n = 0;
    for (auto text : kTexts) n += spill::held_bytes(this->*text);
    return n;
  }
};

// A finding waiting for its place in the output: its key, and either what the sink prints
// for it, made ahead on a worker (FindingSink::render), or the rest of the finding.
struct Candidate {
  static constexpr std::uint64_t kHasTexts = std::numeric_limits<std::uint64_t>::max();
  Key key;
  Where at;
  bool addendum = false;  // from an addendum re-delivery of the event
  std::string output{};   // made ahead (when `rest` is null)
  std::unique_ptr<Finding> rest{};  // the finding less its key
  // The rule whose texts `rest` takes when it is printed (set_rule_texts), or kHasTexts. A
  // rule's texts are the same in each of its findings: held as an index until then, they are
  // neither copied for each finding nor spilled.
  std::uint64_t texts_of = kHasTexts;

  static Candidate whole(Finding&& f, Where at, bool addendum, std::uint64_t texts_of = kHasTexts) {
    Candidate c{Key::take(f), at, addendum};
    c.rest = std::make_unique<Finding>(std::move(f));
    c.texts_of = texts_of;
    return c;
  }
  static Candidate made_ahead(const Finding& f, Where at, bool addendum, std::string output) {
    return Candidate{Key::copy(f), at, addendum, std::move(output)};
  }
};

struct CandidateCodec {
  static bool less(const Candidate& a, const Candidate& b) {
    return less_then_where(a, b, [](const Candidate& x, const Candidate& y) { return x.key.tie() < y.key.tie(); });
  }
  static std::size_t bytes(const Candidate& c) {
    return sizeof(Candidate) + c.key.held_bytes() + spill::held_bytes(c.output) + (c.rest ? spill::held_bytes(*c.rest) : 0);
  }
  static void put(spill::Out& o, const Candidate& c) {
    c.at.put(o);
    o.u8((c.addendum ? 1 : 0) | (c.rest ? 2 : 0));
    c.key.put(o);
    if (!c.rest) {
      o.str(c.output);
      return;
    }
    o.u64(c.texts_of);
    spill::put(o, *c.rest);
  }
  static void get(spill::In& in, Candidate& c) {
    c.at.get(in);
    const std::uint8_t flags = in.u8();
    c.addendum = (flags & 1) != 0;
    c.key.get(in);
    if (!(flags & 2)) {
      c.output = in.str();
      return;
    }
    c.texts_of = in.u64();
    c.rest = std::make_unique<Finding>();
    spill::get(in, *c.rest);
  }
};

// A match a correlation counts, waiting for its turn in event-time order.
struct Observed {
  Observation obs;
  Where at;
};

struct ObservedCodec {
  static bool less(const Observed& a, const Observed& b) {
    return less_then_where(a, b, [](const Observed& x, const Observed& y) { return observation_less(x.obs, y.obs); });
  }
  static std::size_t bytes(const Observed& o) {
    std::size_t n = sizeof(Observed) + spill::held_bytes(o.obs.finding) - sizeof(Finding) +
                    spill::held_bytes(o.obs.event_id) + o.obs.keys.capacity() * sizeof(Observation::Key);
    for (const Observation::Key& k : o.obs.keys) n += spill::held_bytes(k.group) + spill::held_bytes(k.value);
    return n;
  }
  static void put(spill::Out& o, const Observed& x) {
    x.at.put(o);
    o.u8(x.obs.source.correlation ? 1 : 0);
    o.u64(x.obs.source.index);
    o.i64(x.obs.time_ms);
    o.str(x.obs.event_id);
    o.u64(x.obs.keys.size());
    for (const Observation::Key& k : x.obs.keys) {
      o.u64(k.correlation);
      o.str(k.group);
      o.str(k.value);
    }
    spill::put(o, x.obs.finding);
  }
  static void get(spill::In& in, Observed& x) {
    x.at.get(in);
    x.obs.source.correlation = in.u8() != 0;
    x.obs.source.index = static_cast<std::uint32_t>(in.u64());
    x.obs.time_ms = in.i64();
    x.obs.event_id = in.str();
    const std::uint64_t n = in.u64();
    x.obs.keys.clear();
    for (std::uint64_t i = 0; i < n && in.ok(); ++i) {
      Observation::Key k;
      k.correlation = static_cast<std::uint32_t>(in.u64());
      k.group = in.str();
      k.value = in.str();
      x.obs.keys.push_back(std::move(k));
    }
    spill::get(in, x.obs.finding);
  }
};

using CandidateSpiller = spill::Spiller<Candidate, CandidateCodec>;
using ObservedSpiller = spill::Spiller<Observed, ObservedCodec>;

// A batch of sources from the stream, scheduled biggest first: a run holds one batch (and
// the stream what waits behind it), never the list of every input.
struct Window {
  std::vector<io::Source> own;         // taken from a stream (empty: `src` is the caller's list)
  const io::Source* src = nullptr;
  std::size_t n = 0;
  std::uint64_t first = 0;             // the index in the run of src[0]
  std::vector<std::uint32_t> order;    // biggest first
  std::size_t front = 0, back = 0;     // taken from either end of `order`

  void schedule() {
    order.resize(n);
    std::iota(order.begin(), order.end(), std::uint32_t{0});
    // biggest first, so one large file does not start last
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return src[a].size_hint > src[b].size_hint; });
  }
};

struct Shared {
  Shared(const Detector& r, const Options& o, Diagnostics& d) : rules(r), opts(o), diag(d) {}
  const Detector& rules;
  const Options& opts;
  Diagnostics& diag;
  std::shared_ptr<const Prefilter> prefilter;
  const FindingSink* ahead = nullptr;  // the sink, when it renders findings ahead (on the workers)
  std::size_t whole_limit = 0;  // per worker (Options::whole_file_budget / workers)
  Reuse* reuse = nullptr;       // the caller's buffers, for a run with one worker (Options::reuse)
  bool read_ahead = false;      // more threads than files: a streamed gzip file is inflated on one of its own

  // Files are taken one at a time from the window, which is refilled from the stream when
  // it runs out (under take_mu: the other workers wait for the batch anyway).
  io::SourceStream* stream = nullptr;  // null: the one window is the whole list
  std::mutex take_mu;
  std::shared_ptr<Window> window;
  std::atomic<bool> ended{false};      // the stream has ended (or there is none)
  std::atomic<std::uint64_t> listed{0};  // sources taken from the stream so far

  std::mutex totals_mu;
  FileReport totals;
  std::vector<FileReport>* per_file = nullptr;  // filled by index when the run is over a list
  std::vector<std::unique_ptr<CandidateSpiller>> found;    // per worker
  std::vector<std::unique_ptr<ObservedSpiller>> observed;  // per worker: matches correlations count
  std::atomic<std::uint64_t> files_done{0}, bytes_in{0}, bytes_out{0}, records{0};

  // The next batch from the stream (under take_mu); false when there is none.
  bool pull() {
    if (ended || !stream) return false;
    auto w = std::make_shared<Window>();
    const std::size_t batch = std::max<std::size_t>(1, opts.stream_batch);
    const std::size_t n = stream->next(w->own, batch);
    if (n < batch) ended = true;
    if (n == 0) return false;
    w->src = w->own.data();
    w->n = n;
    w->first = listed.load(std::memory_order_relaxed);
    listed.fetch_add(n, std::memory_order_relaxed);
    w->schedule();
    window = std::move(w);
    return true;
  }

  // A file to scan: the biggest left in the window, or with `smallest_first` the smallest
  // (see run()); false when every file is taken.
  bool take(bool smallest_first, std::shared_ptr<Window>& w, std::size_t& i) {
    std::lock_guard<std::mutex> lock(take_mu);
    for (;;) {
      Window* cur = window.get();
      if (cur && cur->front + cur->back < cur->n) {
        i = smallest_first ? cur->order[cur->n - 1 - cur->back++] : cur->order[cur->front++];
        w = window;
        return true;
      }
      if (!pull()) return false;
    }
  }

  void done(FileReport& rep, std::uint64_t file) {
    std::lock_guard<std::mutex> lock(totals_mu);
    totals.bytes_in += rep.bytes_in;
    totals.bytes_out += rep.bytes_out;
    totals.records += rep.records;
    totals.parsed += rep.parsed;
    if (per_file) (*per_file)[file] = std::move(rep);
  }
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
  Worker(Shared& sh, unsigned index, bool smallest_first)
      : sh_(sh),
        found_(*sh.found[index]),
        observed_(*sh.observed[index]),
        smallest_first_(smallest_first),
        own_(sh.reuse ? nullptr : std::make_unique<Reuse>(sh.whole_limit)),
        bufs_(sh.reuse ? *sh.reuse : *own_),
        scratch_(sh.prefilter->make_scratch()),
        probe_(sh.prefilter->probe()) {}

  void scan_file(const io::Source& src, std::uint64_t file, FileReport& rep) {
    if (sh_.per_file) rep.name = src.name;
    auto raw = src.open ? src.open() : Result<std::unique_ptr<io::Reader>>(make_error(ErrorKind::Io, src.name, "no way to open this input"));
    if (!raw) {
      sh_.diag.error(raw.error());
      rep.errors = 1;
      rep.shape = Shape::Invalid;
      return;
    }
    io::Decoder dec(std::move(*raw), src.name, &bufs_.whole);
    CountingReader counted(dec, sh_);
    cloudtrail::Framer framer(src.name, sh_.diag, sh_.opts.framing, &bufs_.frames);
    framer.set_probe(probe_);

    bool first = true, digest = false, first_multiline = false;
    Container first_container = Container::TopValue;
    Kind first_kind = Kind::Event;
    std::uint64_t events = 0;  // a record holds one, a CloudWatch Logs envelope a batch, a digest none
    cloudtrail::NoIdentityCount no_identity;
    const Options& o = sh_.opts;
    bool was_first = false;
    std::uint64_t seq = 0;

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
        if (kr.error().what == cloudtrail::kNoUserIdentity) no_identity.add(r);
        else framer.error(r.offset, r.line, kr.error().what);
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
      feed_.clear();
      const sigma::RuleSet* corr = sh_.rules.correlations();
      if (corr) sh_.rules.match_feed(view, matches_, feed_);
      else sh_.rules.match(view, matches_);
      // What the event says is read once, whatever the number of rules that matched it.
      std::size_t kept = 0;
      for (const sigma::Match& m : matches_) kept += m.severity >= o.min_severity;
      if (kept + feed_.size() == 0) return true;
      bool addendum = false;  // a late re-delivery of the event
      Finding base = event_finding(view, &addendum);
      // Findings held whole are copies of base, the last one base itself, without the rule's
      // texts (a correlation's finding has its own; a rule's are added as it is printed).
      // Findings rendered ahead are rendered from base, which takes each rule's fields in turn.
      const FindingSink* ahead = sh_.ahead;
      std::size_t uses = feed_.size() + (ahead ? (kept > 0) : kept);
      auto finding_for = [&](const sigma::Match& m) {
        Finding f = --uses ? base : std::move(base);
        set_rule_key(f, sh_.rules.info(m.rule), m.severity);
        return f;
      };
      for (const sigma::Match& m : feed_)
        observed_.add(Observed{observe(*corr, m.rule, view, finding_for(m)), Where{file, seq++}});
      for (const sigma::Match& m : matches_) {
        if (m.severity < o.min_severity) continue;
        if (!ahead) {
          found_.add(Candidate::whole(finding_for(m), Where{file, seq++}, addendum, m.rule));
          continue;
        }
        set_rule(base, sh_.rules.info(m.rule), m.severity);
        found_.add(Candidate::made_ahead(base, Where{file, seq++}, addendum, ahead->render(base)));
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

    no_identity.report(framer);
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
    std::shared_ptr<Window> w;  // held while one of its files is scanned
    std::size_t i = 0;
    while (sh_.take(smallest_first_, w, i)) {
      const io::Source& src = w->src[i];
      const std::uint64_t file = w->first + i;
      FileReport rep;
      try {
        scan_file(src, file, rep);
      } catch (const std::exception& e) {  // e.g. out of memory: this file only
        sh_.diag.error(ErrorKind::Io, src.name, std::string("scan failed: ") + e.what());
        ++rep.errors;
      }
      sh_.done(rep, file);
      sh_.files_done.fetch_add(1, std::memory_order_relaxed);
    }
  }

 private:
  Shared& sh_;
  CandidateSpiller& found_;
  ObservedSpiller& observed_;
  bool smallest_first_ = false;
  cloudtrail::RecordParser parser_;
  std::unique_ptr<Reuse> own_;  // none when the run has the caller's
  Reuse& bufs_;                  // the buffers files are decoded and framed in
  std::unique_ptr<Prefilter::Scratch> scratch_;
  KeyProbe probe_;  // the prefilter's, for the framer
  std::vector<sigma::Match> matches_, feed_;
};

// The run over `stream`, or over `list` when it is null (then with a report per file).
Report run_on(io::SourceStream* stream, const std::vector<io::Source>* list, const Detector& rules,
              const Options& opts, FindingSink& sink, Diagnostics& diag) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t errors_before = diag.error_count();
  Shared sh(rules, opts, diag);
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
  if (sink.renders_ahead()) sh.ahead = &sink;
  std::vector<FileReport> per_file;
  if (stream) {
    sh.stream = stream;
    sh.pull();  // the first batch: when it is all there is, the workers are fitted to it
  } else {
    auto w = std::make_shared<Window>();
    w->src = list->data();
    w->n = list->size();
    w->schedule();
    sh.window = std::move(w);
    sh.ended = true;
    sh.listed = list->size();
    per_file.resize(list->size());
    sh.per_file = &per_file;
  }

  unsigned jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  if (sh.ended) {
    const std::size_t files = sh.window ? sh.window->n : 0;
    sh.read_ahead = jobs > files;
    jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(1, files)));
  }
  sh.whole_limit = opts.whole_file_budget / jobs;
  if (opts.reuse && jobs == 1) sh.reuse = opts.reuse;
  // Half of the findings' budget is the workers' (their findings and the matches correlations
  // count, shared out evenly), half the correlations' findings'.
  spill::Place place(opts.temp_dir, diag);
  const std::size_t held = std::max<std::size_t>(1, opts.findings_budget / 2), per_worker = std::max<std::size_t>(1, held / (2 * jobs));
  for (unsigned j = 0; j < jobs; ++j) {
    sh.found.push_back(std::make_unique<CandidateSpiller>(per_worker, place));
    sh.observed.push_back(std::make_unique<ObservedSpiller>(per_worker, place));
  }

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
        p.files_total = sh.listed.load();
        p.files_listed = sh.ended.load();
        p.bytes_in = sh.bytes_in.load();
        p.bytes_out = sh.bytes_out.load();
        p.records = sh.records.load();
        p.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        opts.progress(p);
      }
    });
  }

  if (jobs <= 1) {
    Worker(sh, 0, false).loop();
  } else {
    std::vector<std::thread> threads;
    // The last worker works from the smallest file up while the others take the biggest first:
    // they meet in the middle, so that only the others' buffers grow to the biggest files'
    // size (fresh memory is dear: the kernel zeroes every page), and the run still ends on
    // small files.
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back([&sh, j, jobs] { Worker(sh, j, j + 1 == jobs).loop(); });
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

  // Correlations: every counted match, in event-time order, through one correlator.
  CandidateSpiller fired(held, place);
  if (const sigma::RuleSet* corr = rules.correlations()) {
    Correlator local(*corr);
    Correlator& cor = opts.correlator ? *opts.correlator : local;
    std::vector<ObservedSpiller*> parts;
    for (auto& p : sh.observed) parts.push_back(p.get());
    std::vector<Finding> out;
    std::uint64_t seq = 0;
    ObservedSpiller::merge(parts, [&](Observed& o) {
      out.clear();
      cor.feed(o.obs, out);
      for (Finding& f : out) {
        if (f.severity < opts.min_severity) continue;
        fired.add(Candidate::whole(std::move(f), Where{Where::kAfterFiles, seq++}, false));
      }
      return true;
    });
  }
  sh.observed.clear();

  // Every finding in order (eventTime, then eventID), re-deliveries left out: of the findings
  // of one event by one rule in one account, the first found is kept, or the first from an
  // addendum re-delivery (it has the corrected fields). They are neighbours in this order, so
  // they are decided one event at a time.
  Report rep;
  std::vector<Candidate> event;  // the findings of one event
  std::vector<std::size_t> by_input;
  std::vector<bool> keep;
  auto emit = [&]() {
    const std::size_t n = event.size();
    keep.assign(n, true);
    if (n > 1) {
      by_input.resize(n);
      std::iota(by_input.begin(), by_input.end(), std::size_t{0});
      std::sort(by_input.begin(), by_input.end(), [&](std::size_t a, std::size_t b) {
        return event[a].at < event[b].at;
      });
      for (std::size_t x = 0; x < n; ++x) {
        const std::size_t i = by_input[x];
        for (std::size_t y = 0; y < x; ++y) {
          const std::size_t j = by_input[y];
          if (!keep[j] || event[j].key.id != event[i].key.id || event[j].key.account != event[i].key.account)
            continue;
          if (event[i].addendum && !event[j].addendum) keep[j] = false;
          else keep[i] = false;
          break;
        }
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!keep[i]) continue;
      ++rep.findings;
      Candidate& c = event[i];
      ++rep.by_severity[static_cast<std::size_t>(c.key.severity)];
      bool more;
      if (c.rest) {
        c.key.give(*c.rest);
        if (c.texts_of != Candidate::kHasTexts) set_rule_texts(*c.rest, rules.info(c.texts_of));
        more = sink.on_finding(*c.rest);
      } else {
        more = sink.on_rendered(c.output);
      }
      if (!more) {
        rep.stopped = true;
        return false;
      }
    }
    event.clear();
    return true;
  };
  auto same_event = [](const Key& a, const Key& b) {
    return !a.event_id.empty() && a.time_ms == b.time_ms && a.event_id == b.event_id && a.event_time == b.event_time;
  };
  std::vector<CandidateSpiller*> parts;
  for (auto& p : sh.found) parts.push_back(p.get());
  parts.push_back(&fired);
  sink.begin();
  if (CandidateSpiller::merge(parts, [&](Candidate& c) {
        if (!event.empty() && !same_event(event.front().key, c.key) && !emit()) return false;
        event.push_back(std::move(c));
        return true;
      }))
    emit();
  sink.finish();

  rep.files = sh.listed.load();
  rep.records = sh.totals.records;
  rep.parsed = sh.totals.parsed;
  rep.bytes_in = sh.totals.bytes_in;
  rep.bytes_out = sh.totals.bytes_out;
  rep.per_file = std::move(per_file);
  rep.errors = diag.error_count() - errors_before;
  rep.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace

Report run(const std::vector<io::Source>& sources, const Detector& rules, const Options& opts, FindingSink& sink,
           Diagnostics& diag) {
  return run_on(nullptr, &sources, rules, opts, sink, diag);
}

Report run(io::SourceStream& sources, const Detector& rules, const Options& opts, FindingSink& sink,
           Diagnostics& diag) {
  return run_on(&sources, nullptr, rules, opts, sink, diag);
}

}  // namespace rg::scan
