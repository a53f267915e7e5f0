// Snapshots: the files `aws <service> <operation> --output json` prints, one per call.
//
// The layout is the contract in DESIGN.md and docs/snapshot.md: `<service>.<Operation>.json`
// (optionally `.<param>` before `.json`) at the top for global calls, under `<region>/` for
// regional ones. An AWS error is kept as `{"Error": {"Code": ..., "Message": ...}}`. A missing
// file means "not collected": lookups return an Error of kind NotCollected naming the file,
// which checks turn into UNKNOWN, never a pass.
//
// FileSet reads one directory level (plus region sub-directories), parses every JSON file
// once, and owns the parsed documents; the elements it hands out live as long as it does.
// Malformed JSON and unknown files are reported to Diagnostics (one line naming the file) and
// the rest is read. Not thread-safe to mutate; const access may be shared.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/diagnostics.h"
#include "core/result.h"

namespace rg::posture {

class FileSet {
 public:
  FileSet() = default;
  FileSet(FileSet&&) = default;
  FileSet& operator=(FileSet&&) = default;

  // Reads `dir`. `shown` is how files are named in messages (the path as the user gave it).
  // Sub-directories named like a Region (us-east-1) are read as regional calls; others are
  // left for the caller (Organization members) when `allow_subdirs`, else warned about.
  static FileSet read(const std::filesystem::path& dir, const std::string& shown, Diagnostics& diag,
                      bool allow_subdirs = false);

  // The parsed top-level value of `rel` ("iam.GetAccountSummary.json",
  // "us-east-1/cloudtrail.DescribeTrails.json"). Errors: NotCollected (no such file), Corrupt
  // (unreadable or malformed), Remote (the file holds an AWS error; what = "Code: Message").
  Result<simdjson::dom::element> json(std::string_view rel) const;
  // The AWS error code stored in `rel` ("ResourceNotFoundException"), or "" if none.
  std::string aws_error_code(std::string_view rel) const;
  bool has(std::string_view rel) const { return files_.count(std::string(rel)) != 0; }

  // Region sub-directories present, sorted.
  const std::vector<std::string>& regions() const { return regions_; }
  // Relative names of files whose name starts with `prefix` (e.g. "us-east-1/sns.ListSubscriptionsByTopic.").
  std::vector<std::string> names_with_prefix(std::string_view prefix) const;
  std::size_t size() const { return files_.size(); }
  const std::string& shown() const { return shown_; }
  // Bytes of JSON read (for memory accounting in benchmarks and tests).
  std::size_t bytes() const { return bytes_; }

  // Builds a FileSet from in-memory files (tests, fuzzing). Same rules as read().
  static FileSet from_memory(const std::vector<std::pair<std::string, std::string>>& files,
                             const std::string& shown, Diagnostics& diag);

 private:
  struct Entry {
    std::unique_ptr<simdjson::dom::document> doc;  // null when the file is unreadable
    std::string error;                             // why unreadable
    std::string aws_code, aws_message;             // when the file holds {"Error": {...}}
  };
  void add(const std::string& rel, std::string_view content, Diagnostics& diag);

  std::string shown_;
  std::map<std::string, Entry, std::less<>> files_;
  std::vector<std::string> regions_;
  std::size_t bytes_ = 0;
};

// Whether `name` looks like an AWS Region ("us-east-1", "us-gov-west-1", "cn-north-1").
bool is_region_name(std::string_view name);
// Whether `name` is a 12-digit account id.
bool is_account_id(std::string_view name);
// Whether a snapshot file name is one rootguard knows (docs/snapshot.md); others are warned about.
bool is_known_snapshot_file(std::string_view file_name);
// Every `<service>.<Operation>` the audit reads (docs/snapshot.md documents each).
std::vector<std::string_view> known_snapshot_calls();

// Small JSON helpers used by the checks (absent or wrong type -> nullopt / empty).
std::optional<std::string> get_string(simdjson::dom::element e, std::string_view key);
std::optional<bool> get_bool(simdjson::dom::element e, std::string_view key);
std::optional<std::int64_t> get_int(simdjson::dom::element e, std::string_view key);
std::optional<double> get_number(simdjson::dom::element e, std::string_view key);
std::optional<simdjson::dom::array> get_array(simdjson::dom::element e, std::string_view key);
// The elements of e[key]; none when it is absent or not an array (a default-constructed
// dom::array is not an empty one: iterating it reads through a null pointer).
std::vector<simdjson::dom::element> get_elements(simdjson::dom::element e, std::string_view key);
std::optional<simdjson::dom::object> get_object(simdjson::dom::element e, std::string_view key);
std::vector<std::string> get_strings(simdjson::dom::element e, std::string_view key);

}  // namespace rg::posture
