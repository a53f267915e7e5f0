// rootguard watch DIR|s3://BUCKET/PREFIX: follow CloudTrail logs, scan each new file once, alert
// through the durable outbox, file cases (respond/watch.h does the work; this is the loop:
// inotify wake-ups with a periodic rescan as the safety net, signals, the health line).
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <tuple>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <cctype>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/s3.h"
#include "aws/sqs.h"
#include "cli/aws_flags.h"
#include "cli/command.h"
#include "core/cpu.h"
#include "cli/rule_flags.h"
#include "cli/sink_flags.h"
#include "cli/state_flags.h"
#include "core/time.h"
#include "core/severity.h"
#include "io/env.h"
#include "respond/cases.h"
#include "respond/outbox.h"
#include "respond/sinks/sink.h"
#include "respond/watch.h"
#include "sigma/ruleset.h"

namespace rg::cli {

namespace {

struct WatchFlags {
  std::string dir;
  StateFlags state;
  std::vector<std::string> sinks;
  RuleFlags rules;
  std::string interval = "60s", settle = "5s", case_min = "high", visibility = "5m";
  std::string lookback;  // empty: 48h for s3://, everything for a local directory
  int max_receives = 5;
  bool once = false;
  AwsFlags aws;  // sns: sinks
};

std::atomic<int> g_signal{0};
int g_wake[2] = {-1, -1};

void on_signal(int sig) {
  g_signal.store(sig);
  if (g_wake[1] >= 0) {
    char c = 1;
    ssize_t n = ::write(g_wake[1], &c, 1);
    (void)n;
  }
}

int fail(const std::string& what) {
  std::fprintf(stderr, "rootguard: error: %s\n", what.c_str());
  return kExitError;
}

// Watches dir and every directory under it (inotify is not recursive); new ones are added on
// each pass. Only a wake-up signal: what changed is found by listing.
class DirWatch {
 public:
  DirWatch() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}
  ~DirWatch() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }
  void cover(const std::string& root) {
    if (fd_ < 0) return;
    add(root);
    std::error_code ec;
    for (std::filesystem::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_directory(ec)) add(it->path().string());
  }
  void drain() {
    alignas(inotify_event) char buf[8192];
    while (fd_ >= 0 && ::read(fd_, buf, sizeof buf) > 0) {
    }
  }

 private:
  void add(const std::string& d) {
    if (seen_.count(d)) return;
    if (::inotify_add_watch(fd_, d.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) >= 0) seen_.insert(d);
  }
  int fd_;
  std::set<std::string> seen_;
};

// Alerts pending, sent and rejected over every sink (for the health line).
std::tuple<std::uint64_t, std::uint64_t, std::uint64_t> outbox_totals(respond::Outbox& outbox) {
  std::uint64_t pending = 0, sent = 0, rejected = 0;
  if (auto status = outbox.status(); status.ok())
    for (const auto& st : *status) {
      pending += st.counts.pending;
      sent += st.counts.sent;
      rejected += st.counts.rejected;
    }
  return {pending, sent, rejected};
}

