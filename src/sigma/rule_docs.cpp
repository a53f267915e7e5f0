#include "sigma/rule_docs.h"

#include <algorithm>
#include <cctype>

#include "core/strings.h"
#include "sigma/correlation.h"

namespace rg::sigma {
namespace {

std::string json_str(std::string_view s) {
  std::string out = "\"";
  out += json_escape(s);
  out += '"';
  return out;
}

std::string json_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += json_str(v[i]);
  }
  return out + "]";
}

std::size_t count_tests(const RuleInfo& r, bool must_match) {
  return static_cast<std::size_t>(
      std::count_if(r.tests.begin(), r.tests.end(), [&](const RuleTest& t) { return t.must_match == must_match; }));
}

// "event" for a rule reported on its own, "part" for one only correlations count, else the
// correlation type.
std::string kind_of_rule(const RuleSet& rules, std::size_t i) {
  return rules.emitted(SourceRef{false, static_cast<std::uint32_t>(i)}) ? "event" : "part";
}

std::string source_names(const RuleSet& rules, std::size_t c) {
  const Correlation& k = rules.correlation(c);
  std::string out;
  for (std::size_t i = 0; i < k.rules.size(); ++i) {
    const SourceRef s = rules.correlation_sources(c)[i];
    out += i ? (k.type == CorrelationType::TemporalOrdered ? " then " : ", ") : "";
    out += s.correlation ? rules.correlation(s.index).info.id : rules.info(s.index).id;
  }
  return out;
}

// One line: what the correlation counts and when it fires.
std::string correlation_summary(const RuleSet& rules, std::size_t c) {
  const Correlation& k = rules.correlation(c);
  std::string group;
  for (std::size_t i = 0; i < k.group_by.size(); ++i) group += (i ? ", " : "") + k.group_by[i];
  std::string out = std::string(to_string(k.type)) + " of " + source_names(rules, c);
  if (!group.empty()) out += ", per " + group;
  switch (k.type) {
    case CorrelationType::EventCount: out += ": fires at " + k.condition.describe() + " matches within " + k.timespan_text; break;
    case CorrelationType::ValueCount:
      out += ": fires at " + k.condition.describe() + " distinct " + k.condition.field + " within " + k.timespan_text;
      break;
    case CorrelationType::ValueSum:
    case CorrelationType::ValueAvg:
      out += std::string(": fires when the ") + (k.type == CorrelationType::ValueSum ? "sum" : "average") + " of " +
             k.condition.field + " is " + k.condition.describe() + " within " + k.timespan_text;
      break;
    case CorrelationType::Temporal:
      out += ": fires when " + k.condition.describe() + " of them match within " + k.timespan_text;
      break;
    case CorrelationType::TemporalOrdered: out += ": fires when they match in this order within " + k.timespan_text; break;
    case CorrelationType::FirstSeen: out += ": fires when the group was not seen in the " + k.timespan_text + " before"; break;
  }
  return out;
}

// The ids of the rules filter f applies to, or "every rule".
std::string filtered_rules(const RuleSet& rules, std::size_t f) {
  const FilterInfo& fi = rules.filter(f);
  if (fi.rules.size() == rules.size() && !fi.rules.empty()) return "every rule";
  if (fi.rules.empty()) return "no rule";
  std::string out;
  for (std::uint32_t i : fi.rules) out += (out.empty() ? "" : ", ") + rules.info(i).id;
  return out;
}

std::size_t count_sequences(const Correlation& k, bool must_fire) {
  return static_cast<std::size_t>(
      std::count_if(k.tests.begin(), k.tests.end(), [&](const SequenceTest& t) { return t.must_fire == must_fire; }));
}

