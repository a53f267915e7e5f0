#include "aws/s3.h"

#include <pugixml.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "core/strings.h"
#include "core/time.h"

namespace rg::aws {

Result<S3Location> parse_s3_url(std::string_view url) {
  if (!url.starts_with("s3://")) return make_error(ErrorKind::Invalid, std::string(url), "not an s3:// URL");
  std::string_view rest = url.substr(5);
  size_t slash = rest.find('/');
  S3Location loc{std::string(rest.substr(0, slash)), slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1))};
  if (loc.bucket.empty()) return make_error(ErrorKind::Invalid, std::string(url), "no bucket name");
  return loc;
}

std::string s3_url(const Client& client, const std::string& bucket, const std::string& key) {
  const ServiceInfo& s = *find_service("s3");
  auto [base, region] = client.endpoint(s, client.region());
  std::string path = "/" + uri_encode(key, true);
  if (base.starts_with("https://s3." + client.region() + ".amazonaws.com"))
    return "https://" + bucket + ".s3." + client.region() + ".amazonaws.com" + path;
  return base + "/" + bucket + path;
}

namespace {

struct ListPage {
  std::vector<std::string> prefixes;
  std::vector<S3Object> objects;
};

bool list(Client& client, const std::string& bucket, const std::string& prefix, bool delimit, ListPage& out,
          int& calls, Diagnostics& diag) {
  const ServiceInfo& s = *find_service("s3");
  std::string token;
  do {
    Params p = {{"list-type", "2"}, {"prefix", prefix}};
    if (delimit) p.emplace_back("delimiter", "/");
    if (!token.empty()) p.emplace_back("continuation-token", token);
    HttpRequest http;
    http.method = "GET";
    http.url = s3_url(client, bucket, "") + "?" + canonical_query(p);
    http.headers = {{"x-amz-content-sha256", sha256_hex("")}};
    ++calls;
    RawResult r = client.send(s, client.region(), http);
    if (!r.ok) {
      diag.error(ErrorKind::Remote, "s3://" + bucket + "/" + prefix, r.error_code + ": " + r.error_message);
      return false;
    }
    pugi::xml_document doc;
    if (!doc.load_buffer(r.response.body.data(), r.response.body.size())) {
      diag.error(ErrorKind::Corrupt, "s3://" + bucket + "/" + prefix, "ListObjectsV2 answer is not XML");
      return false;
    }
    pugi::xml_node root = doc.child("ListBucketResult");
    for (pugi::xml_node c : root.children("Contents")) {
      S3Object o{c.child_value("Key"), 0};
      try {
        o.size = std::stoull(c.child_value("Size"));
      } catch (...) {
      }
      out.objects.push_back(std::move(o));
    }
    for (pugi::xml_node c : root.children("CommonPrefixes")) out.prefixes.push_back(c.child_value("Prefix"));
    token = std::string(root.child_value("IsTruncated")) == "true" ? root.child_value("NextContinuationToken") : "";
  } while (!token.empty());
  return true;
}

}  // namespace

S3Listing list_trail_objects(Client& client, const S3Location& where, const TrailFilter& f, Diagnostics& diag) {
  S3Listing out;
  std::deque<std::string> todo = {where.prefix};
  while (!todo.empty()) {
    std::string prefix = todo.front();
    todo.pop_front();
    // Where is this prefix in the layout? (Inside it down to a day: list the day's objects.)
    const auto levels = prefix.ends_with('/') ? io::trail_levels(prefix) : std::nullopt;
    const bool in_layout = levels.has_value();
    if (in_layout && levels->size() >= io::kTrailLevels) {
      ListPage page;
      if (list(client, where.bucket, prefix, false, page, out.list_calls, diag))
        for (auto& o : page.objects)
          if (!o.key.ends_with("/")) out.objects.push_back(std::move(o));
      continue;
    }
    ListPage page;
    if (!list(client, where.bucket, prefix, true, page, out.list_calls, diag)) continue;
    for (auto& o : page.objects)  // objects beside the layout (a prefix given to one file)
      if (!in_layout && !o.key.ends_with("/")) out.objects.push_back(std::move(o));
    for (const std::string& child : page.prefixes)
      if (!in_layout || io::trail_dir_wanted(child, f)) todo.push_back(child);  // above AWSLogs/: everywhere
  }
  std::sort(out.objects.begin(), out.objects.end(), [](const S3Object& a, const S3Object& b) { return a.key < b.key; });
  return out;
}

