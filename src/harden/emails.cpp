#include "harden/emails.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <simdjson.h>

#include "core/strings.h"
#include "harden/doc.h"

namespace rg::harden {

// ------------------------------------------------------------------ parsing

Result<std::vector<OrgAccount>> parse_list_accounts(std::string_view json, const std::string& where, Diagnostics& diag) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root))
    return make_error(ErrorKind::Corrupt, where, std::string("not valid JSON (") + simdjson::error_message(err) + ")");
  simdjson::dom::array list;
  if (root.type() != simdjson::dom::element_type::OBJECT || root["Accounts"].get_array().get(list))
    return make_error(ErrorKind::Invalid, where,
                      "not an Organizations ListAccounts response (no top-level \"Accounts\" array; "
                      "make it with: aws organizations list-accounts --output json)");
  std::vector<OrgAccount> out;
  std::size_t index = 0;
  for (simdjson::dom::element item : list) {
    const std::string at = where + ": Accounts[" + std::to_string(index++) + "]";
    if (item.type() != simdjson::dom::element_type::OBJECT) {
      diag.error(ErrorKind::Invalid, at, "not an object, skipped");
      continue;
    }
    auto field = [&](const char* key) -> std::string {
      std::string_view v;
      if (item[key].get_string().get(v)) return {};
      return std::string(v);
    };
    OrgAccount a{field("Id"), field("Name"), field("Email"), field("Arn"), field("State")};
    if (a.state.empty()) a.state = field("Status");
    const bool id_ok = a.id.size() == 12 && std::all_of(a.id.begin(), a.id.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!id_ok) {
      diag.error(ErrorKind::Invalid, at, "\"Id\" is not a 12-digit account id, skipped");
      continue;
    }
    if (a.email.empty()) {
      diag.error(ErrorKind::Invalid, at, "account " + a.id + " has no \"Email\", skipped");
      continue;
    }
    out.push_back(std::move(a));
  }
  return out;
}

// ------------------------------------------------------------------ checks


Status validate(const EmailPlanOptions& o) {
  if (o.delimiter != '+' && o.delimiter != '-')
    return make_error(ErrorKind::Invalid, "", std::string("--delimiter '") + o.delimiter + "': use '+' or '-'");
  auto a = parse_address(o.mailbox);
  if (!a) return make_error(ErrorKind::Invalid, "", "--mailbox: " + a.error().what);
  if (a->local.find(o.delimiter) != std::string::npos)
    return make_error(ErrorKind::Invalid, "",
                      "--mailbox: '" + o.mailbox + "' already contains the subaddress delimiter '" + o.delimiter +
                          "': mail to " + a->local + o.delimiter + "tag would go to another mailbox");
  if (a->str().size() + 2 > kAwsMaxEmailLength)
    return make_error(ErrorKind::Invalid, "", "--mailbox: '" + o.mailbox + "' leaves no room for a tag within AWS's 64 characters");
  return ok_status();
}

namespace {

std::string slug_words(std::string_view name) {
  std::string out;
  bool dash = false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::isalnum(u)) {
      if (dash && !out.empty()) out += '-';
      out += static_cast<char>(std::tolower(u));
      dash = false;
    } else {
      dash = true;
    }
  }
  return out;
}

}  // namespace

std::string slug(std::string_view name) {
  std::string out = slug_words(name);
  // "Production Account" -> "production": the word says nothing when others remain.
  for (const char* generic : {"-account", "account-"}) {
    const std::string g = generic;
    if (out.size() > g.size() && g.front() == '-' && out.compare(out.size() - g.size(), g.size(), g) == 0)
      out.resize(out.size() - g.size());
    else if (out.size() > g.size() && g.back() == '-' && out.compare(0, g.size(), g) == 0)
      out.erase(0, g.size());
  }
  return out;
}


