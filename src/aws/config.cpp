#include "aws/config.h"

#include <filesystem>

#include "core/strings.h"
#include "io/whole_file.h"

namespace rg::aws {

Ini parse_ini(std::string_view text) {
  Ini ini;
  std::string section;
  std::string parent;  // key whose value is a nested block
  bool have_section = false;
  for (const std::string& raw : rg::split(text, '\n')) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view t = rg::trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    bool indented = line[0] == ' ' || line[0] == '\t';
    if (!indented && t.front() == '[' && t.back() == ']') {
      section = std::string(rg::trim(t.substr(1, t.size() - 2)));
      ini[section];
      have_section = true;
      parent.clear();
      continue;
    }
    if (!have_section) continue;
    size_t eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = rg::to_lower(rg::trim(t.substr(0, eq)));
    std::string value(rg::trim(t.substr(eq + 1)));
    // Inline comments: " #" or " ;" after the value (as botocore's parser).
    for (const char* marker : {" #", " ;", "\t#", "\t;"}) {
      size_t c = value.find(marker);
      if (c != std::string::npos) value = std::string(rg::trim(value.substr(0, c)));
    }
    if (indented && !parent.empty()) {
      ini[section][parent + "." + key] = value;
      continue;
    }
    ini[section][key] = value;
    parent = value.empty() ? key : std::string();
  }
  return ini;
}

namespace {

Result<std::string> read_optional(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  auto text = io::read_whole_file(path);
  if (!text.ok()) return make_error(ErrorKind::Io, path, "cannot read the AWS configuration file: " + text.error().what);
  return text;
}

std::string expand_home(const Env& env, std::string p) {
  if (p.starts_with("~/")) p = env_get(env, "HOME") + p.substr(1);
  return p;
}

}  // namespace

std::string Settings::config_value(std::string_view name, std::string_view key) const {
  auto s = config.find(name);
  if (s == config.end()) return {};
  auto v = s->second.find(key);
  return v == s->second.end() ? std::string() : v->second;
}

std::string Settings::credentials_value(std::string_view name, std::string_view key) const {
  auto s = credentials.find(name);
  if (s == credentials.end()) return {};
  auto v = s->second.find(key);
  return v == s->second.end() ? std::string() : v->second;
}

bool Settings::has_profile(std::string_view name) const {
  return config.count(name) > 0 || credentials.count(name) > 0;
}

std::string Settings::endpoint_url(std::string_view env_id) const {
  if (!endpoint_flag.empty()) return endpoint_flag;
  if (rg::iequals(env_get(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") ||
      rg::iequals(config_value(profile, "ignore_configured_endpoint_urls"), "true"))
    return {};
  std::string per_service = env_get(env, "AWS_ENDPOINT_URL_" + std::string(env_id));
  if (!per_service.empty()) return per_service;
  std::string global = env_get(env, "AWS_ENDPOINT_URL");
  if (!global.empty()) return global;
  std::string services = config_value(profile, "services");
  if (!services.empty()) {
    std::string v = config_value("services " + services, rg::to_lower(env_id) + ".endpoint_url");
    if (!v.empty()) return v;
  }
  return config_value(profile, "endpoint_url");
}

Result<Settings> load_settings(const Env& env, const CliOverrides& flags) {
  Settings s;
  s.env = env;
  std::string home = env_get(env, "HOME");
  std::string config_path = env_get(env, "AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = home + "/.aws/config";
  std::string creds_path = env_get(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (creds_path.empty()) creds_path = home + "/.aws/credentials";
  auto config_text = read_optional(expand_home(env, config_path));
  if (!config_text.ok()) return config_text.take_error();
  auto creds_text = read_optional(expand_home(env, creds_path));
  if (!creds_text.ok()) return creds_text.take_error();

  Ini raw = parse_ini(*config_text);
  for (auto& [name, kv] : raw) {  // [default] first, so that [profile default] overrides it
    if (name == "default") s.config["default"] = kv;
  }
  for (auto& [name, kv] : raw) {
    if (name.starts_with("profile ")) {
      std::string n(rg::trim(std::string_view(name).substr(8)));
      s.config[n] = kv;
    } else if (name != "default") {
      s.config[name] = kv;  // "services x", "sso-session x"
    }
  }
  s.credentials = parse_ini(*creds_text);

  if (!flags.profile.empty()) {
    s.profile = flags.profile;
    s.profile_from_flag = true;
  } else if (!env_get(env, "AWS_PROFILE").empty()) {
    s.profile = env_get(env, "AWS_PROFILE");
  } else if (!env_get(env, "AWS_DEFAULT_PROFILE").empty()) {
    s.profile = env_get(env, "AWS_DEFAULT_PROFILE");
  }
  if (s.profile != "default" && !s.has_profile(s.profile))
    return make_error(ErrorKind::Invalid, config_path, "the config profile (" + s.profile + ") could not be found");

  s.region = flags.region;
  if (s.region.empty()) s.region = env_get(env, "AWS_REGION");
  if (s.region.empty()) s.region = env_get(env, "AWS_DEFAULT_REGION");
  if (s.region.empty()) s.region = s.config_value(s.profile, "region");
  s.endpoint_flag = flags.endpoint_url;
  return s;
}

}  // namespace rg::aws
