#include "sigma/ruleset.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <iterator>
#include <span>
#include <system_error>
#include <unordered_map>

#include <yaml-cpp/yaml.h>

#include "core/strings.h"
#include "core/yaml_error.h"
#include "io/whole_file.h"
#include "sigma/builtin.h"
#include "sigma/correlation.h"
#include "sigma/compile.h"
#include "sigma/loader.h"
#include "sigma/yaml_tree.h"

namespace rg::sigma {

namespace fs = std::filesystem;

struct RuleSet::Impl {
  std::vector<CompiledRule> rules;
  std::vector<std::vector<std::uint32_t>> supersedes;  // transitive, as rule indices
  std::optional<Literals> literals;

  struct CorrelationEntry {
    Correlation def;
    std::vector<SourceRef> sources;
    std::vector<std::uint32_t> consumers;   // correlations counting this one
    bool emitted = true;
    // per rule that feeds it: group-by field paths and the value_count field path
    std::map<std::uint32_t, std::vector<std::vector<std::string>>> group_paths;
    std::map<std::uint32_t, std::vector<std::string>> value_path;
  };
  std::vector<CorrelationEntry> correlations;
  std::vector<std::vector<std::uint32_t>> rule_consumers;  // per rule: correlations counting it directly
  std::vector<std::vector<std::uint32_t>> rule_feeds;      // per rule: correlations fed, transitively
  std::vector<bool> rule_emitted;
  bool any_hidden = false;
  std::vector<FilterInfo> filters;
  std::vector<std::vector<std::uint32_t>> rule_filters;   // per rule: its filters, in the order ANDed
  std::unique_ptr<std::atomic<std::uint64_t>[]> left_out; // per filter: matches it took out (match())

  // match()'s index (CompiledRule::dispatch): for each of dispatch_fields(), the rules by the
  // field's value (lower case), and every rule indexed on it; the rules indexed on none.
  struct Transparent {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct FieldIndex {
    std::unordered_map<std::string, std::vector<std::uint32_t>, Transparent, std::equal_to<>> by_value;
    std::vector<std::uint32_t> rules;
  };
  std::array<FieldIndex, kDispatchFields> dispatch;
  std::vector<std::uint32_t> everywhere;
  bool dispatching = false;

  void index_rules() {
    dispatch = {};
    everywhere.clear();
    for (std::uint32_t i = 0; i < rules.size(); ++i) {
      const std::optional<Dispatch>& d = rules[i].dispatch;
      if (!d) {
        everywhere.push_back(i);
        continue;
      }
      FieldIndex& f = dispatch[d->field];
      f.rules.push_back(i);
      for (const std::string& v : d->values) f.by_value[v].push_back(i);
    }
    dispatching = true;
  }

