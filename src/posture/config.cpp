#include "posture/config.h"

#include <arpa/inet.h>

#include <set>

#include <yaml-cpp/yaml.h>

#include "core/strings.h"
#include "core/yaml_error.h"
#include "io/whole_file.h"

namespace rg::posture {

std::optional<Cidr> parse_cidr(const std::string& text) {
  Cidr c;
  c.text = text;
  auto slash = text.find('/');
  std::string ip = text.substr(0, slash);
  c.v6 = ip.find(':') != std::string::npos;
  int max = c.v6 ? 128 : 32;
  if (c.v6) {
    if (inet_pton(AF_INET6, ip.c_str(), c.addr.data()) != 1) return std::nullopt;
  } else {
    if (inet_pton(AF_INET, ip.c_str(), c.addr.data()) != 1) return std::nullopt;
  }
  c.prefix = max;
  if (slash != std::string::npos) {
    std::string p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    c.prefix = std::stoi(p);
    if (c.prefix > max) return std::nullopt;
  }
  return c;
}

bool Cidr::contains(const std::string& ip) const {
  std::array<std::uint8_t, 16> a{};
  if (inet_pton(v6 ? AF_INET6 : AF_INET, ip.c_str(), a.data()) != 1) return false;
  int bits = prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    std::uint8_t mask = bits >= 8 ? 0xFF : static_cast<std::uint8_t>(0xFF << (8 - bits));
    if ((a[i] & mask) != (addr[i] & mask)) return false;
  }
  return true;
}

const std::vector<std::string>* Config::tokens_for(const std::string& account) const {
  auto it = token_holders.find(account);
  if (it != token_holders.end()) return &it->second;
  it = token_holders.find("*");
  return it == token_holders.end() ? nullptr : &it->second;
}

namespace {

struct Loader {
  const std::string& shown;
  Diagnostics& diag;
  Config& cfg;

  std::string at(const YAML::Node& n) const {
    auto m = n.Mark();
    return m.line >= 0 ? shown + ":" + std::to_string(m.line + 1) : shown;
  }
  void bad(const YAML::Node& n, const std::string& what) { diag.error(ErrorKind::Invalid, at(n), what); }

  bool scalar(const YAML::Node& n, const std::string& key, std::string& out) {
    if (!n.IsScalar()) { bad(n, "'" + key + "' must be a single value"); return false; }
    out = n.Scalar();
    return true;
  }
  std::vector<std::string> list(const YAML::Node& n, const std::string& key) {
    std::vector<std::string> out;
    if (n.IsScalar()) { out.push_back(n.Scalar()); return out; }
    if (!n.IsSequence()) { bad(n, "'" + key + "' must be a list"); return out; }
    for (const auto& item : n) {
      if (!item.IsScalar()) { bad(item, "'" + key + "' entries must be single values"); continue; }
      out.push_back(item.Scalar());
    }
    return out;
  }
  std::map<std::string, std::vector<std::string>> people_map(const YAML::Node& n, const std::string& key) {
    std::map<std::string, std::vector<std::string>> out;
    if (!n.IsMap()) { bad(n, "'" + key + "' must map a name to a list of people"); return out; }
    for (const auto& kv : n) out[kv.first.as<std::string>()] = list(kv.second, key);
    return out;
  }

  void load(const YAML::Node& root) {
    if (root.IsNull()) return;
    if (!root.IsMap()) { bad(root, "the config must be a mapping of keys"); return; }
    for (const auto& kv : root) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "root_mailboxes") {
        for (auto& m : list(v, key)) {
          if (m.find('@') == std::string::npos) bad(v, "root mailbox '" + m + "' is not an email address");
          else cfg.root_mailboxes.push_back(to_lower(m));
        }
      } else if (key == "mail_domains") {
        for (auto& d : list(v, key)) cfg.mail_domains.push_back(to_lower(d));
      } else if (key == "subaddress_delimiter") {
        std::string s;
        if (scalar(v, key, s)) {
          if (s.size() != 1 || s == "@") bad(v, "subaddress_delimiter must be one character, e.g. \"+\"");
          else cfg.subaddress_delimiter = s;
        }
      } else if (key == "root_use_window_days") {
        std::string s;
        if (scalar(v, key, s)) {
          if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos)
            bad(v, "root_use_window_days must be a whole number of days");
          else cfg.root_use_window_days = std::stoi(s);
        }
      } else if (key == "security_phone") {
        std::string s;
        if (scalar(v, key, s)) cfg.security_phone = s;
      } else if (key == "trusted_source_ips") {
        for (auto& c : list(v, key)) {
          if (auto cidr = parse_cidr(c)) cfg.trusted_source_ips.push_back(*cidr);
          else bad(v, "bad CIDR '" + c + "' in trusted_source_ips");
        }
      } else if (key == "root_emails") {
        if (!v.IsMap()) { bad(v, "'root_emails' must map account ids to email addresses"); continue; }
        for (const auto& e : v) cfg.root_emails[e.first.as<std::string>()] = to_lower(e.second.as<std::string>());
      } else if (key == "attestations") {
        if (!v.IsMap()) { bad(v, "'attestations' must be a mapping (mailboxes, tokens)"); continue; }
        for (const auto& a : v) {
          std::string ak = a.first.as<std::string>();
          if (ak == "mailboxes") cfg.mailbox_holders = people_map(a.second, "attestations.mailboxes");
          else if (ak == "tokens") cfg.token_holders = people_map(a.second, "attestations.tokens");
          else bad(a.first, "unknown key 'attestations." + ak + "' (known: mailboxes, tokens)");
        }
      } else {
        bad(kv.first, "unknown key '" + key +
                          "' (known: root_mailboxes, mail_domains, subaddress_delimiter, root_use_window_days, "
                          "security_phone, trusted_source_ips, root_emails, attestations)");
      }
    }
  }
};

}  // namespace

Config parse_config(const std::string& text, const std::string& shown, Diagnostics& diag) {
  Config cfg;
  cfg.source = shown;
  try {
    YAML::Node root = YAML::Load(text);
    Loader{shown, diag, cfg}.load(root);
  } catch (const YAML::Exception& e) {
    std::string where = e.mark.line >= 0 ? shown + ":" + std::to_string(e.mark.line + 1) : shown;
    diag.error(ErrorKind::Corrupt, where, yaml_error_text(e));
  } catch (const std::exception& e) {
    diag.error(ErrorKind::Corrupt, shown, std::string("invalid config: ") + e.what());
  }
  return cfg;
}

Config load_config(const std::filesystem::path& path, Diagnostics& diag) {
  auto text = io::read_whole_file(path);
  if (!text.ok()) {
    diag.error(ErrorKind::Io, path.string(), "cannot read config file: " + text.error().what);
    Config c;
    c.source = path.string();
    return c;
  }
  return parse_config(*text, path.string(), diag);
}

}  // namespace rg::posture