namespace {

const std::set<std::string>& free_mail_domains() {
  static const std::set<std::string> d = {
      "gmail.com", "googlemail.com", "icloud.com", "me.com", "mac.com", "aol.com", "msn.com",
      "proton.me", "protonmail.com", "pm.me", "web.de", "mail.ru", "qq.com", "163.com", "126.com",
      "zoho.com", "fastmail.com", "hey.com", "tutanota.com", "mail.com", "gmx.net"};
  return d;
}

const std::set<std::string>& free_mail_brands() {  // any top-level domain
  static const std::set<std::string> b = {"yahoo", "hotmail", "outlook", "live", "gmx", "yandex", "ymail"};
  return b;
}

const std::set<std::string>& role_words() {
  static const std::set<std::string> w = {
      "aws", "root", "awsroot", "amazon", "admin", "admins", "administrator", "security", "secops", "sec", "ops",
      "devops", "cloud", "cloudops", "platform", "infra", "infrastructure", "it", "billing", "finance", "account",
      "accounts", "team", "noc", "soc", "sre", "alerts", "alert", "notifications", "prod", "production", "dev",
      "development", "test", "testing", "staging", "sandbox", "audit", "log", "logs", "logging", "logarchive",
      "archive", "master", "management", "mgmt", "shared", "services", "network", "networking", "backup",
      "support", "contact", "info", "hostmaster", "postmaster", "webmaster", "owner", "owners", "group", "org",
      "organization", "engineering", "system", "systems", "sysadmin", "helpdesk", "payer", "workloads", "data",
      "tech", "operations", "compliance", "identity", "iam", "mail", "noreply", "no-reply", "office"};
  return w;
}

}  // namespace

bool looks_personal(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return false;
  const std::string domain = to_lower(email.substr(at + 1));
  if (free_mail_domains().count(domain)) return true;
  const auto labels = split(domain, '.');
  if (!labels.empty() && free_mail_brands().count(labels.front())) return true;
  std::string local = to_lower(email.substr(0, at));
  const auto plus = local.find('+');
  if (plus != std::string::npos) local.resize(plus);
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : local) {
    if (c == '.' || c == '_' || c == '-') {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  if (tokens.empty() || tokens.size() > 3) return false;
  bool name_like = false;
  for (const auto& t : tokens) {
    if (!std::all_of(t.begin(), t.end(), [](char c) { return c >= 'a' && c <= 'z'; })) return false;
    if (!role_words().count(t)) name_like = true;
  }
  return name_like;
}

std::string shell_quote(std::string_view s) {
  const bool safe = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x80 && std::isalnum(u)) || std::string_view("@%+=:,./_-").find(c) != std::string_view::npos;
  });
  if (safe) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// ------------------------------------------------------------------ planning

namespace {

// Management account id from an account ARN: arn:<partition>:organizations::<mgmt>:account/o-x/<id>.
std::string management_from_arn(std::string_view arn) {
  const auto parts = split(arn, ':');
  if (parts.size() < 6 || parts[0] != "arn" || parts[2] != "organizations") return {};
  if (parts[4].size() != 12 || parts[5].rfind("account/", 0) != 0) return {};
  return parts[4];
}

std::string fit(std::string tag, std::size_t max) {
  if (tag.size() > max) tag.resize(max);
  while (!tag.empty() && tag.back() == '-') tag.pop_back();
  return tag;
}

std::vector<std::string> member_commands(const std::string& id, const std::string& email) {
  return {"aws account start-primary-email-update --account-id " + id + " --primary-email " + shell_quote(email),
          "aws account accept-primary-email-update --account-id " + id + " --primary-email " + shell_quote(email) +
              " --otp <code-from-the-email>"};
}

std::vector<std::string> management_steps(const std::string& email) {
  return {"Sign in to the AWS Management Console as the root user of the management account.",
          "Open Account (account menu, top right) and choose Edit next to Account details.",
          "Set the email address to " + email + ", then enter the verification code AWS sends to it.",
          "Confirm with the root password; AWS sends a notice to the old address as well."};
}

}  // namespace