  // Calls f(i) for each rule that may match `event`, in rule order.
  template <class F>
  void for_candidates(simdjson::dom::element event, F&& f) const {
    if (!dispatching || event.type() != simdjson::dom::element_type::OBJECT) {
      for (std::size_t i = 0; i < rules.size(); ++i) f(i);
      return;
    }
    std::span<const std::uint32_t> lists[1 + kDispatchFields];
    std::size_t n = 0;
    lists[n++] = everywhere;
    for (std::size_t d = 0; d < kDispatchFields; ++d) {
      const FieldIndex& idx = dispatch[d];
      if (idx.rules.empty()) continue;
      std::string_view s;
      const DispatchValue kind = dispatch_value(event, d, s);
      if (kind == DispatchValue::Absent) continue;
      if (kind == DispatchValue::Other) {
        lists[n++] = idx.rules;
        continue;
      }
      if (s.size() > kMaxDispatchValue) continue;
      char buf[kMaxDispatchValue];
      std::transform(s.begin(), s.end(), buf, lower_ascii);
      auto it = idx.by_value.find(std::string_view(buf, s.size()));
      if (it != idx.by_value.end()) lists[n++] = it->second;
    }
    // The lists are sorted and disjoint: merged, they give the rules in order.
    std::size_t at[std::size(lists)] = {};
    for (;;) {
      std::size_t best = n;
      for (std::size_t k = 0; k < n; ++k)
        if (at[k] < lists[k].size() && (best == n || lists[k][at[k]] < lists[best][at[best]])) best = k;
      if (best == n) return;
      f(lists[best][at[best]++]);
    }
  }
};

RuleSet::RuleSet() : impl_(std::make_unique<Impl>()) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

std::size_t RuleSet::size() const { return impl_->rules.size(); }
const RuleInfo& RuleSet::info(std::size_t i) const { return impl_->rules.at(i).info; }
const std::optional<Literals>& RuleSet::prefilter_literals() const { return impl_->literals; }
const std::optional<Literals>& RuleSet::rule_literals(std::size_t i) const {
  return impl_->rules.at(i).literals;
}

std::optional<Severity> RuleSet::evaluate(std::size_t i, const cloudtrail::EventView& ev) const {
  const CompiledRule& r = impl_->rules.at(i);
  if (!r.matches(ev.event)) return std::nullopt;
  return r.severity_for(ev.event);
}

bool RuleSet::matches_before_filters(std::size_t i, const cloudtrail::EventView& ev) const {
  const CompiledRule& r = impl_->rules.at(i);
  return r.info.filters.empty() ? r.matches(ev.event) : eval_condition(r, r.condition.kids[0], ev.event);
}

std::optional<bool> RuleSet::filter_lets_through(std::size_t f, const cloudtrail::EventView& ev) const {
  const FilterInfo& fi = impl_->filters.at(f);
  if (fi.rules.empty()) return std::nullopt;
  // Its condition as ANDed into the first rule it names (add_filter: after the rule's own).
  const std::uint32_t i = fi.rules.front();
  const std::vector<std::uint32_t>& order = impl_->rule_filters[i];
  const auto k = static_cast<std::size_t>(std::find(order.begin(), order.end(), f) - order.begin());
  const CompiledRule& r = impl_->rules[i];
  return eval_condition(r, r.condition.kids.at(k + 1), ev.event);
}

void RuleSet::match(const cloudtrail::EventView& ev, std::vector<Match>& out, std::vector<Match>* feed) const {
  const std::size_t start = out.size();
  impl_->for_candidates(ev.event, [&](std::size_t i) {
    const CompiledRule& r = impl_->rules[i];
    if (r.matches(ev.event)) {
      out.push_back(Match{static_cast<std::uint32_t>(i), r.severity_for(ev.event)});
    } else if (std::size_t k = 0; unfiltered_match(r, ev.event, k)) {
      impl_->left_out[impl_->rule_filters[i][k]].fetch_add(1, std::memory_order_relaxed);
    }
  });
  if (feed)
    for (std::size_t k = start; k < out.size(); ++k)
      if (!impl_->rule_feeds[out[k].rule].empty()) feed->push_back(out[k]);
  if (impl_->any_hidden) {
    auto end = std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(),
                              [&](const Match& m) { return !impl_->rule_emitted[m.rule]; });
    out.erase(end, out.end());
  }
  if (out.size() - start < 2) return;
  // Drop rules superseded by another match on this event. The high bit marks a drop so
  // the decision for every entry is taken against the full set, without allocating.
  constexpr std::uint32_t kDrop = 0x80000000u;
  for (std::size_t a = start; a < out.size(); ++a) {
    const std::uint32_t ra = out[a].rule & ~kDrop;
    for (std::size_t b = start; b < out.size(); ++b) {
      if (a == b) continue;
      const auto& sup = impl_->supersedes[out[b].rule & ~kDrop];
      if (std::find(sup.begin(), sup.end(), ra) != sup.end()) {
        out[a].rule |= kDrop;
        break;
      }
    }
  }
  auto end = std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(),
                            [](const Match& m) { return (m.rule & kDrop) != 0; });
  out.erase(end, out.end());
}

void RuleSet::set_dispatch(bool on) {
  if (on) impl_->index_rules();
  else impl_->dispatching = false;
}