namespace {
// An S3 object streamed into the scanner: a thread runs the GET and hands the body over piece
// by piece through a bounded queue (kCap bytes), so memory stays bounded whatever the object's
// size and decoding starts with the first bytes. A retry after a dropped connection re-sends
// the object from its start: the bytes already handed over are skipped.
class S3Stream : public io::Reader {
 public:
  static constexpr std::size_t kCap = 4 << 20;

  S3Stream(std::shared_ptr<Client> client, HttpRequest http, std::string name)
      : client_(std::move(client)), http_(std::move(http)), name_(std::move(name)) {}
  ~S3Stream() override {
    {
      std::lock_guard<std::mutex> lk(mu_);
      closed_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  S3Stream(const S3Stream&) = delete;
  S3Stream& operator=(const S3Stream&) = delete;

  // Starts the transfer; returns once the first bytes came or the request ended, so that a
  // missing or forbidden object is an error of open(), as for a file.
  Status start() {
    thread_ = std::thread([this] { run(); });
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return !queue_.empty() || done_; });
    if (queue_.empty() && error_) return *error_;
    return {};
  }

  Result<std::size_t> read(char* buf, std::size_t n) override {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      if (error_) return *error_;
      return std::size_t{0};
    }
    std::string& front = queue_.front();
    std::size_t take = std::min(n, front.size() - front_off_);
    std::memcpy(buf, front.data() + front_off_, take);
    front_off_ += take;
    queued_ -= take;
    if (front_off_ == front.size()) {
      queue_.pop_front();
      front_off_ = 0;
    }
    cv_.notify_all();
    return take;
  }

 private:
  void run() {
    std::uint64_t seen = 0;  // bytes of the current attempt's body seen so far
    http_.on_attempt = [&] {
      std::lock_guard<std::mutex> lk(mu_);
      seen = 0;
      return !closed_;
    };
    http_.on_body = [&](std::string_view d) -> bool {
      std::unique_lock<std::mutex> lk(mu_);
      if (seen < delivered_) {  // a retry re-sends what was already handed over
        std::size_t skip = static_cast<std::size_t>(std::min<std::uint64_t>(d.size(), delivered_ - seen));
        d.remove_prefix(skip);
        seen += skip;
      }
      if (d.empty()) return !closed_;
      cv_.wait(lk, [&] { return closed_ || queued_ < kCap; });
      if (closed_) return false;
      queue_.emplace_back(d);
      queued_ += d.size();
      seen += d.size();
      delivered_ += d.size();
      cv_.notify_all();
      return true;
    };
    RawResult r = client_->send(*find_service("s3"), client_->region(), http_);
    std::lock_guard<std::mutex> lk(mu_);
    if (!r.ok && !closed_) error_ = make_error(ErrorKind::Remote, name_, r.error_code + ": " + r.error_message);
    done_ = true;
    cv_.notify_all();
  }

  std::shared_ptr<Client> client_;
  HttpRequest http_;
  std::string name_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::size_t front_off_ = 0, queued_ = 0;
  std::uint64_t delivered_ = 0;
  bool done_ = false, closed_ = false;
  std::optional<Error> error_;
};
}  // namespace

std::vector<io::Source> s3_sources(std::shared_ptr<Client> client, const std::string& bucket,
                                   const std::vector<S3Object>& objects) {
  std::vector<io::Source> out;
  out.reserve(objects.size());
  for (const S3Object& o : objects) {
    io::Source src;
    src.name = "s3://" + bucket + "/" + o.key;
    src.size_hint = o.size;
    src.open = [client, bucket, key = o.key, name = src.name]() -> Result<std::unique_ptr<io::Reader>> {
      HttpRequest http;
      http.method = "GET";
      http.url = s3_url(*client, bucket, key);
      http.headers = {{"x-amz-content-sha256", sha256_hex("")}};
      auto stream = std::make_unique<S3Stream>(client, std::move(http), name);
      if (Status st = stream->start(); !st) return st.error();
      return std::unique_ptr<io::Reader>(std::move(stream));
    };
    out.push_back(std::move(src));
  }
  return out;
}

}  // namespace rg::aws