Result<EmailPlan> plan_emails(const std::vector<OrgAccount>& accounts, const EmailPlanOptions& o) {
  Status v = validate(o);
  if (!v) return v.error();
  EmailPlan plan;
  plan.mailbox = *parse_address(o.mailbox);
  plan.delimiter = o.delimiter;
  for (const auto& a : accounts) {
    const std::string m = management_from_arn(a.arn);
    if (!m.empty()) {
      plan.management_id = m;
      break;
    }
  }
  const std::string& local = plan.mailbox.local;
  const std::string& domain = plan.mailbox.domain;
  const std::size_t max_tag = kAwsMaxEmailLength - (local.size() + 1 + 1 + domain.size());
  auto address = [&](const std::string& tag) { return local + o.delimiter + tag + "@" + domain; };

  // First choice of tag for every account.
  std::vector<PlannedAccount> out;
  for (const auto& a : accounts) {
    PlannedAccount p;
    p.account = a;
    p.management = !plan.management_id.empty() && a.id == plan.management_id;
    std::string base = o.tag == TagSource::Name ? slug(a.name) : a.id;
    if (base.empty()) base = a.id;
    p.tag = fit(base, max_tag);
    if (p.tag.size() < base.size()) p.flags.push_back(kFlagTruncated);
    if (p.tag.empty()) p.tag = a.id.substr(0, max_tag);
    out.push_back(std::move(p));
  }
  // Tags that two accounts would share (case-folded), or that equal another account's current
  // address, get the account id appended; repeat until nothing collides.
  for (int round = 0; round < 3; ++round) {
    std::map<std::string, int> count;
    for (const auto& p : out) ++count[fold_case(address(p.tag))];
    bool changed = false;
    for (auto& p : out) {
      const std::string mine = fold_case(address(p.tag));
      bool clash = count[mine] > 1;
      for (const auto& q : out)
        if (&q != &p && fold_case(q.account.email) == mine && fold_case(address(q.tag)) != mine) clash = true;
      if (!clash) continue;
      const std::string suffix = "-" + p.account.id;
      if (p.tag.size() >= suffix.size() && p.tag.compare(p.tag.size() - suffix.size(), suffix.size(), suffix) == 0)
        continue;  // already unique by id
      std::string head = o.tag == TagSource::Name ? slug(p.account.name) : std::string();
      head = max_tag > suffix.size() ? fit(head, max_tag - suffix.size()) : std::string();
      p.tag = head.empty() ? p.account.id.substr(0, max_tag) : head + suffix;
      if (std::find(p.flags.begin(), p.flags.end(), kFlagCollision) == p.flags.end()) p.flags.push_back(kFlagCollision);
      changed = true;
    }
    if (!changed) break;
  }
  std::map<std::string, int> current_count;
  for (const auto& p : out) ++current_count[fold_case(p.account.email)];
  for (auto& p : out) {
    p.proposed = address(p.tag);
    const std::string& cur = p.account.email;
    const auto at = cur.rfind('@');
    const std::string cur_domain = at == std::string::npos ? std::string() : to_lower(cur.substr(at + 1));
    std::vector<std::string> flags;
    if (looks_personal(cur)) flags.push_back(kFlagPersonal);
    if (cur_domain != domain) flags.push_back(kFlagOffDomain);
    if (current_count[fold_case(cur)] > 1) flags.push_back(kFlagShared);
    const bool active = p.account.state.empty() || iequals(p.account.state, "ACTIVE");
    if (!active) flags.push_back(kFlagInactive);
    flags.insert(flags.end(), p.flags.begin(), p.flags.end());
    p.flags = std::move(flags);
    p.change_needed = fold_case(cur) != fold_case(p.proposed);
    if (p.change_needed && active)
      p.commands = p.management ? management_steps(p.proposed) : member_commands(p.account.id, p.proposed);
  }
  plan.accounts = std::move(out);
  plan.prerequisites = {
      "Send a test message to " + address("delivery-check") + " and check it reaches " + plan.mailbox.str() +
          " (some providers need subaddressing turned on, or use '-' as the delimiter).",
      "aws organizations enable-aws-service-access --service-principal account.amazonaws.com"
      "   # once, from the management account: lets it change member accounts' primary e-mail"};
  return plan;
}

// ------------------------------------------------------------------ rendering

