#include "posture/snapshot.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <system_error>

#include "io/whole_file.h"

namespace rg::posture {

namespace fs = std::filesystem;

namespace {

// Every call a check reads (docs/snapshot.md lists them with their AWS CLI commands).
constexpr std::array<std::string_view, 20> kKnownCalls = {
    "iam.GetAccountSummary",        "iam.GetCredentialReport",
    "iam.ListVirtualMFADevices",    "iam.ListOrganizationsFeatures",
    "sts.GetCallerIdentity",        "account.GetContactInformation",
    "account.GetAlternateContact",  "account.GetPrimaryEmail",
    "cloudtrail.DescribeTrails",    "cloudtrail.GetTrailStatus",
    "cloudtrail.GetEventSelectors", "logs.DescribeMetricFilters",
    "cloudwatch.DescribeAlarms",    "sns.ListSubscriptionsByTopic",
    "organizations.DescribeOrganization", "organizations.ListAccounts",
    "organizations.ListRoots",      "organizations.ListPolicies",
    "organizations.DescribePolicy", "organizations.ListTargetsForPolicy",
};

std::string join_rel(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

}  // namespace

bool is_region_name(std::string_view n) {
  // letters '-' [letters '-']* letters '-' digit(s): us-east-1, us-gov-west-1, ap-southeast-3
  if (n.size() < 6 || n.size() > 25) return false;
  if (!std::isdigit(static_cast<unsigned char>(n.back()))) return false;
  int dashes = 0;
  for (char c : n) {
    if (c == '-') ++dashes;
    else if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)))
      return false;
  }
  return dashes >= 2 && std::islower(static_cast<unsigned char>(n.front()));
}

bool is_account_id(std::string_view n) {
  return n.size() == 12 && std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> known_snapshot_calls() { return {kKnownCalls.begin(), kKnownCalls.end()}; }

bool is_known_snapshot_file(std::string_view f) {
  if (f == "rootguard.Collect.json") return true;  // collect's own record of the run
  if (f.size() < 6 || f.substr(f.size() - 5) != ".json") return false;
  for (auto call : kKnownCalls) {
    if (f.substr(0, call.size()) == call &&
        (f.size() == call.size() + 5 || f[call.size()] == '.'))
      return true;
  }
  return false;
}

void FileSet::add(const std::string& rel, std::string_view content, Diagnostics& diag) {
  Entry e;
  bytes_ += content.size();
  auto doc = std::make_unique<simdjson::dom::document>();
  simdjson::dom::parser parser;
  simdjson::padded_string padded(content);
  simdjson::dom::element root;
  auto err = parser.parse_into_document(*doc, padded.data(), padded.size()).get(root);
  if (err) {
    e.error = std::string("malformed JSON (") + simdjson::error_message(err) + ")";
    diag.error(ErrorKind::Corrupt, join_rel(shown_, rel), e.error + "; checks that read it are UNKNOWN");
  } else {
    simdjson::dom::object eobj;
    if (root.is_object() && !root.at_key("Error").get_object().get(eobj)) {
      std::string_view code, msg;
      if (eobj["Code"].get_string().get(code)) code = "UnknownError";
      if (eobj["Message"].get_string().get(msg)) msg = "";
      e.aws_code = std::string(code);
      e.aws_message = std::string(msg);
    }
    e.doc = std::move(doc);
  }
  files_[rel] = std::move(e);
}

FileSet FileSet::read(const fs::path& dir, const std::string& shown, Diagnostics& diag, bool allow_subdirs) {
  FileSet fsx;
  fsx.shown_ = shown;
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(it->path());
  if (ec) {
    diag.error(ErrorKind::Io, shown, "cannot read directory: " + ec.message());
    return fsx;
  }
  std::sort(entries.begin(), entries.end());
  auto read_one = [&](const fs::path& p, const std::string& rel) {
    auto text = io::read_whole_file(p);
    if (!text.ok()) {
      diag.error(ErrorKind::Io, join_rel(shown, rel), "cannot read file: " + text.error().what);
      Entry e;
      e.error = "cannot read file";
      fsx.files_[rel] = std::move(e);
      return;
    }
    fsx.add(rel, *text, diag);
  };
  for (const auto& p : entries) {
    std::string name = p.filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (fs::is_directory(p, ec)) {
      if (is_region_name(name)) {
        fsx.regions_.push_back(name);
        std::vector<fs::path> sub;
        for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) sub.push_back(it->path());
        std::sort(sub.begin(), sub.end());
        for (const auto& sp : sub) {
          std::string sn = sp.filename().string();
          if (sn.empty() || sn[0] == '.') continue;
          if (!fs::is_regular_file(sp, ec) || !is_known_snapshot_file(sn)) {
            diag.warning(join_rel(shown, name + "/" + sn), "unknown file in snapshot, ignored");
            continue;
          }
          read_one(sp, name + "/" + sn);
        }
      } else if (!allow_subdirs) {
        diag.warning(join_rel(shown, name), "unknown directory in snapshot, ignored");
      }
      continue;
    }
    if (!is_known_snapshot_file(name)) {
      diag.warning(join_rel(shown, name), "unknown file in snapshot, ignored");
      continue;
    }
    read_one(p, name);
  }
  return fsx;
}

