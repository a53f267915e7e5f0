#include "aws/s3.h"

#include <pugixml.hpp>

#include <algorithm>
#include <deque>

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

bool all_digits(const std::string& s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// What the next key segment is, given the segments after "AWSLogs".
enum class Next { OrgOrAccount, Account, Service, Region, Year, Month, Day, Objects };

Next next_of(const std::vector<std::string>& after) {
  size_t i = 0;
  if (after.empty()) return Next::OrgOrAccount;
  if (after[0].starts_with("o-")) ++i;
  size_t depth = after.size() - i;  // account, service, region, year, month, day
  static const Next order[] = {Next::Account, Next::Service, Next::Region, Next::Year, Next::Month, Next::Day, Next::Objects};
  return depth < 7 ? order[depth] : Next::Objects;
}

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
  auto day_of = [](std::int64_t ms) { return rg::format_iso8601(ms).substr(0, 10); };  // "YYYY-MM-DD"
  std::string since = f.since_ms ? day_of(*f.since_ms) : "0000-00-00";
  std::string until = f.until_ms ? day_of(*f.until_ms) : "9999-99-99";
  auto keep = [&](Next kind, const std::vector<std::string>& after, const std::string& seg) {
    switch (kind) {
      case Next::OrgOrAccount:
        if (seg.starts_with("o-")) return true;
        [[fallthrough]];
      case Next::Account:
        return f.accounts.empty() || std::find(f.accounts.begin(), f.accounts.end(), seg) != f.accounts.end();
      case Next::Service: return seg == "CloudTrail";
      case Next::Region: return f.regions.empty() || std::find(f.regions.begin(), f.regions.end(), seg) != f.regions.end();
      case Next::Year: return all_digits(seg, 4) && seg >= since.substr(0, 4) && seg <= until.substr(0, 4);
      case Next::Month: {
        if (!all_digits(seg, 2)) return false;
        std::string ym = after[after.size() - 1] + "-" + seg;
        return ym >= since.substr(0, 7) && ym <= until.substr(0, 7);
      }
      case Next::Day: {
        if (!all_digits(seg, 2)) return false;
        std::string ymd = after[after.size() - 2] + "-" + after[after.size() - 1] + "-" + seg;
        return ymd >= since && ymd <= until;
      }
      case Next::Objects: return true;
    }
    return true;
  };

  std::deque<std::string> todo = {where.prefix};
  while (!todo.empty()) {
    std::string prefix = todo.front();
    todo.pop_front();
    // Where is this prefix in the layout?
    std::vector<std::string> segs = rg::split(prefix, '/');
    if (!segs.empty() && segs.back().empty()) segs.pop_back();
    auto at = std::find(segs.begin(), segs.end(), "AWSLogs");
    bool in_layout = at != segs.end() && !prefix.empty() && prefix.back() == '/';
    std::vector<std::string> after = in_layout ? std::vector<std::string>(at + 1, segs.end()) : std::vector<std::string>{};
    Next next = in_layout ? next_of(after) : Next::OrgOrAccount;
    if (in_layout && next == Next::Objects) {
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
    for (const std::string& child : page.prefixes) {
      std::string seg = child.substr(prefix.size());
      if (!seg.empty() && seg.back() == '/') seg.pop_back();
      if (!in_layout) {
        todo.push_back(child);  // still above AWSLogs/: look everywhere
        continue;
      }
      if (keep(next, after, seg)) todo.push_back(child);
    }
  }
  std::sort(out.objects.begin(), out.objects.end(), [](const S3Object& a, const S3Object& b) { return a.key < b.key; });
  return out;
}

namespace {
class OwnedReader : public io::Reader {
 public:
  explicit OwnedReader(std::string bytes) : bytes_(std::move(bytes)), reader_(bytes_) {}
  Result<std::size_t> read(char* buf, std::size_t n) override { return reader_.read(buf, n); }

 private:
  std::string bytes_;
  io::MemoryReader reader_;
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
      RawResult r = client->send(*find_service("s3"), client->region(), http);
      if (!r.ok) return make_error(ErrorKind::Remote, name, r.error_code + ": " + r.error_message);
      return std::unique_ptr<io::Reader>(std::make_unique<OwnedReader>(std::move(r.response.body)));
    };
    out.push_back(std::move(src));
  }
  return out;
}

}  // namespace rg::aws