std::string text(const RuleSet& rules) {
  std::size_t idw = 2, titlew = 5, kindw = 5;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    idw = std::max(idw, rules.info(i).id.size());
    titlew = std::max(titlew, rules.info(i).title.size());
  }
  for (std::size_t c = 0; c < rules.correlation_count(); ++c) {
    idw = std::max(idw, rules.correlation(c).info.id.size());
    titlew = std::max(titlew, rules.correlation(c).info.title.size());
    kindw = std::max(kindw, std::string(to_string(rules.correlation(c).type)).size());
  }
  std::vector<std::string> filter_titles;
  for (std::size_t f = 0; f < rules.filter_count(); ++f) {
    filter_titles.push_back(rules.filter(f).title + " (on " + filtered_rules(rules, f) + ")");
    idw = std::max(idw, rules.filter(f).id.size());
    titlew = std::max(titlew, filter_titles.back().size());
    kindw = std::max<std::size_t>(kindw, 6);
  }
  auto pad = [](std::string s, std::size_t w) {
    s.resize(std::max(s.size(), w), ' ');
    return s;
  };
  std::string out =
      pad("ID", idw) + "  " + pad("SEVERITY", 8) + "  " + pad("TYPE", kindw) + "  " + pad("TITLE", titlew) + "  FILE\n";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& r = rules.info(i);
    out += pad(r.id, idw) + "  " + pad(std::string(to_string(r.severity)), 8) + "  " + pad(kind_of_rule(rules, i), kindw) +
           "  " + pad(r.title, titlew) + "  " + r.file + "\n";
  }
  for (std::size_t c = 0; c < rules.correlation_count(); ++c) {
    const Correlation& k = rules.correlation(c);
    out += pad(k.info.id, idw) + "  " + pad(std::string(to_string(k.info.severity)), 8) + "  " +
           pad(to_string(k.type), kindw) + "  " + pad(k.info.title, titlew) + "  " + k.info.file + "\n";
  }
  for (std::size_t f = 0; f < rules.filter_count(); ++f)
    out += pad(rules.filter(f).id, idw) + "  " + pad("-", 8) + "  " + pad("filter", kindw) + "  " +
           pad(filter_titles[f], titlew) + "  " + rules.filter(f).file + "\n";
  return out;
}

