#include "sigma/ruleset.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "sigma/builtin.h"
#include "sigma/compile.h"
#include "sigma/loader.h"

namespace rg::sigma {

namespace fs = std::filesystem;

struct RuleSet::Impl {
  std::vector<CompiledRule> rules;
  std::vector<std::vector<std::uint32_t>> supersedes;  // transitive, as rule indices
  std::optional<std::vector<std::string>> literals;
};

RuleSet::RuleSet() : impl_(std::make_unique<Impl>()) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

std::size_t RuleSet::size() const { return impl_->rules.size(); }
const RuleInfo& RuleSet::info(std::size_t i) const { return impl_->rules.at(i).info; }
const std::optional<std::vector<std::string>>& RuleSet::prefilter_literals() const { return impl_->literals; }
const std::optional<std::vector<std::string>>& RuleSet::rule_literals(std::size_t i) const {
  return impl_->rules.at(i).literals;
}

std::optional<Severity> RuleSet::evaluate(std::size_t i, const cloudtrail::EventView& ev) const {
  const CompiledRule& r = impl_->rules.at(i);
  if (!r.matches(ev.event)) return std::nullopt;
  return r.severity_for(ev.event);
}

void RuleSet::match(const cloudtrail::EventView& ev, std::vector<Match>& out) const {
  const std::size_t start = out.size();
  for (std::size_t i = 0; i < impl_->rules.size(); ++i) {
    const CompiledRule& r = impl_->rules[i];
    if (r.matches(ev.event)) out.push_back(Match{static_cast<std::uint32_t>(i), r.severity_for(ev.event)});
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

namespace {

bool is_rule_file(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yml" || ext == ".yaml";
}

void read_one(const fs::path& p, std::vector<RuleSource>& out, Diagnostics& diag) {
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
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    diag.error(ErrorKind::Io, p.string(), "cannot open rule file");
    return;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out.push_back(RuleSource{p.string(), ss.str()});
}

}  // namespace

std::vector<RuleSource> rule_sources(const LoadOptions& opts, Diagnostics& diag) {
  std::vector<RuleSource> out;
  if (opts.builtin)
    for (const EmbeddedRule& e : builtin_rule_files())
      out.push_back(RuleSource{"builtin:" + std::string(e.file), std::string(e.text)});
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
      std::error_code ec2;
      if (it->is_regular_file(ec2) && is_rule_file(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) read_one(f, out, diag);
  }
  return out;
}

Result<Rule> parse_for_loading(const RuleSource& src) {
  Result<Rule> r = parse_rule(src.text, src.file);
  if (!r) return r;
  if (!logsource_supported(*r))
    return Error{ErrorKind::Unsupported, where(src.file, r->logsource_mark),
                 "unsupported: logsource product '" + r->logsource_product + "' service '" + r->logsource_service +
                     "' (rootguard reads product aws, service cloudtrail)"};
  if (!r->level_text.empty() && !r->has_level)
    return Error{ErrorKind::Invalid, where(src.file, r->level_mark), "invalid level '" + r->level_text + "'"};
  return r;
}

RuleSet load_rules(const LoadOptions& opts, Diagnostics& diag) {
  RuleSet set;
  RuleSet::Impl& impl = *set.impl_;
  std::vector<Mark> id_marks;
  for (const RuleSource& src : rule_sources(opts, diag)) {
    Result<Rule> rule = parse_for_loading(src);
    if (!rule) {
      diag.error(rule.error());
      continue;
    }
    Result<CompiledRule> compiled = compile_rule(*rule);
    if (!compiled) {
      diag.error(compiled.error());
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
  std::vector<std::string> lits;
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
    if (!impl.rules.empty()) lits.push_back("\\u");
    minimize_literals(lits);
    std::sort(lits.begin(), lits.end());
    impl.literals = std::move(lits);
  }
  return set;
}

}  // namespace rg::sigma
