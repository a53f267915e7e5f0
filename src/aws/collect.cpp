#include "aws/collect.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "aws/sts.h"
#include "core/redact.h"
#include "core/strings.h"
#include "core/time.h"

namespace fs = std::filesystem;

namespace rg::aws {

Status write_private_file(const fs::path& path, const std::string& content) {
  std::vector<fs::path> chain;
  for (fs::path p = path.parent_path(); !p.empty() && !fs::exists(p); p = p.parent_path()) chain.push_back(p);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
      return make_error(ErrorKind::Io, it->string(), "cannot create directory");
  fs::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorKind::Io, path.string(), "cannot write");
  ::fchmod(fd, 0600);
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n <= 0) {
      ::close(fd);
      return make_error(ErrorKind::Io, path.string(), "write failed");
    }
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return make_error(ErrorKind::Io, path.string(), "cannot rename into place");
  return ok_status();
}

namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "arn:aws:sns:us-east-1:123:topic" -> field i (0-based, split on ':').
std::string arn_field(const std::string& arn, size_t i) {
  auto parts = rg::split(arn, ':');
  return i < parts.size() ? parts[i] : std::string();
}

// A file-name-safe form of a key parameter (trail names, topic names, policy ids).
std::string safe_name(std::string s) {
  for (char& c : s)
    if (c == '/' || c == '\\' || c == '\0') c = '_';
  if (s == "." || s == "..") s = "_";
  return s;
}

class AccountCollector {
 public:
  AccountCollector(Client& client, fs::path dir, const CollectOptions& o, Diagnostics& diag, CollectReport& report,
                   std::mutex& report_mu)
      : client_(client), dir_(std::move(dir)), o_(o), diag_(diag), report_(report), report_mu_(report_mu) {}

  // False, with one error line, when GetCallerIdentity fails: it needs no permission, so the
  // credentials, the region or the endpoint do not work and every other call would fail too
  // (each after its retries).
  bool run() {
    CallResult who =
        save("sts.GetCallerIdentity.json", client_.call(Request{"sts", "GetCallerIdentity"}), OnFailure::Quiet);
    if (!who.ok) {
      diag_.error(ErrorKind::Remote, o_.org ? dir_.filename().string() + ": sts GetCallerIdentity" : "sts GetCallerIdentity",
                  who.error_code + ": " + who.error_message +
                      "; nothing else collected (this call needs no permission: check the credentials, region and endpoint)");
      Json m = Json::object();
      m.set("Account", Json::string(""));
      m.set("Error", error_json(who.error_code, rg::redact_secrets(who.error_message)).members()[0].second);
      if (Status st = write_private_file(dir_ / "rootguard.Collect.json", m.dump()); !st.ok()) diag_.error(st.error());
      return false;
    }
    if (const Json* a = who.response.find("Account"); a && a->is_string()) account_ = a->str();
    save("iam.GetAccountSummary.json", client_.call(Request{"iam", "GetAccountSummary"}));
    credential_report();
    save("iam.ListVirtualMFADevices.json", client_.call_all(Request{"iam", "ListVirtualMFADevices"}, {"Marker", "Marker"}));
    Request contact{"account", "GetContactInformation"};
    contact.path = "/getContactInformation";
    save("account.GetContactInformation.json", client_.call(contact));
    for (const char* type : {"SECURITY", "BILLING", "OPERATIONS"}) {
      Request alt{"account", "GetAlternateContact"};
      alt.path = "/getAlternateContact";
      alt.body.set("AlternateContactType", Json::string(type));
      // ResourceNotFoundException is the answer that no contact of this type is set, which
      // the checks read as such. Most accounts set no BILLING or OPERATIONS contact, so it is
      // counted, not warned of: an Organization of a thousand accounts would otherwise print
      // two thousand warnings about nothing wrong.
      save(std::string("account.GetAlternateContact.") + type + ".json", client_.call(alt), OnFailure::NotFoundIsNotSet);
    }
    regional();
    write_metadata();
    return true;
  }

  const std::string& account() const { return account_; }

