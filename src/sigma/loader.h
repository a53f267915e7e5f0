// Where rule texts come from: the embedded built-ins and the user's files and directories.
// Shared by load_rules() and `rules lint`; reading errors go to Diagnostics, one line each.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"
#include "core/result.h"
#include "sigma/correlation.h"
#include "sigma/rule.h"
#include "sigma/ruleset.h"

namespace rg::sigma {

// One YAML document of a rule file (a file with `---` lines gives several, each padded so
// that its line numbers are the file's).
struct RuleSource {
  std::string file;  // "builtin:D01_root_activity.yml" or the path as found
  std::string text;
  bool correlation = false;  // a top-level `correlation:` key (sigma/correlation.h)
  bool builtin = false;      // embedded in the binary (sigma/builtin.h)
  // A built-in document loaded without its test events (LoadOptions::tests false): its
  // prebuilt tree (sigma/builtin.h, sigma/yaml_tree.h) and no text.
  std::string_view tree;
  bool walked = false;       // found in a directory walk, not a file named as a path
};

inline constexpr std::size_t kMaxRuleFileBytes = 1 << 20;

// Built-ins first (when opts.builtin), then every *.yml / *.yaml under each directory in
// sorted order (a file named directly is read whatever its extension). Symlinked
// directories are not followed, so loops cannot hang the walk. Hidden files and folders
// (.github, .git) met in a walk are passed over.
std::vector<RuleSource> rule_sources(const LoadOptions& opts, Diagnostics& diag);

// Parse and check one rule for loading: parse_rule plus the loader's refusals (logsource
// other than aws/cloudtrail, an invalid level). With `other_product`, a rule met in a walk
// whose logsource names another product (windows, linux, gcp...) is returned as parsed with
// the product (or "no product") put there, for the loader to leave out and count rather than
// report: a folder of Sigma rules for every log source is a normal thing to point at.
// A document that is no Sigma rule at all (no logsource, detection, correlation or filter)
// gets kNotARule. A rule that fails to parse (windash...) is looked at again for these.
inline constexpr const char* kNotARule = "\x01not a rule";
Result<Rule> parse_for_loading(const RuleSource& src, std::string* other_product = nullptr);

// Parse a correlation document (src.correlation).
Result<Correlation> parse_correlation_source(const RuleSource& src);

}  // namespace rg::sigma