FileSet FileSet::from_memory(const std::vector<std::pair<std::string, std::string>>& files,
                             const std::string& shown, Diagnostics& diag) {
  FileSet fsx;
  fsx.shown_ = shown;
  for (const auto& [rel, content] : files) {
    auto slash = rel.find('/');
    std::string base = slash == std::string::npos ? rel : rel.substr(slash + 1);
    if (slash != std::string::npos) {
      std::string region = rel.substr(0, slash);
      if (!is_region_name(region) || base.find('/') != std::string::npos) {
        diag.warning(join_rel(shown, rel), "unknown file in snapshot, ignored");
        continue;
      }
      if (std::find(fsx.regions_.begin(), fsx.regions_.end(), region) == fsx.regions_.end())
        fsx.regions_.push_back(region);
    }
    if (!is_known_snapshot_file(base)) {
      diag.warning(join_rel(shown, rel), "unknown file in snapshot, ignored");
      continue;
    }
    fsx.add(rel, content, diag);
  }
  std::sort(fsx.regions_.begin(), fsx.regions_.end());
  return fsx;
}

Result<simdjson::dom::element> FileSet::json(std::string_view rel) const {
  auto it = files_.find(rel);
  if (it == files_.end())
    return make_error(ErrorKind::NotCollected, std::string(rel), "not collected (file missing from snapshot)");
  const Entry& e = it->second;
  if (!e.doc) return make_error(ErrorKind::Corrupt, std::string(rel), e.error);
  if (!e.aws_code.empty())
    return make_error(ErrorKind::Remote, std::string(rel),
                      "AWS answered " + e.aws_code + (e.aws_message.empty() ? "" : ": " + e.aws_message));
  return e.doc->root();
}

std::string FileSet::aws_error_code(std::string_view rel) const {
  auto it = files_.find(rel);
  return it == files_.end() ? std::string() : it->second.aws_code;
}

std::vector<std::string> FileSet::names_with_prefix(std::string_view prefix) const {
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out.push_back(it->first);
  return out;
}

std::optional<std::string> get_string(simdjson::dom::element e, std::string_view key) {
  std::string_view v;
  if (e.at_key(key).get_string().get(v)) return std::nullopt;
  return std::string(v);
}

std::optional<bool> get_bool(simdjson::dom::element e, std::string_view key) {
  bool v;
  if (e.at_key(key).get_bool().get(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> get_int(simdjson::dom::element e, std::string_view key) {
  simdjson::dom::element v;
  if (e.at_key(key).get(v)) return std::nullopt;
  std::int64_t i;
  if (!v.get_int64().get(i)) return i;
  double d;
  if (!v.get_double().get(d)) return static_cast<std::int64_t>(d);
  return std::nullopt;
}

std::optional<double> get_number(simdjson::dom::element e, std::string_view key) {
  simdjson::dom::element v;
  if (e.at_key(key).get(v)) return std::nullopt;
  double d;
  if (!v.get_double().get(d)) return d;
  std::int64_t i;
  if (!v.get_int64().get(i)) return static_cast<double>(i);
  return std::nullopt;
}

std::optional<simdjson::dom::array> get_array(simdjson::dom::element e, std::string_view key) {
  simdjson::dom::array a;
  if (e.at_key(key).get_array().get(a)) return std::nullopt;
  return a;
}

std::vector<simdjson::dom::element> get_elements(simdjson::dom::element e, std::string_view key) {
  std::vector<simdjson::dom::element> out;
  if (auto a = get_array(e, key))
    for (simdjson::dom::element x : *a) out.push_back(x);
  return out;
}

std::optional<simdjson::dom::object> get_object(simdjson::dom::element e, std::string_view key) {
  simdjson::dom::object o;
  if (e.at_key(key).get_object().get(o)) return std::nullopt;
  return o;
}

std::vector<std::string> get_strings(simdjson::dom::element e, std::string_view key) {
  std::vector<std::string> out;
  if (auto a = get_array(e, key)) {
    for (auto v : *a) {
      std::string_view s;
      if (!v.get_string().get(s)) out.emplace_back(s);
    }
  }
  return out;
}

}  // namespace rg::posture