 private:
  // What a failed call is: a warning line (the default), nothing said (the caller says it),
  // or, for ResourceNotFoundException, an answer that something is not set (counted).
  enum class OnFailure { Warn, Quiet, NotFoundIsNotSet };
  CallResult save(const std::string& rel, CallResult r, OnFailure on_failure = OnFailure::Warn) {
    Status st = write_private_file(dir_ / rel, r.response.dump());
    std::lock_guard<std::mutex> lock(report_mu_);
    ++report_.calls;
    ++calls_;
    if (!r.ok) {
      ++failed_;  // in the snapshot's metadata: every answer kept as {"Error": ...}
      if (on_failure == OnFailure::NotFoundIsNotSet && r.error_code == "ResourceNotFoundException") {
        ++report_.not_set;
      } else {
        ++report_.calls_failed;
        if (on_failure != OnFailure::Quiet) diag_.warning((dir_ / rel).string(), r.error_code + ": " + r.error_message);
      }
    }
    if (!st.ok()) diag_.error(st.error());
    return r;
  }

  // 250 ms, 500 ms, 1 s, then report_poll_ms: reports of small accounts are ready at once.
  long poll_delay(int i) const { return std::min(o_.report_poll_ms, 250L << std::min(i, 8)); }

  void credential_report() {
    for (int i = 0; i < o_.report_polls; ++i) {
      CallResult g = client_.call(Request{"iam", "GenerateCredentialReport"});
      if (!g.ok) break;  // GetCredentialReport below records what can be had
      const Json* state = g.response.find("State");
      if (state && state->is_string() && state->str() == "COMPLETE") break;
      if (i + 1 < o_.report_polls) std::this_thread::sleep_for(std::chrono::milliseconds(poll_delay(i)));
    }
    CallResult r;
    for (int i = 0; i < o_.report_polls; ++i) {
      r = client_.call(Request{"iam", "GetCredentialReport"});
      if (r.ok || r.error_code != "ReportInProgress") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(poll_delay(i)));
    }
    if (r.ok) {
      if (const Json* t = r.response.find("GeneratedTime"); t && t->is_string()) report_time_ = t->str();
    }
    save("iam.GetCredentialReport.json", std::move(r));
  }

  void regional() {
    std::set<std::string> regions(o_.regions.begin(), o_.regions.end());
    regions.insert(client_.region());
    std::set<std::string> monitored(regions.begin(), regions.end());  // metric filters + alarms
    struct Trail {
      std::string name, arn, home;
    };
    std::vector<Trail> trails;
    std::set<std::string> seen_trails;
    for (const std::string& region : regions) {
      Request dt{"cloudtrail", "DescribeTrails"};
      dt.region = region;
      CallResult r = save(region + "/cloudtrail.DescribeTrails.json", client_.call(dt));
      const Json* list = r.response.find("trailList");
      if (!list || !list->is_array()) continue;
      for (const Json& t : list->items()) {
        auto str = [&](const char* k) {
          const Json* v = t.find(k);
          return v && v->is_string() ? v->str() : std::string();
        };
        Trail tr{str("Name"), str("TrailARN"), str("HomeRegion")};
        if (tr.home.empty()) tr.home = region;
        if (!seen_trails.insert(tr.arn.empty() ? tr.name : tr.arn).second) continue;
        trails.push_back(tr);
        std::string lg = str("CloudWatchLogsLogGroupArn");
        if (!lg.empty() && !arn_field(lg, 3).empty()) monitored.insert(arn_field(lg, 3));
      }
    }
    for (const Trail& t : trails) {
      for (const char* op : {"GetTrailStatus", "GetEventSelectors"}) {
        Request q{"cloudtrail", op};
        q.region = t.home;
        q.body.set(std::string(op) == "GetTrailStatus" ? "Name" : "TrailName", Json::string(t.arn.empty() ? t.name : t.arn));
        save(t.home + "/cloudtrail." + op + "." + safe_name(t.name) + ".json", client_.call(q));
      }
    }
    std::set<std::string> topics;
    for (const std::string& region : monitored) {
      Request mf{"logs", "DescribeMetricFilters"};
      mf.region = region;
      save(region + "/logs.DescribeMetricFilters.json", client_.call_all(mf, {"nextToken", "nextToken"}));
      Request al{"cloudwatch", "DescribeAlarms"};
      al.region = region;
      CallResult alarms = save(region + "/cloudwatch.DescribeAlarms.json", client_.call_all(al, {"NextToken", "NextToken"}));
      if (const Json* list = alarms.response.find("MetricAlarms"); list && list->is_array())
        for (const Json& a : list->items())
          if (const Json* actions = a.find("AlarmActions"); actions && actions->is_array())
            for (const Json& arn : actions->items())
              if (arn.is_string() && arn.str().starts_with("arn:aws:sns:")) topics.insert(arn.str());
    }
    for (const std::string& topic : topics) {
      Request ls{"sns", "ListSubscriptionsByTopic"};
      ls.region = arn_field(topic, 3);
      ls.params = {{"TopicArn", topic}};
      save(ls.region + "/sns.ListSubscriptionsByTopic." + safe_name(arn_field(topic, 5)) + ".json",
           client_.call_all(ls, {"NextToken", "NextToken"}));
    }
  }

  void write_metadata() {
    std::int64_t now = o_.now_ms ? o_.now_ms() : system_now_ms();
    Json m = Json::object();
    m.set("Account", Json::string(account_));
    m.set("CollectedAt", Json::string(rg::format_iso8601(now)));
    m.set("RootguardVersion", Json::string(RG_VERSION));
    if (!report_time_.empty()) {
      m.set("CredentialReportGeneratedTime", Json::string(report_time_));
      if (auto t = rg::parse_iso8601_ms(report_time_)) m.set("CredentialReportAgeSeconds", Json::integer((now - *t) / 1000));
    }
    m.set("Calls", Json::integer(calls_));
    m.set("FailedCalls", Json::integer(failed_));
    Status st = write_private_file(dir_ / "rootguard.Collect.json", m.dump());
    if (!st.ok()) diag_.error(st.error());
  }

  Client& client_;
  fs::path dir_;
  const CollectOptions& o_;
  Diagnostics& diag_;
  CollectReport& report_;
  std::mutex& report_mu_;
  std::string account_;
  std::string report_time_;
  int calls_ = 0, failed_ = 0;
};