// Keeps one SQS message invisible to other workers while its objects are scanned: every half
// visibility timeout it asks for another full one.
class VisibilityKeeper {
 public:
  VisibilityKeeper(aws::SqsQueue& q, const aws::SqsMessage& m, std::int64_t visibility_ms, Diagnostics& diag)
      : thread_([this, &q, &m, visibility_ms, &diag] {
          std::unique_lock<std::mutex> lock(mu_);
          while (!cv_.wait_for(lock, std::chrono::milliseconds(visibility_ms / 2), [this] { return stop_; })) {
            lock.unlock();
            Status s = q.extend(m, static_cast<int>(visibility_ms / 1000));
            lock.lock();
            if (!s.ok()) diag.warning(q.url(), "message " + m.id + ": could not extend its visibility: " + s.error().what);
          }
        }) {}
  ~VisibilityKeeper() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// --once: every alert due now goes out before the exit, however many of the outbox's batches
// that takes (one pass offers a sink 200). A sink that fails has its alerts rescheduled, no
// longer due now, so this ends; they wait for the next run. False, told, when the store fails.
bool deliver_all_due(respond::Watcher& watcher, Diagnostics& diag) {
  for (;;) {
    auto d = watcher.deliver(wall_ms(), diag);
    if (!d.ok()) {
      std::fprintf(stderr, "rootguard: error: %s\n", d.error().str().c_str());
      return false;
    }
    if (d->sent + d->retried + d->rejected == 0) return true;
  }
}

// rootguard watch sqs://QUEUE_URL: receive S3 object notifications, scan each object, store
// its findings (one transaction per object, shared with any number of other workers through
// the store), and delete the message only then. A message that keeps failing is left to the
// queue's redrive policy after --max-receives tries.
int sqs_loop(const WatchFlags& f, aws::SqsQueue& queue, respond::Watcher& watcher, respond::Outbox& outbox,
             respond::Store& store, Diagnostics& diag, std::int64_t interval, std::int64_t visibility) {
  std::fprintf(stderr, "rootguard: watch: consuming %s with %s (%zu sink(s), visibility %s)\n", queue.url().c_str(),
               store.describe().c_str(), f.sinks.size(), f.visibility.c_str());
  std::int64_t last_health = wall_ms();
  std::uint64_t deleted = 0, left = 0, done_at_last = 0;
  const int wait_s = static_cast<int>(std::clamp<std::int64_t>(interval / 1000, 0, 20));
  for (;;) {
    respond::PassReport rep;
    auto msgs = queue.receive(10, f.once ? 0 : wait_s, static_cast<int>(visibility / 1000));
    if (!msgs.ok()) {
      diag.error(msgs.error());
      if (f.once) return kExitError;
      ::poll(nullptr, 0, static_cast<int>(std::min<std::int64_t>(interval, 5000)));
    } else {
      for (const aws::SqsMessage& m : *msgs) {
        if (g_signal.load()) break;  // not started: it becomes visible again for another worker
        auto objects = aws::parse_s3_notification(m.body);
        if (!objects.ok()) {
          diag.error(ErrorKind::Invalid, queue.url(),
                     "message " + m.id + ": " + objects.error().what + "; left to the queue's redrive policy");
          ++left;
          continue;
        }
        bool ok = true;
        {
          VisibilityKeeper keep(queue, m, visibility, diag);
          for (const aws::NotifiedObject& o : *objects) {
            std::vector<io::Source> src = aws::s3_sources(queue.client(), o.bucket, {aws::S3Object{o.key, o.size}});
            ++rep.files_seen;
            auto outcome = watcher.process(src.at(0), false, wall_ms(), diag, rep);
            if (!outcome.ok()) {
              diag.error(outcome.error());
              ok = false;
              break;
            }
            if (*outcome == respond::Watcher::Outcome::Done) ++rep.files_scanned;
            if (*outcome == respond::Watcher::Outcome::Unreadable) ok = false;
          }
        }
        if (!ok) {
          ++left;
          if (m.receive_count >= f.max_receives)
            diag.warning(queue.url(), "message " + m.id + " failed " + std::to_string(m.receive_count) +
                                          " times; left to the queue's redrive policy (dead-letter queue)");
          continue;  // not deleted: it comes back after its visibility timeout
        }
        Status del = queue.remove(m);
        if (del.ok()) ++deleted;
        else diag.warning(queue.url(), "message " + m.id + ": stored, but not deleted (" + del.error().what +
                                           "); it will come back and be recognised as done");
      }
    }
    auto delivered = watcher.deliver(wall_ms(), diag);
    if (!delivered.ok()) {
      std::fprintf(stderr, "rootguard: error: %s\n", delivered.error().str().c_str());
      return kExitError;
    }
    rep.delivery = *delivered;
    watcher.record(rep);
    const std::int64_t now = wall_ms();
    const bool idle = msgs.ok() && msgs->empty();
    if (f.once && idle && !deliver_all_due(watcher, diag)) return kExitError;
    if (f.once || now - last_health >= interval || g_signal.load()) {
      const auto [pending, sent, rejected] = outbox_totals(outbox);
      const auto& t = watcher.totals();
      std::fprintf(stderr,
                   "rootguard: watch: health: %llu objects done (%llu since last), %llu messages deleted, %llu left for "
                   "retry, %llu findings, alerts %llu sent, %llu pending, %llu rejected\n",
                   static_cast<unsigned long long>(t.files_scanned),
                   static_cast<unsigned long long>(t.files_scanned - done_at_last),
                   static_cast<unsigned long long>(deleted), static_cast<unsigned long long>(left),
                   static_cast<unsigned long long>(t.findings), static_cast<unsigned long long>(sent),
                   static_cast<unsigned long long>(pending), static_cast<unsigned long long>(rejected));
      last_health = now;
      done_at_last = t.files_scanned;
    }
    if (f.once && idle) return diag.error_count() ? kExitError : kExitClean;
    if (int sig = g_signal.load()) {
      std::fprintf(stderr, "rootguard: watch: stopped by %s; state is saved\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      return kExitClean;
    }
  }
}

int run_watch(const WatchFlags& f) {
  auto interval = parse_duration_ms(f.interval);
  if (!interval || *interval < 100) return fail("--interval '" + f.interval + "': use e.g. 60s, 5m, 500ms");
  auto settle = parse_duration_ms(f.settle);
  if (!settle) return fail("--settle '" + f.settle + "': use e.g. 5s");
  respond::CasePolicy policy;
  policy.min_severity = *parse_severity(f.case_min);  // checked as the flag was read
  const bool s3 = f.dir.rfind("s3://", 0) == 0;
  const bool sqs = f.dir.rfind("sqs://", 0) == 0;
  std::string queue_url;
  if (sqs) {
    auto u = aws::parse_sqs_spec(f.dir);
    if (!u.ok()) return fail(u.error().str());
    queue_url = *u;
  }
  auto visibility = parse_duration_ms(f.visibility);
  if (!visibility || *visibility < 2000 || *visibility > 12 * 3600 * 1000)
    return fail("--visibility '" + f.visibility + "': between 2s and 12h, e.g. 5m");
  if (f.max_receives < 1) return fail("--max-receives must be at least 1");
  auto lookback = parse_duration_ms(f.lookback.empty() ? "48h" : f.lookback);
  if (!lookback) return fail("--lookback '" + f.lookback + "': use e.g. 48h, 7d");
  std::error_code ec;
  if (!s3 && !sqs && !std::filesystem::is_directory(f.dir, ec)) return fail(f.dir + ": not a directory");
  std::optional<aws::S3Location> where;
  if (s3) {
    auto loc = aws::parse_s3_url(f.dir);
    if (!loc.ok()) return fail(loc.error().str());
    where = *loc;
  }
  if (f.sinks.empty()) return fail("watch needs at least one --sink (e.g. --sink file:alerts.jsonl, --sink stdout)");

  // Diagnostics: one line each; a line already printed is not printed again every pass.
  std::set<std::string> printed;
  Diagnostics diag([&](Diagnostics::Level level, const std::string& line) {
    if (!printed.insert(line).second) return;
    const char* tag = level == Diagnostics::Level::Error ? "error" : level == Diagnostics::Level::Warning ? "warning" : "note";
    std::fprintf(stderr, "rootguard: %s: %s\n", tag, line.c_str());
  });
  if (auto w = simd_setting_warning()) diag.warning("RG_SIMD", *w);

  auto store = respond::open_store(f.state.spec());
  if (!store.ok()) return fail(store.error().str());

  std::shared_ptr<aws::Client> aws_client;
  if (s3 || sqs || sinks_call_aws(f.sinks)) {
    auto c = make_client(f.aws);
    if (!c.ok()) return fail(c.error().str());
    aws_client = *c;
  }
  const respond::SinkOptions so = sink_options(aws_client);

  respond::Outbox outbox(**store, respond::RetryPolicy{});
  for (const std::string& spec : f.sinks) {
    auto s = respond::make_sink(spec, so);
    if (!s.ok()) return fail(s.error().str());
    outbox.add_sink(spec, std::move(*s));
  }
  respond::CaseBook cases(**store, policy);

  sigma::LoadOptions lo = rule_load_options(f.rules, diag);
  lo.tests = false;
  sigma::RuleSet rules = sigma::load_rules(lo, diag);
  if (diag.error_count()) return fail("fix the rules above before watching");

  respond::WatchOptions wo;
  wo.scan.temp_dir = io::temp_dir();
  wo.dir = f.dir;
  wo.settle_ms = *settle;
  if (!s3 && !sqs && !f.lookback.empty()) wo.lookback_ms = *lookback;
  if (s3) {
    // Each poll lists the days within --lookback (CloudTrail's key layout prunes the rest) and
    // scans the objects the store has not seen. A start-after cursor alone would miss the
    // objects CloudTrail delivers late under an earlier name; the done-set does not. The
    // listing runs on a thread of its own as the pass takes its objects, a few thousand at a
    // time, so a day of an Organization's objects is never held whole.
    wo.list = [client = aws_client, loc = *where, back = *lookback](std::int64_t now_ms, Diagnostics& d) {
      aws::TrailFilter filter;
      filter.since_ms = now_ms - back;
      std::unique_ptr<io::BackgroundStream> listed = aws::s3_stream(client, loc, filter, d);
      listed->release();
      return std::unique_ptr<io::SourceStream>(std::move(listed));
    };
  }
  respond::Watcher watcher(**store, outbox, cases, rules, wo);

  if (::pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) return fail(std::string("pipe: ") + std::strerror(errno));
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  if (sqs) {
    aws::SqsQueue queue(aws_client, queue_url);
    return sqs_loop(f, queue, watcher, outbox, **store, diag, *interval, *visibility);
  }

  DirWatch dw;
  std::fprintf(stderr, "rootguard: watch: following %s with %s (%zu sink(s), rescan every %s)\n", f.dir.c_str(),
               (**store).describe().c_str(), f.sinks.size(), f.interval.c_str());
  std::int64_t last_health = wall_ms();
  std::uint64_t done_at_last_health = 0;
  std::string last_error;
  for (;;) {
    if (!s3) dw.cover(f.dir);
    const std::int64_t now = wall_ms();
    const std::uint64_t errors_before = diag.error_count();
    auto r = watcher.pass(now, diag);
    if (!r.ok()) {
      std::fprintf(stderr, "rootguard: error: %s\n", r.error().str().c_str());
      std::fprintf(stderr, "rootguard: watch: stopped; nothing of the file being filed was kept, it is scanned again on restart\n");
      return kExitError;
    }
    if (f.once && !deliver_all_due(watcher, diag)) return kExitError;
    if (diag.error_count() > errors_before) last_error = "see the error lines above";
    const auto& t = watcher.totals();
    if (f.once || now - last_health >= *interval || g_signal.load()) {
      const auto [pending, sent, rejected] = outbox_totals(outbox);
      auto total_done = (**store).files_done_count();
      std::fprintf(stderr,
                   "rootguard: watch: health: %llu files done (%llu since last), %llu waiting to settle, %llu findings, "
                   "alerts %llu sent, %llu pending, %llu rejected%s%s\n",
                   static_cast<unsigned long long>(total_done.ok() ? *total_done : 0),
                   static_cast<unsigned long long>(t.files_scanned - done_at_last_health),
                   static_cast<unsigned long long>(r->files_waiting), static_cast<unsigned long long>(t.findings),
                   static_cast<unsigned long long>(sent), static_cast<unsigned long long>(pending),
                   static_cast<unsigned long long>(rejected), last_error.empty() ? "" : "; last error: ",
                   last_error.c_str());
      last_health = now;
      done_at_last_health = t.files_scanned;
      last_error.clear();
    }
    if (f.once) return diag.error_count() ? kExitError : kExitClean;
    if (int sig = g_signal.load()) {
      std::fprintf(stderr, "rootguard: watch: stopped by %s; state is saved\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      return kExitClean;
    }
    // Sleep until a file event, a signal, the next rescan, a file settling or an alert due.
    std::int64_t wait = *interval;
    if (r->files_waiting) wait = std::min<std::int64_t>(wait, std::max<std::int64_t>(200, *settle / 2));
    if (auto due = outbox.next_due_ms(); due.ok() && *due) wait = std::min<std::int64_t>(wait, std::max<std::int64_t>(50, **due - now));
    pollfd fds[2] = {{dw.fd(), POLLIN, 0}, {g_wake[0], POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(wait));
    if (n > 0 && (fds[0].revents & POLLIN)) {
      dw.drain();
      // Let a burst of writes finish before listing again.
      ::poll(nullptr, 0, 100);
    }
  }
}

}  // namespace

Command register_watch(CLI::App& root) {
  auto f = std::make_shared<WatchFlags>();
  Command c;
  c.app = root.add_subcommand("watch", "Follow a directory of CloudTrail logs: scan each new file once, alert, open cases");
  c.app->add_option("DIR", f->dir, "The directory CloudTrail files arrive in (followed recursively), s3://BUCKET/PREFIX, or sqs://QUEUE_URL "
                    "(S3 object notifications, raw or through SNS)")
      ->required();
  c.app->add_option("--lookback", f->lookback,
                    "Days of CloudTrail's key layout listed at each poll: s3:// (default 48h), or a local copy of a "
                    "trail bucket (default: all)");
  c.app->add_option("--visibility", f->visibility,
                    "sqs://: how long a message stays invisible to other workers, renewed while it is worked on (default 5m)");
  c.app->add_option("--max-receives", f->max_receives,
                    "sqs://: after this many failed tries a message is left to the queue's redrive policy (default 5)");
  c.app->add_option("--endpoint-url", f->aws.endpoint_url, "s3://, sqs://, sns: and securityhub: send AWS requests to this URL")
      ->check(endpoint_url());
  f->state.add_to(c.app);
  c.app->add_option("--sink", f->sinks,
                    "Where alerts go (repeatable): stdout, file:PATH, webhook:URL, slack:URL, syslog:udp://HOST:PORT, "
                    "smtp://..., sns:TOPIC_ARN, securityhub:REGION:ACCOUNT");
  add_rule_flags(c.app, f->rules);
  c.app->add_option("--interval", f->interval, "Rescan and health-line interval (default 60s)");
  c.app->add_option("--settle", f->settle, "A file unchanged this long is complete (default 5s)");
  c.app->add_option("--case-min-severity", f->case_min, "Findings at or above this open or join a case (default high)")
      ->check(severity_name());
  c.app->add_flag("--once", f->once, "One pass (scan what is settled, deliver every alert that is due), then exit");
  c.app->add_option("--profile", f->aws.profile, "s3:// and sns: AWS CLI profile");
  c.app->add_option("--region", f->aws.region, "s3:// and sns: AWS region (the bucket's, for s3://)")->check(region_name());
  c.run = [f] { return run_watch(*f); };
  return c;
}

}  // namespace rg::cli
