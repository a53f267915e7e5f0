// scan::run over sigma::RuleSet: a thin adapter to the engine's Detector interface.
#include "scan/scan.h"

namespace rg::scan {

namespace {
class RuleSetDetector : public Detector {
 public:
  explicit RuleSetDetector(const sigma::RuleSet& rules) : rules_(rules) {}
  const std::optional<sigma::Literals>& prefilter_literals() const override {
    return rules_.prefilter_literals();
  }
  void match(const cloudtrail::EventView& ev, std::vector<sigma::Match>& out) const override { rules_.match(ev, out); }
  const sigma::RuleInfo& info(std::size_t rule) const override { return rules_.info(rule); }
  const sigma::RuleSet* correlations() const override { return rules_.correlation_count() ? &rules_ : nullptr; }
  void match_feed(const cloudtrail::EventView& ev, std::vector<sigma::Match>& out,
                  std::vector<sigma::Match>& feed) const override {
    rules_.match(ev, out, &feed);
  }

 private:
  const sigma::RuleSet& rules_;
};
}  // namespace

Report run(const std::vector<io::Source>& sources, const sigma::RuleSet& rules, const Options& opts,
           FindingSink& sink, Diagnostics& diag) {
  RuleSetDetector d(rules);
  return run(sources, static_cast<const Detector&>(d), opts, sink, diag);
}

Report run(io::SourceStream& sources, const sigma::RuleSet& rules, const Options& opts, FindingSink& sink,
           Diagnostics& diag) {
  RuleSetDetector d(rules);
  return run(sources, static_cast<const Detector&>(d), opts, sink, diag);
}

}  // namespace rg::scan