const CompiledRule& RuleSet::compiled(std::size_t i) const { return impl_->rules.at(i); }
std::size_t RuleSet::filter_count() const { return impl_->filters.size(); }
const FilterInfo& RuleSet::filter(std::size_t f) const { return impl_->filters.at(f); }
std::uint64_t RuleSet::filter_left_out(std::size_t f) const {
  return f < impl_->filters.size() ? impl_->left_out[f].load(std::memory_order_relaxed) : 0;
}
std::vector<std::uint32_t> RuleSet::superseders(std::size_t i) const {
  std::vector<std::uint32_t> out;
  for (std::size_t s = 0; s < impl_->supersedes.size(); ++s) {
    const auto& sup = impl_->supersedes[s];
    if (std::find(sup.begin(), sup.end(), static_cast<std::uint32_t>(i)) != sup.end())
      out.push_back(static_cast<std::uint32_t>(s));
  }
  return out;
}

std::size_t RuleSet::correlation_count() const { return impl_->correlations.size(); }
const Correlation& RuleSet::correlation(std::size_t c) const { return impl_->correlations.at(c).def; }
const std::vector<SourceRef>& RuleSet::correlation_sources(std::size_t c) const {
  return impl_->correlations.at(c).sources;
}
const std::vector<std::uint32_t>& RuleSet::consumers(SourceRef s) const {
  return s.correlation ? impl_->correlations.at(s.index).consumers : impl_->rule_consumers.at(s.index);
}
const std::vector<std::uint32_t>& RuleSet::feeds(std::size_t rule) const { return impl_->rule_feeds.at(rule); }
bool RuleSet::emitted(SourceRef s) const {
  return s.correlation ? impl_->correlations.at(s.index).emitted : impl_->rule_emitted.at(s.index);
}

std::string RuleSet::group_key(std::size_t c, std::size_t rule, const cloudtrail::EventView& ev) const {
  const auto& e = impl_->correlations.at(c);
  auto it = e.group_paths.find(static_cast<std::uint32_t>(rule));
  if (it == e.group_paths.end()) return {};
  std::string out;
  for (std::size_t i = 0; i < it->second.size(); ++i) {
    if (i) out += kGroupSeparator;
    out += e.def.group_by[i];
    out += '=';
    out += field_text(ev.event, it->second[i]);
  }
  return out;
}

std::string RuleSet::count_value(std::size_t c, std::size_t rule, const cloudtrail::EventView& ev) const {
  const auto& e = impl_->correlations.at(c);
  auto it = e.value_path.find(static_cast<std::uint32_t>(rule));
  return it == e.value_path.end() ? std::string() : field_text(ev.event, it->second);
}

namespace {

bool is_rule_file(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yml" || ext == ".yaml";
}

bool looks_like_correlation(std::string_view text) {
  return text.starts_with("correlation:") || text.find("\ncorrelation:") != std::string_view::npos;
}

void add_documents(const std::string& file, const std::string& text, std::vector<RuleSource>& out,
                   bool builtin = false, bool walked = false) {
  for (std::string& doc : split_documents(text)) {
    const bool corr = looks_like_correlation(doc);
    out.push_back(RuleSource{file, std::move(doc), corr, builtin, {}, walked});
  }
}

void read_one(const fs::path& p, std::vector<RuleSource>& out, Diagnostics& diag, bool walked = false) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (ec) {
    diag.error(ErrorKind::Io, p.string(), "cannot read rule file: " + ec.message());
    return;
  }
  if (size > kMaxRuleFileBytes) {
    diag.error(ErrorKind::Invalid, p.string(), "rule file larger than 1 MiB, skipped");
    return;
  }
  auto text = io::read_whole_file(p);
  if (!text.ok()) {
    diag.error(ErrorKind::Io, p.string(), "cannot open rule file: " + text.error().what);
    return;
  }
  add_documents(p.string(), *text, out, false, walked);
}

}  // namespace