std::string json(const RuleSet& rules) {
  std::string out = "[";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& r = rules.info(i);
    out += i ? ",\n " : "\n ";
    out += "{\"id\":" + json_str(r.id) + ",\"type\":" + json_str(kind_of_rule(rules, i)) + ",\"uuid\":" +
           json_str(r.uuid) + ",\"title\":" + json_str(r.title) +
           ",\"severity\":" + json_str(to_string(r.severity)) + ",\"file\":" + json_str(r.file) +
           ",\"builtin\":" + (r.builtin ? "true" : "false") + ",\"description\":" + json_str(r.description) +
           ",\"practice\":" + json_str(r.practice) + ",\"next_step\":" + json_str(r.next_step) +
           ",\"tags\":" + json_list(r.tags) + ",\"references\":" + json_list(r.references) +
           ",\"supersedes\":" + json_list(r.supersedes) + ",\"conditions\":" + json_list(r.conditions) +
           ",\"filters\":" + json_list(r.filters) +
           ",\"severity_when_failed\":" +
           (r.severity_when_failed ? json_str(to_string(*r.severity_when_failed)) : std::string("null")) +
           ",\"severity_levels\":[";
    for (std::size_t k = 0; k < r.severity_levels.size(); ++k) {
      if (k) out += ',';
      out += "{\"when\":";
      out += json_str(r.severity_levels[k].first);
      out += ",\"level\":";
      out += json_str(to_string(r.severity_levels[k].second));
      out += '}';
    }
    out += "],\"tests\":{\"match\":" + std::to_string(count_tests(r, true)) +
           ",\"no_match\":" + std::to_string(count_tests(r, false)) + "}}";
  }
  for (std::size_t c = 0; c < rules.correlation_count(); ++c) {
    const Correlation& k = rules.correlation(c);
    const RuleInfo& r = k.info;
    std::vector<std::string> refs;
    for (const SourceRef& s : rules.correlation_sources(c))
      refs.push_back(s.correlation ? rules.correlation(s.index).info.id : rules.info(s.index).id);
    out += rules.size() + c ? ",\n " : "\n ";
    out += "{\"id\":" + json_str(r.id) + ",\"type\":" + json_str(to_string(k.type)) + ",\"uuid\":" + json_str(r.uuid) +
           ",\"title\":" + json_str(r.title) + ",\"severity\":" + json_str(to_string(r.severity)) +
           ",\"file\":" + json_str(r.file) + ",\"builtin\":" + (r.builtin ? "true" : "false") +
           ",\"description\":" + json_str(r.description) + ",\"practice\":" + json_str(r.practice) +
           ",\"next_step\":" + json_str(r.next_step) + ",\"tags\":" + json_list(r.tags) +
           ",\"references\":" + json_list(r.references) + ",\"rules\":" + json_list(refs) +
           ",\"group_by\":" + json_list(k.group_by) + ",\"timespan\":" + json_str(k.timespan_text) +
           ",\"condition\":" + json_str(k.has_condition ? k.condition.describe() : "") +
           ",\"field\":" + json_str(k.condition.field) + ",\"generate\":" + (k.generate ? "true" : "false") +
           ",\"emitted\":" + (rules.emitted(SourceRef{true, static_cast<std::uint32_t>(c)}) ? "true" : "false") +
           ",\"tests\":{\"match\":" + std::to_string(count_sequences(k, true)) +
           ",\"no_match\":" + std::to_string(count_sequences(k, false)) + "}}";
  }
  for (std::size_t f = 0; f < rules.filter_count(); ++f) {
    const FilterInfo& fi = rules.filter(f);
    std::vector<std::string> ids;
    for (std::uint32_t i : fi.rules) ids.push_back(rules.info(i).id);
    out += rules.size() + rules.correlation_count() + f ? ",\n " : "\n ";
    out += "{\"id\":" + json_str(fi.id) + ",\"type\":\"filter\",\"title\":" + json_str(fi.title) +
           ",\"file\":" + json_str(fi.file) + ",\"condition\":" + json_str(fi.condition) +
           ",\"rules\":" + json_list(ids) + "}";
  }
  return out + (rules.size() + rules.correlation_count() + rules.filter_count() ? "\n]\n" : "]\n");
}

std::string md_cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string anchor(const RuleInfo& r) {  // GitHub's heading anchors
  std::string a;
  for (char c : to_lower(r.id + " " + r.title)) {
    if (std::isalnum(static_cast<unsigned char>(c))) a += c;
    else if (c == ' ' || c == '-') a += '-';
  }
  return a;
}

std::string source_path(const RuleInfo& r) {
  return r.file.starts_with("builtin:") ? "rules/" + r.file.substr(8) : r.file;
}

// The Sigma id, file, tags and references of a rule or correlation, as list items.
std::string identity_lines(const RuleInfo& r) {
  std::string out = "- Sigma id: `" + r.uuid + "`, file `" + source_path(r) + "`\n";
  if (!r.tags.empty()) {
    out += "- Tags:";
    for (std::size_t k = 0; k < r.tags.size(); ++k) out += (k ? ", " : " ") + std::string("`") + r.tags[k] + "`";
    out += "\n";
  }
  for (const std::string& ref : r.references) out += "- Reference: <" + ref + ">\n";
  return out;
}