// Credentials for a member account: the role assumed with the base credentials, assumed
// again 15 minutes before it expires. Thread-safe.
class MemberCredentials {
 public:
  MemberCredentials(CredentialsFn base, AssumeRoleRequest req, std::function<std::int64_t()> now)
      : base_(std::move(base)), req_(std::move(req)), now_(std::move(now)) {}
  Result<Credentials> get() {
    std::lock_guard<std::mutex> lock(mu_);
    std::int64_t now = now_ ? now_() : system_now_ms();
    if (cached_ && (!cached_->expiration_ms || *cached_->expiration_ms - now > 15 * 60 * 1000)) return *cached_;
    auto base = base_();
    if (!base.ok()) return base.take_error();
    auto c = sts_assume_role(*base, req_);
    if (!c.ok()) return c.take_error();
    cached_ = *c;
    return *cached_;
  }

 private:
  CredentialsFn base_;
  AssumeRoleRequest req_;
  std::function<std::int64_t()> now_;
  std::mutex mu_;
  std::optional<Credentials> cached_;
};

}  // namespace

Result<std::string> list_accounts(Client& client) {
  CallResult r = client.call_all(Request{"organizations", "ListAccounts"}, {"NextToken", "NextToken"});
  if (!r.ok)
    return Error{ErrorKind::Remote, "organizations ListAccounts", r.error_code + ": " + r.error_message};
  return r.response.dump();
}