std::vector<RuleSource> rule_sources(const LoadOptions& opts, Diagnostics& diag) {
  std::vector<RuleSource> out;
  if (opts.builtin)
    for (const EmbeddedRule& e : builtin_rule_files()) {
      const std::string file = "builtin:" + std::string(e.file);
      if (opts.tests) {
        add_documents(file, std::string(e.text), out, true);
        continue;
      }
      for (const EmbeddedDoc& d : e.docs)
        if (!d.tree.empty()) out.push_back(RuleSource{file, {}, d.correlation, true, d.tree});
    }
  for (const fs::path& dir : opts.dirs) {
    std::error_code ec;
    fs::file_status st = fs::status(dir, ec);
    if (ec || !fs::exists(st)) {
      diag.error(ErrorKind::Io, dir.string(), "rules: no such file or directory");
      continue;
    }
    if (!fs::is_directory(st)) {
      read_one(dir, out, diag);
      continue;
    }
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) {
      diag.error(ErrorKind::Io, dir.string(), "cannot list rule directory: " + ec.message());
      continue;
    }
    for (; it != end; it.increment(ec)) {
      if (ec) {
        diag.error(ErrorKind::Io, dir.string(), "cannot list rule directory: " + ec.message());
        break;
      }
      if (it->path().filename().string().starts_with('.')) {  // .git, .github: not rules
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      std::error_code ec2;
      if (it->is_regular_file(ec2) && is_rule_file(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) read_one(f, out, diag, true);
  }
  return out;
}

namespace {

// A logsource that is not AWS's at all (not a mistyped CloudTrail one): another product, or
// no product and a service other than CloudTrail's. "" when it may be meant for rootguard.
std::string other_product_of(const std::string& product, const std::string& service) {
  if (!product.empty()) return iequals(product, "aws") ? std::string() : to_lower(product);
  return iequals(service, "cloudtrail") ? std::string() : std::string("no product");
}

}  // namespace

Result<Rule> parse_for_loading(const RuleSource& src, std::string* other_product) {
  Result<Rule> r = src.tree.empty() ? parse_rule(src.text, src.file, src.builtin) : parse_rule_tree(src.tree, src.file);
  const bool count = other_product && src.walked;
  if (!r) {
    // A rule for another log source may use what rootguard refuses (windash, base64offset...),
    // and a folder of rules may hold YAML that is no rule at all (test data, settings): look
    // again at the document, which parsed as YAML, before reporting.
    if (count && r.error().kind != ErrorKind::Corrupt) {
      try {
        const YAML::Node doc = YAML::Load(src.text);
        if (doc.IsMap() && !doc["logsource"] && !doc["detection"] && !doc["correlation"] && !doc["filter"]) {
          *other_product = kNotARule;
        } else if (doc.IsMap() && doc["logsource"].IsMap()) {
          const YAML::Node ls = doc["logsource"];
          auto text = [](const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); };
          *other_product = other_product_of(text(ls["product"]), text(ls["service"]));
        }
      } catch (const std::exception&) {
      }
    }
    return r;
  }
  if (count && !logsource_supported(*r)) {
    *other_product = other_product_of(r->logsource_product, r->logsource_service);
    if (!other_product->empty()) return r;
  }
  if (!logsource_supported(*r))
    return Error{ErrorKind::Unsupported, where(src.file, r->logsource_mark),
                 "unsupported: logsource product '" + r->logsource_product + "' service '" + r->logsource_service +
                     "' (rootguard reads product aws, service cloudtrail)"};
  if (!r->level_text.empty() && !r->has_level)
    return Error{ErrorKind::Invalid, where(src.file, r->level_mark), "invalid level '" + r->level_text + "'"};
  return r;
}

Result<Correlation> parse_correlation_source(const RuleSource& src) {
  try {
    YAML::Node doc;
    if (src.tree.empty()) {
      doc = YAML::Load(src.text);
    } else {
      Result<YAML::Node> tree = decode_yaml_tree(src.tree, src.file);
      if (!tree) return tree.take_error();
      doc = *tree;
    }
    return parse_correlation(doc, src.file);
  } catch (const YAML::Exception& e) {
    Mark m = e.mark.is_null() ? Mark{} : Mark{e.mark.line + 1, e.mark.column + 1};
    return Error{ErrorKind::Corrupt, where(src.file, m), yaml_error_text(e)};
  } catch (const std::exception& e) {
    return Error{ErrorKind::Invalid, src.file, std::string("cannot read correlation rule: ") + e.what()};
  }
}

namespace {

struct PendingFilter {
  CompiledRule compiled;
  Rule rule;
};

// ANDs each filter into the rules it names (by id, Sigma id or name), in load order.
void apply_filters(RuleSet::Impl& impl, const std::vector<PendingFilter>& filters,
                   const std::vector<Correlation>& correlations, Diagnostics& diag) {
  impl.rule_filters.assign(impl.rules.size(), {});
  for (const PendingFilter& p : filters) {
    FilterInfo fi{p.compiled.info.id, p.compiled.info.title, p.compiled.info.file, p.rule.conditions.front(), {},
                  p.rule.info.tests};
    auto add = [&](std::size_t i) {
      if (std::find(fi.rules.begin(), fi.rules.end(), i) != fi.rules.end()) return;
      add_filter(impl.rules[i], p.compiled);
      impl.rule_filters[i].push_back(static_cast<std::uint32_t>(impl.filters.size()));
      fi.rules.push_back(static_cast<std::uint32_t>(i));
    };
    if (p.rule.filter_all)
      for (std::size_t i = 0; i < impl.rules.size(); ++i) add(i);
    for (const std::string& ref : p.rule.filter_rules) {
      bool found = false;
      for (std::size_t i = 0; i < impl.rules.size(); ++i) {
        if (impl.rules[i].info.answers_to(ref)) {
          add(i);
          found = true;
        }
      }
      if (found) continue;
      const bool correlation = std::any_of(correlations.begin(), correlations.end(),
                                           [&](const Correlation& c) { return c.info.answers_to(ref); });
      diag.error(ErrorKind::Invalid, where(fi.file, p.rule.filter_mark),
                 correlation ? "filter '" + fi.id + "' names correlation '" + ref +
                                   "': a filter applies to detection rules (name the rules it counts)"
                             : "filter '" + fi.id + "' refers to unknown rule '" + ref + "'");
    }
    std::sort(fi.rules.begin(), fi.rules.end());
    impl.filters.push_back(std::move(fi));
  }
  impl.left_out = std::make_unique<std::atomic<std::uint64_t>[]>(impl.filters.size());
}

// Rules met in a walk for other log sources were left out (counted by product in `products`,
// kNotARule for YAML that is no rule; `ids` the names they answer to): the correlations over
// them go too (and those over those), and one note, naming `where`, says what was left out.
void leave_out_foreign(std::vector<std::string>& ids, std::map<std::string, std::size_t> products, const std::string& where,
                       std::vector<Correlation>& correlations, Diagnostics& diag) {
  std::size_t other_correlations = 0;
  for (bool dropped = !ids.empty(); dropped;) {
    dropped = false;
    for (auto it = correlations.begin(); it != correlations.end();) {
      const bool over = std::any_of(it->rules.begin(), it->rules.end(), [&](const std::string& ref) {
        return std::find(ids.begin(), ids.end(), ref) != ids.end();
      });
      if (!over) {
        ++it;
        continue;
      }
      for (std::string& id : it->info.refs()) ids.push_back(std::move(id));
      ++other_correlations;
      dropped = true;
      it = correlations.erase(it);
    }
  }
  std::size_t not_rules = 0;
  if (auto it = products.find(kNotARule); it != products.end()) {
    not_rules = it->second;
    products.erase(it);
  }
  if (!products.empty() || not_rules) {
    std::size_t total = 0;
    std::vector<std::pair<std::size_t, std::string>> by;
    for (const auto& [product, n] : products) {
      total += n;
      by.emplace_back(n, product);
    }
    std::sort(by.begin(), by.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::string list;
    for (std::size_t k = 0; k < by.size() && k < 5; ++k) list += (k ? ", " : "") + by[k].second + " " + std::to_string(by[k].first);
    if (by.size() > 5) list += ", ...";
    std::string corr;
    if (other_correlations)
      corr = " and " + counted(other_correlations, "correlation") +
             " over them";
    std::string what;
    if (total)
      what = counted(total, "rule") + " for other log sources (" + list + ")" + corr;
    if (not_rules)
      what += (what.empty() ? "" : " and ") + std::to_string(not_rules) +
              (not_rules == 1 ? " YAML file that is not a Sigma rule" : " YAML files that are not Sigma rules");
    diag.note(where, what + " left out; rootguard reads product aws, service cloudtrail");
  }
}

// Resolves each correlation's references (rule or correlation, by id, Sigma id or name),
// drops those that refer to something unknown or form a cycle (one error each), and works out
// which rules feed which correlations and with which group-by fields.
void resolve_correlations(RuleSet::Impl& impl, std::vector<Correlation> parsed, Diagnostics& diag) {
  const std::size_t nrules = impl.rules.size();
  impl.rule_consumers.assign(nrules, {});
  impl.rule_feeds.assign(nrules, {});
  impl.rule_emitted.assign(nrules, true);
  // Ids must be unique across rules and correlations.
  std::vector<Correlation> kept;
  for (Correlation& c : parsed) {
    std::string clash;
    for (const CompiledRule& r : impl.rules)
      if (r.info.answers_to(c.info.id) || r.info.answers_to(c.info.uuid)) clash = r.info.file;
    for (const Correlation& k : kept)
      if (k.info.answers_to(c.info.id)) clash = k.info.file;
    if (!clash.empty()) {
      diag.error(ErrorKind::Invalid, c.info.file,
                 "duplicate id '" + c.info.id + "' (already used by " + clash + "), correlation skipped");
      continue;
    }
    kept.push_back(std::move(c));
  }
  // Resolve references; a correlation referring to a dropped one is dropped in turn.
  std::vector<std::vector<SourceRef>> sources(kept.size());
  std::vector<bool> alive(kept.size(), true);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    for (const std::string& ref : kept[i].rules) {
      std::optional<SourceRef> found;
      for (std::size_t r = 0; r < nrules && !found; ++r)
        if (impl.rules[r].info.answers_to(ref)) found = SourceRef{false, static_cast<std::uint32_t>(r)};
      for (std::size_t k = 0; k < kept.size() && !found; ++k)
        if (k != i && kept[k].info.answers_to(ref)) found = SourceRef{true, static_cast<std::uint32_t>(k)};
      if (!found) {
        diag.error(ErrorKind::Invalid, kept[i].info.file,
                   "correlation '" + kept[i].info.id + "' refers to unknown rule '" + ref + "', correlation skipped");
        alive[i] = false;
        break;
      }
      sources[i].push_back(*found);
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < kept.size(); ++i) {
      if (!alive[i]) continue;
      for (const SourceRef& s : sources[i])
        if (s.correlation && !alive[s.index]) {
          diag.error(ErrorKind::Invalid, kept[i].info.file,
                     "correlation '" + kept[i].info.id + "' refers to skipped correlation '" +
                         kept[s.index].info.id + "', correlation skipped");
          alive[i] = false;
          changed = true;
          break;
        }
    }
  }
  // Cycles: a correlation that reaches itself.
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (!alive[i]) continue;
    std::vector<std::uint32_t> stack;
    std::vector<bool> seen(kept.size(), false);
    for (const SourceRef& s : sources[i])
      if (s.correlation) stack.push_back(s.index);
    bool cycle = false;
    while (!stack.empty() && !cycle) {
      std::uint32_t k = stack.back();
      stack.pop_back();
      if (k == i) cycle = true;
      if (seen[k]) continue;
      seen[k] = true;
      for (const SourceRef& s : sources[k])
        if (s.correlation) stack.push_back(s.index);
    }
    if (cycle) {
      diag.error(ErrorKind::Invalid, kept[i].info.file,
                 "correlation '" + kept[i].info.id + "' refers to itself through a chain, correlation skipped");
      alive[i] = false;
    }
  }
  // Renumber the survivors.
  std::vector<std::int64_t> new_index(kept.size(), -1);
  for (std::size_t i = 0; i < kept.size(); ++i)
    if (alive[i]) {
      new_index[i] = static_cast<std::int64_t>(impl.correlations.size());
      impl.correlations.push_back(RuleSet::Impl::CorrelationEntry{std::move(kept[i]), {}, {}, true, {}, {}});
    }
  for (std::size_t i = 0, n = 0; i < kept.size(); ++i) {
    if (!alive[i]) continue;
    for (SourceRef s : sources[i]) {
      if (s.correlation) s.index = static_cast<std::uint32_t>(new_index[s.index]);
      impl.correlations[n].sources.push_back(s);
    }
    ++n;
  }
  const std::size_t ncorr = impl.correlations.size();
  // Consumers, and what is emitted: a rule or correlation counted only by correlations with
  // `generate: false` is not reported on its own.
  std::vector<bool> rule_generate(nrules, false), corr_generate(ncorr, false);
  std::vector<bool> rule_counted(nrules, false), corr_counted(ncorr, false);
  for (std::size_t c = 0; c < ncorr; ++c) {
    const auto& e = impl.correlations[c];
    for (const SourceRef& s : e.sources) {
      auto& list = s.correlation ? impl.correlations[s.index].consumers : impl.rule_consumers[s.index];
      if (std::find(list.begin(), list.end(), c) == list.end()) list.push_back(static_cast<std::uint32_t>(c));
      (s.correlation ? corr_counted : rule_counted)[s.index] = true;
      if (e.def.generate) (s.correlation ? corr_generate : rule_generate)[s.index] = true;
    }
  }
  for (std::size_t r = 0; r < nrules; ++r) {
    impl.rule_emitted[r] = !rule_counted[r] || rule_generate[r];
    impl.any_hidden = impl.any_hidden || !impl.rule_emitted[r];
  }
  for (std::size_t c = 0; c < ncorr; ++c) impl.correlations[c].emitted = !corr_counted[c] || corr_generate[c];

  // Feeds: for each correlation, the rules that reach it, with the reference they come
  // through (for aliases).
  for (std::size_t c = 0; c < ncorr; ++c) {
    auto& e = impl.correlations[c];
    for (std::size_t k = 0; k < e.sources.size(); ++k) {
      const std::string& via = e.def.rules[k];
      std::vector<SourceRef> stack{e.sources[k]};
      std::vector<bool> seen(ncorr, false);
      while (!stack.empty()) {
        SourceRef s = stack.back();
        stack.pop_back();
        if (s.correlation) {
          if (seen[s.index]) continue;
          seen[s.index] = true;
          for (const SourceRef& t : impl.correlations[s.index].sources) stack.push_back(t);
          continue;
        }
        auto& fed = impl.rule_feeds[s.index];
        if (std::find(fed.begin(), fed.end(), c) == fed.end()) fed.push_back(static_cast<std::uint32_t>(c));
        if (e.group_paths.count(s.index)) continue;
        auto path_for = [&](const std::string& field) {
          auto al = e.def.aliases.find(field);
          if (al != e.def.aliases.end()) {
            auto f = al->second.find(via);
            const RuleInfo& ri = impl.rules[s.index].info;
            if (f == al->second.end()) f = al->second.find(ri.id);
            if (f == al->second.end() && !ri.name.empty()) f = al->second.find(ri.name);
            if (f != al->second.end()) return split(f->second, '.');
          }
          return split(field, '.');
        };
        std::vector<std::vector<std::string>> paths;
        for (const std::string& g : e.def.group_by) paths.push_back(path_for(g));
        e.group_paths.emplace(s.index, std::move(paths));
        if (!e.def.condition.field.empty()) e.value_path.emplace(s.index, path_for(e.def.condition.field));
      }
    }
  }
  for (auto& fed : impl.rule_feeds) std::sort(fed.begin(), fed.end());
}

}  // namespace

