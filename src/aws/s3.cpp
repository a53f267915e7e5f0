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

// One page of the listing of `prefix` (with `delimit`, its common prefixes beside its objects):
// the page after `token`, which is set to the next page's (empty after the last).
bool list_page(Client& client, const std::string& bucket, const std::string& prefix, bool delimit, std::string& token,
               ListPage& out, int& calls, Diagnostics& diag) {
  const ServiceInfo& s = *find_service("s3");
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
  return true;
}

}  // namespace

// Depth first, one page at a time: each level's objects and common prefixes (each in key order,
// page after page) merged by name, and a prefix listed when its turn comes. The keys under a
// prefix sort together, where the prefix sorts among its siblings, so the objects come out in
// key order, and what is held is a page per level.
bool each_trail_object(Client& client, const S3Location& where, const TrailFilter& f, Diagnostics& diag,
                       const std::function<bool(S3Object&&)>& emit, int* calls) {
  struct Item {
    std::string name;
    bool prefix = false;
    std::uint64_t size = 0;
  };
  struct Level {
    std::string prefix;
    bool in_layout = false;  // inside CloudTrail's layout (below AWSLogs/)
    bool whole = false;      // down to a day: every object under it, listed without a delimiter
    std::string token;       // of the next page
    bool more = true;        // pages left
    std::deque<Item> items;  // of the page listed, in key order
  };
  int own_calls = 0;
  int& n = calls ? *calls : own_calls;
  std::vector<Level> stack;
  auto enter = [&](std::string prefix) {
    Level l;
    // Where is this prefix in the layout? (Inside it down to a day: list the day's objects.)
    const auto levels = prefix.ends_with('/') ? io::trail_levels(prefix) : std::nullopt;
    l.in_layout = levels.has_value();
    l.whole = l.in_layout && levels->size() >= io::kTrailLevels;
    l.prefix = std::move(prefix);
    stack.push_back(std::move(l));
  };
  enter(where.prefix);
  while (!stack.empty()) {
    Level& l = stack.back();
    if (l.items.empty()) {
      ListPage page;
      if (!l.more || !list_page(client, where.bucket, l.prefix, !l.whole, l.token, page, n, diag)) {
        stack.pop_back();
        continue;
      }
      l.more = !l.token.empty();
      for (S3Object& o : page.objects)  // beside the layout: objects too (a prefix given to one file)
        if ((l.whole || !l.in_layout) && !o.key.ends_with('/')) l.items.push_back(Item{std::move(o.key), false, o.size});
      for (std::string& child : page.prefixes)  // above AWSLogs/: everywhere
        if (!l.in_layout || io::trail_dir_wanted(child, f)) l.items.push_back(Item{std::move(child), true, 0});
      std::sort(l.items.begin(), l.items.end(), [](const Item& a, const Item& b) { return a.name < b.name; });
      continue;
    }
    Item it = std::move(l.items.front());
    l.items.pop_front();
    if (it.prefix) enter(std::move(it.name));  // (l is not used after this)
    else if (!emit(S3Object{std::move(it.name), it.size})) return false;
  }
  return true;
}

S3Listing list_trail_objects(Client& client, const S3Location& where, const TrailFilter& f, Diagnostics& diag) {
  S3Listing out;
  each_trail_object(client, where, f, diag, [&](S3Object&& o) {
    out.objects.push_back(std::move(o));
    return true;
  }, &out.list_calls);
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

io::Source s3_source(std::shared_ptr<Client> client, const std::string& bucket, const S3Object& object) {
  io::Source src;
  src.name = "s3://" + bucket + "/" + object.key;
  src.size_hint = object.size;
  src.open = [client = std::move(client), bucket, key = object.key, name = src.name]() -> Result<std::unique_ptr<io::Reader>> {
    HttpRequest http;
    http.method = "GET";
    http.url = s3_url(*client, bucket, key);
    http.headers = {{"x-amz-content-sha256", sha256_hex("")}};
    auto stream = std::make_unique<S3Stream>(client, std::move(http), name);
    if (Status st = stream->start(); !st) return st.error();
    return std::unique_ptr<io::Reader>(std::move(stream));
  };
  return src;
}

std::vector<io::Source> s3_sources(std::shared_ptr<Client> client, const std::string& bucket,
                                   const std::vector<S3Object>& objects) {
  std::vector<io::Source> out;
  out.reserve(objects.size());
  for (const S3Object& o : objects) out.push_back(s3_source(client, bucket, o));
  return out;
}

std::unique_ptr<io::BackgroundStream> s3_stream(std::shared_ptr<Client> client, const S3Location& where,
                                                const TrailFilter& filter, Diagnostics& diag) {
  return std::make_unique<io::BackgroundStream>(
      "s3://" + where.bucket + "/" + where.prefix,
      [client = std::move(client), where, filter](Diagnostics& d, const io::BackgroundStream::Emit& emit) {
        each_trail_object(*client, where, filter, d,
                          [&](S3Object&& o) { return emit(s3_source(client, where.bucket, o)); });
      },
      diag);
}

}  // namespace rg::aws