CollectReport collect(const Settings& settings, CredentialsFn credentials, const ClientOptions& client_options,
                      const CollectOptions& options, Diagnostics& diag) {
  CollectReport report;
  std::mutex report_mu;
  ClientOptions copts = client_options;
  if (!copts.limits) copts.limits = std::make_shared<Limits>(std::max(1, options.concurrency / 8));
  auto creds = credentials();
  if (!creds.ok()) {
    diag.error(creds.error());
    report.fatal = true;
    return report;
  }
  Client client(credentials, settings, copts);

  if (!options.org) {
    if (AccountCollector(client, options.out, options, diag, report, report_mu).run()) report.accounts = 1;
    else report.fatal = true;
    return report;
  }

  // Organization-level data, from the management (or delegated administrator) account.
  auto save = [&](const std::string& rel, CallResult r) {
    Status st = write_private_file(options.out / rel, r.response.dump());
    if (!st.ok()) diag.error(st.error());
    std::lock_guard<std::mutex> lock(report_mu);
    ++report.calls;
    if (!r.ok) {
      ++report.calls_failed;
      diag.warning((options.out / rel).string(), r.error_code + ": " + r.error_message);
    }
    return r;
  };
  save("organizations.DescribeOrganization.json", client.call(Request{"organizations", "DescribeOrganization"}));
  CallResult accounts = save("organizations.ListAccounts.json",
                             client.call_all(Request{"organizations", "ListAccounts"}, {"NextToken", "NextToken"}));
  save("organizations.ListRoots.json", client.call_all(Request{"organizations", "ListRoots"}, {"NextToken", "NextToken"}));
  Request lp{"organizations", "ListPolicies"};
  lp.body.set("Filter", Json::string("SERVICE_CONTROL_POLICY"));
  CallResult policies = save("organizations.ListPolicies.SERVICE_CONTROL_POLICY.json", client.call_all(lp, {"NextToken", "NextToken"}));
  if (const Json* list = policies.response.find("Policies"); list && list->is_array()) {
    for (const Json& p : list->items()) {
      const Json* id = p.find("Id");
      if (!id || !id->is_string()) continue;
      Request dp{"organizations", "DescribePolicy"};
      dp.body.set("PolicyId", *id);
      save("organizations.DescribePolicy." + safe_name(id->str()) + ".json", client.call(dp));
      Request lt{"organizations", "ListTargetsForPolicy"};
      lt.body.set("PolicyId", *id);
      save("organizations.ListTargetsForPolicy." + safe_name(id->str()) + ".json", client.call_all(lt, {"NextToken", "NextToken"}));
    }
  }
  save("iam.ListOrganizationsFeatures.json", client.call(Request{"iam", "ListOrganizationsFeatures"}));
  CallResult me = client.call(Request{"sts", "GetCallerIdentity"});
  std::string my_account = me.ok && me.response.find("Account") ? me.response.find("Account")->str() : "";

  std::vector<std::string> ids;
  if (const Json* list = accounts.response.find("Accounts"); list && list->is_array())
    for (const Json& a : list->items()) {
      const Json* id = a.find("Id");
      const Json* status = a.find("Status");
      if (id && id->is_string() && (!status || !status->is_string() || status->str() == "ACTIVE")) ids.push_back(id->str());
    }
  if (!accounts.ok) {
    diag.error(ErrorKind::Remote, "organizations ListAccounts", accounts.error_code + ": " + accounts.error_message);
    report.fatal = true;
    return report;
  }

  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < ids.size(); i = next++) {
      const std::string& id = ids[i];
      CredentialsFn member_creds = credentials;
      if (id != my_account) {
        AssumeRoleRequest req;
        req.role_arn = "arn:aws:iam::" + id + ":role/" + options.role_name;
        req.role_session_name = "rootguard-collect";
        req.region = settings.region;
        req.endpoint_url = settings.endpoint_url("STS");
        auto mc = std::make_shared<MemberCredentials>(credentials, req, options.now_ms);
        auto first = mc->get();
        if (!first.ok()) {
          Error e = first.take_error();
          diag.error(ErrorKind::Denied, id, "cannot assume " + req.role_arn + ": " + rg::redact_secrets(e.what));
          Json m = Json::object();
          m.set("Account", Json::string(id));
          m.set("Error", error_json("AssumeRoleFailed", rg::redact_secrets(e.what)).members()[0].second);
          Status st = write_private_file(options.out / id / "rootguard.Collect.json", m.dump());
          if (!st.ok()) diag.error(st.error());
          std::lock_guard<std::mutex> lock(report_mu);
          ++report.accounts_failed;
          continue;
        }
        member_creds = [mc] { return mc->get(); };
      }
      Client member(member_creds, settings, copts);
      const bool entered = AccountCollector(member, options.out / id, options, diag, report, report_mu).run();
      std::lock_guard<std::mutex> lock(report_mu);
      ++(entered ? report.accounts : report.accounts_failed);
    }
  };
  std::vector<std::thread> pool;
  int n = std::max(1, std::min<int>(options.concurrency, static_cast<int>(ids.size())));
  for (int i = 0; i < n; ++i) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return report;
}

}  // namespace rg::aws