std::string markdown(const RuleSet& rules) {
  std::string out =
      "# Detection rules\n\n"
      "<!-- Generated by `rootguard rules list --format md`; a test keeps this file equal to that output. -->\n\n"
      "The rules `rootguard scan` applies to every CloudTrail record. Each is a Sigma rule\n"
      "(logsource product aws, service cloudtrail) with a `rootguard` block; the file format,\n"
      "the matching semantics and how severities are derived are in [rule-format.md](rule-format.md).\n"
      "When several rules match one event and one supersedes another, only the superseding rule is\n"
      "reported, so most events give one finding.\n\n"
      "Correlation rules (Sigma correlations, type in the table) count the matches of other rules\n"
      "over time, per group, in event-time order, in `scan` over a set of files and in `watch`\n"
      "(whose store keeps their state across restarts); a rule of type `part` is a building block\n"
      "that only a correlation counts and is not reported on its own.\n\n"
      "| Id | Title | Type | Severity | Practice it protects |\n|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& r = rules.info(i);
    out += "| [" + r.id + "](#" + anchor(r) + ") | " + md_cell(r.title) + " | " + kind_of_rule(rules, i) + " | " +
           std::string(to_string(r.severity)) + " | " + md_cell(r.practice) + " |\n";
  }
  for (std::size_t c = 0; c < rules.correlation_count(); ++c) {
    const RuleInfo& r = rules.correlation(c).info;
    out += "| [" + r.id + "](#" + anchor(r) + ") | " + md_cell(r.title) + " | " + to_string(rules.correlation(c).type) +
           " | " + std::string(to_string(r.severity)) + " | " + md_cell(r.practice) + " |\n";
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& r = rules.info(i);
    out += "\n## " + r.id + " " + r.title + "\n\n" + r.description + "\n\n";
    std::string sev = std::string(to_string(r.severity));
    if (r.severity_when_failed) sev += "; failed calls: " + std::string(to_string(*r.severity_when_failed));
    for (const auto& [when, level] : r.severity_levels) sev += "; when `" + when + "`: " + std::string(to_string(level));
    out += "- Severity: " + sev + "\n";
    for (const std::string& c : r.conditions) out += "- Condition: `" + c + "`\n";
    if (!r.supersedes.empty()) {
      out += "- Supersedes:";
      for (std::size_t k = 0; k < r.supersedes.size(); ++k) out += (k ? ", " : " ") + r.supersedes[k];
      out += "\n";
    }
    if (!r.filters.empty()) {
      out += "- Filtered by:";
      for (std::size_t k = 0; k < r.filters.size(); ++k) out += (k ? ", " : " ") + r.filters[k];
      out += "\n";
    }
    if (!r.practice.empty()) out += "- Practice: " + r.practice + "\n";
    if (!r.next_step.empty()) out += "- Next step: " + r.next_step + "\n";
    out += "- Tests: " + std::to_string(count_tests(r, true)) + " must match, " +
           std::to_string(count_tests(r, false)) + " must not match\n";
    out += identity_lines(r);
    if (!rules.emitted(SourceRef{false, static_cast<std::uint32_t>(i)})) {
      std::string by;
      for (std::uint32_t c : rules.consumers(SourceRef{false, static_cast<std::uint32_t>(i)}))
        by += (by.empty() ? "" : ", ") + rules.correlation(c).info.id;
      out += "- Reported: only through " + by + "\n";
    }
  }
  for (std::size_t c = 0; c < rules.correlation_count(); ++c) {
    const Correlation& k = rules.correlation(c);
    const RuleInfo& r = k.info;
    out += "\n## " + r.id + " " + r.title + "\n\n" + r.description + "\n\n";
    out += "- Severity: " + std::string(to_string(r.severity)) + "\n";
    out += "- Correlation: " + correlation_summary(rules, c) + "\n";
    out += std::string("- Counted rules reported on their own too: ") + (k.generate ? "yes" : "no") + "\n";
    if (!r.practice.empty()) out += "- Practice: " + r.practice + "\n";
    if (!r.next_step.empty()) out += "- Next step: " + r.next_step + "\n";
    out += "- Tests: " + std::to_string(count_sequences(k, true)) + " sequences must fire, " +
           std::to_string(count_sequences(k, false)) + " must not\n";
    out += identity_lines(r);
  }
  return out;
}

}  // namespace

std::string render_rules(const RuleSet& rules, ListFormat format) {
  switch (format) {
    case ListFormat::Text: return text(rules);
    case ListFormat::Json: return json(rules);
    case ListFormat::Markdown: return markdown(rules);
  }
  return {};
}

}  // namespace rg::sigma