namespace {

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string pad(const std::string& s, std::size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }

}  // namespace

std::string render_text(const EmailPlan& plan) {
  struct Row {
    std::string cells[5];
  };
  std::vector<Row> rows;
  rows.push_back({{"ACCOUNT", "NAME", "CURRENT ROOT EMAIL", "PROPOSED ROOT EMAIL", "FLAGS"}});
  for (const auto& p : plan.accounts)
    rows.push_back({{p.account.id, p.account.name + (p.management ? " (management)" : ""), p.account.email,
                     p.change_needed ? p.proposed : p.proposed + " (unchanged)", p.flags.empty() ? "-" : joined(p.flags, ",")}});
  std::size_t w[5] = {0, 0, 0, 0, 0};
  for (const auto& r : rows)
    for (int i = 0; i < 5; ++i) w[i] = std::max(w[i], r.cells[i].size());
  std::string out = "Root e-mail plan: shared mailbox " + plan.mailbox.str() + ", subaddress delimiter '" +
                    std::string(1, plan.delimiter) + "'\n\n";
  for (const auto& r : rows) {
    std::string line;
    for (int i = 0; i < 5; ++i) line += (i ? "  " : "") + (i < 4 ? pad(r.cells[i], w[i]) : r.cells[i]);
    out += line + "\n";
  }
  std::size_t changes = 0;
  for (const auto& p : plan.accounts) changes += p.change_needed ? 1 : 0;
  out += "\n" + counted(plan.accounts.size(), "account") + ", " + std::to_string(changes) + " to change.\n";
  if (changes == 0) return out;
  out += "\nBefore you start:\n";
  for (const auto& s : plan.prerequisites) out += "  " + s + "\n";
  for (const auto& p : plan.accounts) {
    if (!p.change_needed) continue;
    out += "\n" + p.account.id + " " + p.account.name + (p.management ? " (management account: console only)" : "") + ":\n";
    if (p.commands.empty()) out += "  account is not ACTIVE: its root e-mail cannot be changed now\n";
    for (std::size_t i = 0; i < p.commands.size(); ++i)
      out += p.management ? "  " + std::to_string(i + 1) + ". " + p.commands[i] + "\n" : "  " + p.commands[i] + "\n";
  }
  return out;
}

std::string render_json(const EmailPlan& plan) {
  Doc accounts = Doc::array();
  for (const auto& p : plan.accounts) {
    Doc flags = Doc::array();
    for (const auto& f : p.flags) flags.push(f);
    Doc cmds = Doc::array();
    for (const auto& c : p.commands) cmds.push(c);
    accounts.push(Doc::object()
                      .set("id", p.account.id)
                      .set("name", p.account.name)
                      .set("management", p.management)
                      .set("state", p.account.state)
                      .set("current_email", p.account.email)
                      .set("tag", p.tag)
                      .set("proposed_email", p.proposed)
                      .set("change_needed", p.change_needed)
                      .set("flags", std::move(flags))
                      .set(p.management ? "console_steps" : "commands", std::move(cmds)));
  }
  Doc pre = Doc::array();
  for (const auto& s : plan.prerequisites) pre.push(s);
  return Doc::object()
      .set("mailbox", plan.mailbox.str())
      .set("delimiter", std::string(1, plan.delimiter))
      .set("management_account", plan.management_id.empty() ? Doc() : Doc(plan.management_id))
      .set("prerequisites", std::move(pre))
      .set("accounts", std::move(accounts))
      .to_json();
}

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string render_csv(const EmailPlan& plan) {
  std::string out = "id,name,management,state,current_email,proposed_email,change_needed,flags\r\n";
  for (const auto& p : plan.accounts)
    out += csv_cell(p.account.id) + "," + csv_cell(p.account.name) + "," + (p.management ? "true" : "false") + "," +
           csv_cell(p.account.state) + "," + csv_cell(p.account.email) + "," + csv_cell(p.proposed) + "," +
           (p.change_needed ? "true" : "false") + "," + csv_cell(joined(p.flags, ";")) + "\r\n";
  return out;
}

}  // namespace rg::harden