RuleSet load_rules(const LoadOptions& opts, Diagnostics& diag) {
  RuleSet set;
  RuleSet::Impl& impl = *set.impl_;
  std::vector<Mark> id_marks;
  std::vector<Correlation> parsed_correlations;
  std::vector<PendingFilter> filters;
  std::map<std::string, std::size_t> other_products;  // rules for other log sources, met in walks
  std::string other_where;
  std::vector<std::string> left_out_ids;
  for (const RuleSource& src : rule_sources(opts, diag)) {
    if (src.correlation) {
      Result<Correlation> c = parse_correlation_source(src);
      if (!c) diag.error(c.error());
      else parsed_correlations.push_back(std::move(c).value());
      continue;
    }
    std::string other;
    Result<Rule> rule = parse_for_loading(src, &other);
    if (!other.empty()) {
      ++other_products[other];
      if (other_where.empty()) {  // the folder given that holds it
        other_where = src.file;
        for (const fs::path& d : opts.dirs)
          if (src.file.starts_with(d.string())) other_where = d.string();
      }
      if (rule)
        for (std::string& id : rule->info.refs()) left_out_ids.push_back(std::move(id));
      continue;
    }
    if (!rule) {
      diag.error(rule.error());
      continue;
    }
    for (const std::string& name : expand_placeholders(*rule, opts.placeholders))
      if (!rule->info.builtin)
        diag.warning(src.file, "placeholder %" + name + "% has no values, so its items match nothing" +
                                   (name == "trusted_source_ips" ? " (set trusted_source_ips in rootguard.yaml, --config)"
                                                                 : ""));
    Result<CompiledRule> compiled = compile_rule(*rule);
    if (!compiled) {
      diag.error(compiled.error());
      continue;
    }
    if (rule->filter) {
      filters.push_back(PendingFilter{std::move(compiled).value(), std::move(rule).value()});
      continue;
    }
    // Duplicate ids: the later rule is refused, naming both files.
    const RuleInfo& info = compiled->info;
    const CompiledRule* clash = nullptr;
    std::string clash_id;
    for (const CompiledRule& prev : impl.rules) {
      for (const std::string& a : {info.id, info.uuid})
        for (const std::string& b : {prev.info.id, prev.info.uuid})
          if (!a.empty() && a == b && !clash) {
            clash = &prev;
            clash_id = a;
          }
    }
    if (clash) {
      diag.error(ErrorKind::Invalid, where(src.file, rule->id_mark),
                 "duplicate id '" + clash_id + "' (already used by " + clash->info.file + "), rule skipped");
      continue;
    }
    impl.rules.push_back(std::move(compiled).value());
  }

  leave_out_foreign(left_out_ids, other_products, other_where, parsed_correlations, diag);
  apply_filters(impl, filters, parsed_correlations, diag);

  // supersedes: ids -> indices, closed transitively; an edge that would close a cycle is dropped.
  const std::size_t n = impl.rules.size();
  impl.supersedes.assign(n, {});
  auto index_of = [&](const std::string& id) -> std::optional<std::uint32_t> {
    for (std::size_t i = 0; i < n; ++i)
      if (impl.rules[i].info.id == id || impl.rules[i].info.uuid == id) return static_cast<std::uint32_t>(i);
    return std::nullopt;
  };
  std::vector<std::vector<std::uint32_t>> direct(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const std::string& id : impl.rules[i].info.supersedes) {
      auto j = index_of(id);
      if (!j) {
        diag.warning(impl.rules[i].info.file, "supersedes unknown rule '" + id + "', ignored");
        continue;
      }
      if (*j != i) direct[i].push_back(*j);
    }
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::uint32_t> stack = direct[i];
    std::vector<bool> seen(n, false);
    while (!stack.empty()) {
      std::uint32_t j = stack.back();
      stack.pop_back();
      if (seen[j]) continue;
      seen[j] = true;
      for (std::uint32_t k : direct[j]) stack.push_back(k);
    }
    if (seen[i]) {
      diag.warning(impl.rules[i].info.file, "supersedes forms a cycle; this rule supersedes nothing");
      continue;
    }
    for (std::size_t j = 0; j < n; ++j)
      if (seen[j]) impl.supersedes[i].push_back(static_cast<std::uint32_t>(j));
  }

  // Prefilter: the union of every rule's literals, or nullopt when a rule has none.
  Literals lits;
  bool all = true;
  for (const CompiledRule& r : impl.rules) {
    if (!r.literals) {
      all = false;
      break;
    }
    lits.insert(lits.end(), r.literals->begin(), r.literals->end());
  }
  if (all) {
    // A literal can hide behind a \uXXXX escape in valid JSON: such records must pass.
    if (!impl.rules.empty()) lits.push_back(Literal::plain("\\u"));
    minimize_literals(lits);
    impl.literals = std::move(lits);
  }
  resolve_correlations(impl, std::move(parsed_correlations), diag);
  impl.index_rules();
  return set;
}

}  // namespace rg::sigma
