#include "cli/rule_flags.h"

#include "posture/config.h"

namespace rg::cli {

void add_rule_flags(CLI::App* app, RuleFlags& f, bool with_rules_option) {
  if (with_rules_option)
    app->add_option("--rules", f.dirs, "Add Sigma rules from this file or directory (repeatable)");
  app->add_flag("--no-builtin", f.no_builtin, "Leave out the built-in rules");
  app->add_option("--config", f.config,
                  "rootguard.yaml: values of rule placeholders (trusted_source_ips for %trusted_source_ips%)");
}

sigma::LoadOptions rule_load_options(const RuleFlags& f, Diagnostics& diag) {
  sigma::LoadOptions o;
  o.builtin = !f.no_builtin;
  for (const std::string& d : f.dirs) o.dirs.emplace_back(d);
  if (!f.config.empty()) {
    posture::Config cfg = posture::load_config(f.config, diag);
    std::vector<std::string>& trusted = o.placeholders["trusted_source_ips"];
    for (const posture::Cidr& c : cfg.trusted_source_ips) trusted.push_back(c.text);
  }
  return o;
}

}  // namespace rg::cli
