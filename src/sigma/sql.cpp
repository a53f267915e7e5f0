#include "sigma/sql.h"

#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>

#include "core/strings.h"
#include "core/time.h"
#include "sigma/compile.h"
#include "sigma/correlation.h"

namespace rg::sigma {

namespace {

// Thrown inside one rule's translation; the rule is then listed as skipped with `why`.
struct NotExpressible {
  std::string why;
};

[[noreturn]] void cannot(std::string why) { throw NotExpressible{std::move(why)}; }

std::string lit(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else out += c;
  }
  return out + "'";
}

std::string num(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// A node of the documented table's schema: a column, a struct field, or an array of structs.
struct Node {
  std::string name;            // lower-case, as in the DDL
  enum class Kind { Scalar, Struct, StructArray, Json } kind = Kind::Scalar;
  std::vector<Node> kids;
};

const Node& schema() {
  using K = Node::Kind;
  auto leaf = [](const char* n) { return Node{n, K::Scalar, {}}; };
  static const Node root{
      "",
      K::Struct,
      {leaf("eventversion"),
       Node{"useridentity",
            K::Struct,
            {leaf("type"), leaf("principalid"), leaf("arn"), leaf("accountid"), leaf("invokedby"), leaf("accesskeyid"),
             leaf("username"),
             Node{"sessioncontext",
                  K::Struct,
                  {Node{"attributes", K::Struct, {leaf("mfaauthenticated"), leaf("creationdate")}},
                   Node{"sessionissuer",
                        K::Struct,
                        {leaf("type"), leaf("principalid"), leaf("arn"), leaf("accountid"), leaf("username")}},
                   leaf("ec2roledelivery")}}}},
       leaf("eventtime"), leaf("eventsource"), leaf("eventname"), leaf("awsregion"), leaf("sourceipaddress"),
       leaf("useragent"), leaf("errorcode"), leaf("errormessage"), Node{"requestparameters", K::Json, {}},
       Node{"responseelements", K::Json, {}}, Node{"additionaleventdata", K::Json, {}}, leaf("requestid"),
       leaf("eventid"), Node{"resources", K::StructArray, {leaf("arn"), leaf("accountid"), leaf("type")}},
       leaf("eventtype"), leaf("apiversion"), leaf("readonly"), leaf("recipientaccountid"),
       Node{"serviceeventdetails", K::Json, {}}, leaf("sharedeventid"), leaf("vpcendpointid"),
       Node{"tlsdetails", K::Struct, {leaf("tlsversion"), leaf("ciphersuite"), leaf("clientprovidedhostheader")}}}};
  return root;
}

const Node* child(const Node& n, const std::string& step) {
  const std::string s = to_lower(step);
  for (const Node& k : n.kids)
    if (k.name == s) return &k;
  return nullptr;
}

bool json_key_ok(const std::string& k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

class Gen {
 public:
  explicit Gen(const SqlOptions& o) : o_(o) {}

  bool trino() const { return o_.dialect != SqlDialect::DuckDb; }

  // A lambda's variable: `name`, or name1, name2... inside a fieldref's second path, so that
  // the first path's variable stays in reach.
  std::string var(const char* name) const { return depth_ ? name + std::to_string(depth_) : std::string(name); }

  // The predicate `pred` applied to the value at `path` (Sigma's any-element semantics for
  // the resources array).
  std::string at_path(const std::vector<std::string>& path, const std::function<std::string(const std::string&)>& pred,
                      bool null_test) const {
    const Node* n = &schema();
    std::string expr;
    for (std::size_t i = 0; i < path.size(); ++i) {
      const Node* k = child(*n, path[i]);
      if (!k) {
        std::string field;
        for (std::size_t j = 0; j <= i; ++j) field += (j ? "." : "") + path[j];
        cannot("field '" + field + "' is not a column of the CloudTrail table");
      }
      expr += (expr.empty() ? "" : ".") + k->name;
      if (k->kind == Node::Kind::Json) {
        if (i + 1 == path.size()) return pred(expr);  // the whole JSON text
        std::string jp = "$";
        for (std::size_t j = i + 1; j < path.size(); ++j) {
          if (!json_key_ok(path[j])) cannot("JSON key '" + path[j] + "' needs quoting no dialect shares");
          jp += "." + path[j];
        }
        const std::string direct =
            pred(std::string(trino() ? "json_extract_scalar(" : "json_extract_string(") + expr + ", " + lit(jp) + ")");
        if (null_test || path.size() - i < 3) return direct;
        // CloudTrail often puts a list one level down (requestParameters.eventSelectors[].x):
        // look into each element there too, as the scan engine does.
        std::string ja = "$." + path[i + 1] + "[*]";
        for (std::size_t j = i + 2; j < path.size(); ++j) ja += "." + path[j];
        const std::string list = trino() ? "CAST(json_extract(" + expr + ", " + lit(ja) + ") AS ARRAY(VARCHAR))"
                                         : "json_extract_string(" + expr + ", " + lit(ja) + ")";
        const std::string x = var("x");
        const std::string inner = "COALESCE(" + pred(x) + ", FALSE)";
        const std::string any = trino() ? "any_match(" + list + ", " + x + " -> " + inner + ")"
                                        : "(len(list_filter(" + list + ", " + x + " -> " + inner + ")) > 0)";
        return "(COALESCE(" + direct + ", FALSE) OR COALESCE(" + any + ", FALSE))";
      }
      if (k->kind == Node::Kind::StructArray) {
        if (null_test) cannot("null or exists on a field inside resources[]");
        if (i + 2 != path.size()) cannot("field '" + path.back() + "' inside resources[] is not in the table");
        const Node* leaf = child(*k, path[i + 1]);
        if (!leaf) cannot("resources[]." + path[i + 1] + " is not in the table");
        const std::string r = var("r");
        std::string inner = pred(r + "." + leaf->name);
        return trino() ? "any_match(" + expr + ", " + r + " -> COALESCE(" + inner + ", FALSE))"
                       : "(len(list_filter(" + expr + ", " + r + " -> COALESCE(" + inner + ", FALSE))) > 0)";
      }
      n = k;
    }
    if (n->kind != Node::Kind::Scalar) {
      if (null_test) return pred(expr);
      cannot("field '" + expr + "' is a structure, not a value");
    }
    return pred(expr);
  }

  std::string like(const std::string& x, const StrPattern& p) const {
    auto esc = [](char c) {
      std::string s;
      if (c == '\\' || c == '%' || c == '_') s += '\\';
      s += c;
      return s;
    };
    std::string pat;
    switch (p.kind) {
      case StrPattern::Kind::Equals: return x + " = " + lit(p.needle);
      case StrPattern::Kind::Prefix:
        for (char c : p.needle) pat += esc(c);
        pat += '%';
        break;
      case StrPattern::Kind::Suffix:
        pat = "%";
        for (char c : p.needle) pat += esc(c);
        break;
      case StrPattern::Kind::Contains:
        pat = "%";
        for (char c : p.needle) pat += esc(c);
        pat += '%';
        break;
      case StrPattern::Kind::Glob:
        for (std::size_t i = 0; i < p.glob.size(); ++i)
          pat += p.wild[i] == 2 ? std::string("%") : p.wild[i] == 1 ? std::string("_") : esc(p.glob[i]);
        break;
    }
    return x + " LIKE " + lit(pat) + " ESCAPE '\\'";
  }

  std::string value(const ValueTest& t, const std::string& e) const {
    using Op = ValueTest::Op;
    const std::string dbl = "TRY_CAST(" + e + " AS DOUBLE)";
    switch (t.op) {
      case Op::Str: return like(t.str.cased ? e : "lower(" + e + ")", t.str);
      case Op::Num: return dbl + " = " + num(t.num);
      case Op::Bool: return "lower(" + e + ") = " + lit(t.flag ? "true" : "false");
      case Op::Null: return e + " IS NULL";
      case Op::Exists: return e + (t.flag ? " IS NOT NULL" : " IS NULL");
      case Op::Gt: return dbl + " > " + num(t.num);
      case Op::Gte: return dbl + " >= " + num(t.num);
      case Op::Lt: return dbl + " < " + num(t.num);
      case Op::Lte: return dbl + " <= " + num(t.num);
      case Op::Regex: {
        std::string flags;
        for (char f : t.regex_flags) flags += f;
        const std::string re = (flags.empty() ? "" : "(?" + flags + ")") + t.regex_text;
        return std::string(trino() ? "regexp_like(" : "regexp_matches(") + e + ", " + lit(re) + ")";
      }
      case Op::FieldRef: {
        ++depth_;
        struct Leave {
          int& d;
          ~Leave() { --d; }
        } leave{depth_};
        return at_path(t.ref_path, [&](const std::string& ref) { return refers(t, e, ref); }, false);
      }
      case Op::Cidr: {
        if (t.cidr.family != AF_INET) cannot("IPv6 CIDR (only IPv4 ranges are expressed in SQL)");
        std::uint64_t a = 0;
        for (int i = 0; i < 4; ++i) a = (a << 8) | t.cidr.addr[static_cast<std::size_t>(i)];
        const std::uint64_t size = std::uint64_t{1} << (32 - t.cidr.prefix);
        const std::uint64_t lo = a & ~(size - 1), hi = lo + size - 1;
        std::string n;
        for (int i = 1; i <= 4; ++i)
          n += (i > 1 ? " + " : "") + std::string("TRY_CAST(split_part(") + e + ", '.', " + std::to_string(i) +
               ") AS BIGINT)" + (i < 4 ? " * " + std::to_string(std::uint64_t{1} << (8 * (4 - i))) : "");
        const std::string shape = std::string(trino() ? "regexp_like(" : "regexp_matches(") + e +
                                  ", '^[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$')";
        return "(" + shape + " AND (" + n + ") BETWEEN " + std::to_string(lo) + " AND " + std::to_string(hi) + ")";
      }
    }
    cannot("unknown value test");
  }

  // The field `a` against the referenced field `b` (both text), as a FieldRef test says.
  std::string refers(const ValueTest& t, const std::string& a0, const std::string& b0) const {
    const std::string a = t.str.cased ? a0 : "lower(" + a0 + ")", b = t.str.cased ? b0 : "lower(" + b0 + ")";
    switch (t.str.kind) {
      case StrPattern::Kind::Equals: return a + " = " + b;
      case StrPattern::Kind::Contains: return "strpos(" + a + ", " + b + ") > 0";
      case StrPattern::Kind::Prefix: return "substr(" + a + ", 1, length(" + b + ")) = " + b;
      case StrPattern::Kind::Suffix:
        return "(length(" + a + ") >= length(" + b + ") AND substr(" + a + ", length(" + a + ") - length(" + b +
               ") + 1) = " + b + ")";
      case StrPattern::Kind::Glob: break;
    }
    cannot("unknown fieldref comparison");
  }

  std::string field_test(const FieldTest& ft) const {
    if (ft.path.empty()) cannot("keyword search (no field) needs the raw record, which the table does not keep");
    if (ft.values.empty()) return "FALSE";
    std::vector<std::string> parts;
    for (const ValueTest& v : ft.values) {
      const bool null_test = v.op == ValueTest::Op::Null || v.op == ValueTest::Op::Exists;
      parts.push_back("COALESCE(" + at_path(ft.path, [&](const std::string& e) { return value(v, e); }, null_test) +
                      ", FALSE)");
    }
    if (!ft.neq) return join(parts, ft.all ? " AND " : " OR ");
    // |neq: the field has a value (and so does a referenced one) and it equals none of them
    auto has_value = [&](const std::vector<std::string>& path) {
      return "COALESCE(" + at_path(path, [](const std::string& e) { return e + " IS NOT NULL"; }, true) + ", FALSE)";
    };
    std::vector<std::string> need{has_value(ft.path)};
    for (const ValueTest& v : ft.values)
      if (v.op == ValueTest::Op::FieldRef) need.push_back(has_value(v.ref_path));
    return join(need, " AND ") + " AND NOT (" + join(parts, " OR ") + ")";
  }

  std::string detection(const CompiledDetection& d) const {
    std::vector<std::string> alts;
    for (const auto& group : d.alternatives) {
      std::vector<std::string> items;
      for (const FieldTest& ft : group) items.push_back("(" + field_test(ft) + ")");
      alts.push_back(items.empty() ? "TRUE" : "(" + join(items, " AND ") + ")");
    }
    return alts.empty() ? "FALSE" : "(" + join(alts, " OR ") + ")";
  }

  std::string cond(const CompiledRule& r, const CondNode& n) const {
    switch (n.kind) {
      case CondNode::Kind::Detection: return detection(r.detections.at(n.detection));
      case CondNode::Kind::Not: return "NOT " + cond(r, n.kids.at(0));
      case CondNode::Kind::And:
      case CondNode::Kind::Or: {
        std::vector<std::string> parts;
        for (const CondNode& k : n.kids) parts.push_back(cond(r, k));
        return "(" + join(parts, n.kind == CondNode::Kind::And ? " AND " : " OR ") + ")";
      }
    }
    cannot("unknown condition node");
  }

  // eventTime as Unix milliseconds.
  std::string ms(const std::string& col) const {
    return trino() ? "CAST(to_unixtime(from_iso8601_timestamp(" + col + ")) * 1000 AS BIGINT)"
                   : "epoch_ms(CAST(" + col + " AS TIMESTAMPTZ))";
  }

  // The failed-call test of the scan engine (errorCode/errorMessage, or a sign-in's Failure).
  std::string failed() const {
    const std::string re = std::string(trino() ? "regexp_like(" : "regexp_matches(") +
                           "responseelements, '\"' || eventname || '\"\\s*:\\s*\"(?i:failure)\"')";
    return "(errorcode IS NOT NULL OR errormessage IS NOT NULL OR COALESCE(" + re + ", FALSE))";
  }

  std::string severity(const CompiledRule& r) const {
    std::string out = "CASE";
    if (r.severity_when_failed) out += " WHEN " + failed() + " THEN " + lit(to_string(*r.severity_when_failed));
    for (const auto& [node, level] : r.levels) out += " WHEN " + cond(r, node) + " THEN " + lit(to_string(level));
    if (out == "CASE") return lit(to_string(r.info.severity));
    return out + " ELSE " + lit(to_string(r.info.severity)) + " END";
  }

  // Filters on time, account and region, with partition pruning. `history_ms` widens the
  // lower bound (first_seen needs what came before --since).
  std::string filters(std::int64_t history_ms = 0) const {
    std::vector<std::string> w{"useridentity IS NOT NULL"};
    std::optional<std::int64_t> since = o_.since_ms;
    if (since) *since -= history_ms;
    if (since) w.push_back("eventtime >= " + lit(format_iso8601(*since)));
    if (o_.until_ms) w.push_back("eventtime < " + lit(format_iso8601(*o_.until_ms)));
    auto in_list = [](const std::vector<std::string>& v) {
      std::vector<std::string> q;
      for (const std::string& s : v) q.push_back(lit(s));
      return "(" + join(q, ", ") + ")";
    };
    if (!o_.accounts.empty()) w.push_back("recipientaccountid IN " + in_list(o_.accounts));
    if (!o_.regions.empty()) w.push_back("awsregion IN " + in_list(o_.regions));
    auto day = [](std::int64_t t) { return format_iso8601(t).substr(0, 10); };  // yyyy-MM-dd
    auto slash = [](std::string d) {
      std::replace(d.begin(), d.end(), '-', '/');
      return d;
    };
    if (o_.partitions == SqlPartitions::Timestamp) {
      if (since) w.push_back("\"timestamp\" >= " + lit(slash(day(*since))));
      if (o_.until_ms) w.push_back("\"timestamp\" <= " + lit(slash(day(*o_.until_ms - 1))));
    } else if (o_.partitions == SqlPartitions::RegionYearMonthDay) {
      const std::string ymd = trino() ? "concat(year, '/', month, '/', day)" : "(year || '/' || month || '/' || day)";
      if (since) w.push_back(ymd + " >= " + lit(slash(day(*since))));
      if (o_.until_ms) w.push_back(ymd + " <= " + lit(slash(day(*o_.until_ms - 1))));
      if (!o_.regions.empty()) w.push_back("region IN " + in_list(o_.regions));
    }
    return join(w, " AND ");
  }

  static std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
  }

  const SqlOptions& o_;
  mutable int depth_ = 0;  // fieldrefs being written (var)
};

const char* kColumns = "eventtime, eventid, recipientaccountid AS account, awsregion AS region, eventname, "
                       "useridentity.arn AS principal, sourceipaddress";

std::string comment_safe(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

}  // namespace

SqlQuery rules_to_sql(const RuleSet& rules, const SqlOptions& opts) {
  Gen g(opts);
  SqlQuery q;
  std::vector<std::string> branches;
  std::vector<std::optional<std::string>> conds(rules.size());  // each rule's condition, when expressible
  std::vector<std::string> why(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    try {
      conds[i] = g.cond(rules.compiled(i), rules.compiled(i).condition);
    } catch (const NotExpressible& e) {
      why[i] = e.why;
    }
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& info = rules.info(i);
    if (!rules.emitted(SourceRef{false, static_cast<std::uint32_t>(i)})) continue;
    try {
      if (!conds[i]) cannot(why[i]);
      std::string where = "(" + *conds[i] + ")";
      for (std::uint32_t s : rules.superseders(i)) {
        if (!conds[s]) cannot("superseded by " + rules.info(s).id + ", which cannot be expressed (" + why[s] + ")");
        where += "\n    AND NOT COALESCE(" + *conds[s] + ", FALSE)";
      }
      branches.push_back("-- " + info.id + ": " + comment_safe(info.title) + "\n(SELECT DISTINCT " + lit(info.id) +
                         " AS rule_id, " + lit(info.title) + " AS title, " + g.severity(rules.compiled(i)) +
                         " AS severity, " + kColumns + "\n  FROM " + opts.table + "\n  WHERE " + g.filters() +
                         "\n    AND " + where + ")");
      q.rules.push_back(info.id);
    } catch (const NotExpressible& e) {
      q.skipped.push_back(SqlSkipped{info.id, info.file, e.why});
    }
  }
  for (std::size_t c = 0; c < rules.correlation_count(); ++c) {
    const Correlation& k = rules.correlation(c);
    if (!rules.emitted(SourceRef{true, static_cast<std::uint32_t>(c)})) continue;
    try {
      if (k.type != CorrelationType::FirstSeen)
        cannot(std::string(to_string(k.type)) + (k.type == CorrelationType::EventCount || k.type == CorrelationType::ValueCount ||
                                                          k.type == CorrelationType::ValueSum || k.type == CorrelationType::ValueAvg
                                                      ? " restarts its count after each finding (one per burst)"
                                                      : " uses its matches up in each finding (one per sequence)") +
               ", which SQL window functions cannot express");
      std::vector<std::string> parts;
      const auto& srcs = rules.correlation_sources(c);
      for (std::size_t s = 0; s < srcs.size(); ++s) {
        if (srcs[s].correlation) cannot("it counts another correlation");
        const std::uint32_t r = srcs[s].index;
        if (!conds[r]) cannot("counted rule " + rules.info(r).id + " cannot be expressed (" + why[r] + ")");
        std::string groups;
        for (std::size_t gi = 0; gi < k.group_by.size(); ++gi) {
          std::string field = k.group_by[gi];
          auto al = k.aliases.find(field);
          if (al != k.aliases.end()) {
            auto f = al->second.find(k.rules[s]);
            if (f != al->second.end()) field = f->second;
          }
          std::string e = g.at_path(split(field, '.'), [](const std::string& x) { return x; }, true);
          groups += ", COALESCE(" + e + ", '') AS g" + std::to_string(gi);
        }
        parts.push_back("SELECT " + std::string(kColumns) + ", " + g.ms("eventtime") + " AS ts" + groups + "\n      FROM " +
                        opts.table + "\n      WHERE " + g.filters(k.timespan_ms) + "\n        AND (" + *conds[r] + ")");
      }
      std::string partition;
      for (std::size_t gi = 0; gi < k.group_by.size(); ++gi) partition += (gi ? ", g" : "g") + std::to_string(gi);
      std::string outer = "prev_ts IS NULL OR ts - prev_ts > " + std::to_string(k.timespan_ms);
      if (opts.since_ms) outer = "(" + outer + ") AND eventtime >= " + lit(format_iso8601(*opts.since_ms));
      branches.push_back("-- " + k.info.id + ": " + comment_safe(k.info.title) + " (first_seen over " +
                         k.timespan_text + ")\n(SELECT " + lit(k.info.id) + " AS rule_id, " + lit(k.info.title) +
                         " AS title, " + lit(to_string(k.info.severity)) +
                         " AS severity, eventtime, eventid, account, region, eventname, principal, sourceipaddress\n"
                         "  FROM (SELECT b.*, LAG(ts) OVER (PARTITION BY " + partition +
                         " ORDER BY ts, eventid) AS prev_ts\n    FROM (" + Gen::join(parts, "\n      UNION\n      ") +
                         ") AS b) AS w\n  WHERE " + outer + ")");
      q.rules.push_back(k.info.id);
    } catch (const NotExpressible& e) {
      q.skipped.push_back(SqlSkipped{k.info.id, k.info.file, e.why});
    }
  }
  const char* dialect = opts.dialect == SqlDialect::Athena ? "athena" : opts.dialect == SqlDialect::Trino ? "trino" : "duckdb";
  std::string head = "-- rootguard rules sql --dialect " + std::string(dialect) + ": " + counted(q.rules.size(), "rule") +
                     " over " + opts.table + " (the CloudTrail table AWS documents for Athena)\n";
  if (!q.skipped.empty()) {
    head += "-- not expressible in SQL (rootguard scan and watch run them):\n";
    for (const SqlSkipped& s : q.skipped) head += "--   " + s.id + " (" + s.file + "): " + comment_safe(s.reason) + "\n";
  }
  if (branches.empty()) {
    q.text = head + "SELECT NULL AS rule_id WHERE FALSE\n";
    return q;
  }
  q.text = head + "SELECT rule_id, title, severity, eventtime, eventid, account, region, eventname, principal, "
                  "sourceipaddress FROM (\n" +
           Gen::join(branches, "\nUNION ALL\n") + "\n) AS findings\nORDER BY eventtime, eventid, rule_id\n";
  return q;
}

}  // namespace rg::sigma
