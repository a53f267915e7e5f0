#include "aws/credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <set>

#include <simdjson.h>

#include "aws/http.h"
#include "core/strings.h"
#include "core/time.h"
#include "io/whole_file.h"

extern char** environ;

namespace rg::aws {

namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error cred_error(const std::string& where, const std::string& what) {
  return make_error(ErrorKind::Denied, where, what);
}

// {"AccessKeyId", "SecretAccessKey", token_field, "Expiration"} from a JSON document.
Result<Credentials> parse_json_credentials(const std::string& body, const char* token_field, const std::string& where,
                                           const std::string& source) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS || !doc.is_object())
    return make_error(ErrorKind::Corrupt, where, "credentials response is not a JSON object");
  Credentials c;
  c.source = source;
  std::string_view v;
  if (doc["AccessKeyId"].get(v) == simdjson::SUCCESS) c.access_key_id = std::string(v);
  if (doc["SecretAccessKey"].get(v) == simdjson::SUCCESS) c.secret_access_key = std::string(v);
  if (doc[token_field].get(v) == simdjson::SUCCESS) c.session_token = std::string(v);
  if (doc["Expiration"].get(v) == simdjson::SUCCESS) {
    auto ms = rg::parse_iso8601_ms(v);
    if (!ms) return make_error(ErrorKind::Corrupt, where, "credentials Expiration is not an ISO-8601 time");
    c.expiration_ms = *ms;
  }
  if (c.access_key_id.empty() || c.secret_access_key.empty())
    return make_error(ErrorKind::Corrupt, where, "credentials response lacks AccessKeyId or SecretAccessKey");
  return c;
}

std::optional<Credentials> env_credentials(const Env& env) {
  std::string id = env_get(env, "AWS_ACCESS_KEY_ID"), secret = env_get(env, "AWS_SECRET_ACCESS_KEY");
  if (id.empty() || secret.empty()) return std::nullopt;
  Credentials c{id, secret, env_get(env, "AWS_SESSION_TOKEN"), std::nullopt, "env"};
  if (c.session_token.empty()) c.session_token = env_get(env, "AWS_SECURITY_TOKEN");
  return c;
}

std::optional<Credentials> static_keys(std::string id, std::string secret, std::string token, const char* source) {
  if (id.empty() || secret.empty()) return std::nullopt;
  return Credentials{std::move(id), std::move(secret), std::move(token), std::nullopt, source};
}

std::optional<Credentials> creds_file_keys(const Settings& s, const std::string& p) {
  auto c = static_keys(s.credentials_value(p, "aws_access_key_id"), s.credentials_value(p, "aws_secret_access_key"),
                       s.credentials_value(p, "aws_session_token"), "shared-credentials-file");
  if (c && c->session_token.empty()) c->session_token = s.credentials_value(p, "aws_security_token");
  return c;
}

std::optional<Credentials> config_file_keys(const Settings& s, const std::string& p) {
  return static_keys(s.config_value(p, "aws_access_key_id"), s.config_value(p, "aws_secret_access_key"),
                     s.config_value(p, "aws_session_token"), "config-file");
}

bool is_allowed_container_host(const std::string& url) {
  if (url.starts_with("https://")) return true;
  if (!url.starts_with("http://")) return false;
  std::string rest = url.substr(7);
  std::string host = rest.substr(0, rest.find_first_of("/?#"));
  if (!host.empty() && host[0] == '[') host = host.substr(1, host.find(']') - 1);
  else host = host.substr(0, host.find(':'));
  return host == "localhost" || host.starts_with("127.") || host == "::1" || host == "169.254.170.2" ||
         host == "169.254.170.23" || host == "fd00:ec2::23";
}

}  // namespace

std::vector<std::string> split_command_line(const std::string& command) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(cur), cur.clear(), in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (i + 1 < command.size()) cur.push_back(command[++i]);
    } else if (c == '\'') {
      size_t end = command.find('\'', i + 1);
      if (end == std::string::npos) end = command.size();
      cur += command.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      for (++i; i < command.size() && command[i] != '"'; ++i) {
        if (command[i] == '\\' && i + 1 < command.size() &&
            (command[i + 1] == '"' || command[i + 1] == '\\' || command[i + 1] == '$' || command[i + 1] == '`'))
          ++i;
        cur.push_back(command[i]);
      }
    } else {
      cur.push_back(c);
    }
  }
  if (in_word) words.push_back(cur);
  return words;
}

Result<Credentials> run_credential_process(const std::string& command) {
  const std::string where = "credential_process";
  std::vector<std::string> argv = split_command_line(command);
  if (argv.empty()) return cred_error(where, "credential_process is empty");
  int p[2];
  if (pipe(p) != 0) return make_error(ErrorKind::Io, where, "cannot create a pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addclose(&fa, p[0]);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  if (rc != 0) {
    close(p[0]);
    return cred_error(where, "cannot run " + argv[0]);
  }
  // Credentials are a few hundred bytes of JSON: a process that prints on and on (a wrong
  // command, `yes`) is stopped at 1 MiB rather than read until memory runs out.
  constexpr std::size_t kMaxOutput = std::size_t{1} << 20;
  std::string out;
  char buf[4096];
  bool too_much = false;
  for (;;) {
    ssize_t n = read(p[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxOutput) {
      too_much = true;
      kill(pid, SIGKILL);
      break;
    }
  }
  close(p[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (too_much) return make_error(ErrorKind::Corrupt, where, argv[0] + " printed more than 1 MiB; it was stopped");
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return cred_error(where, argv[0] + " failed (exit status " + std::to_string(WIFEXITED(st) ? WEXITSTATUS(st) : -1) + ")");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  int64_t version = 0;
  if (parser.parse(out).get(doc) != simdjson::SUCCESS || doc["Version"].get(version) != simdjson::SUCCESS || version != 1)
    return make_error(ErrorKind::Corrupt, where, argv[0] + " did not print JSON with \"Version\": 1");
  return parse_json_credentials(out, "SessionToken", where, "credential-process");
}

Result<std::string> prompt_mfa_on_tty(const std::string& serial) {
  if (!isatty(0)) return cred_error(serial, "an MFA code is needed and there is no terminal to ask for it");
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) return cred_error(serial, "an MFA code is needed and /dev/tty cannot be opened");
  std::fprintf(tty, "Enter MFA code for %s: ", serial.c_str());
  std::fflush(tty);
  char line[64] = {0};
  bool ok = std::fgets(line, sizeof line, tty) != nullptr;
  std::fclose(tty);
  if (!ok) return cred_error(serial, "no MFA code was entered");
  return std::string(rg::trim(line));
}

namespace {

class Resolver {
 public:
  Resolver(const Settings& s, const ChainOptions& o) : s_(s), o_(o) {}

  Result<Credentials> run() {
    if (!s_.profile_from_flag) {
      if (auto c = env_credentials(s_.env)) return *c;
    }
    const std::string& p = s_.profile;
    if (!s_.config_value(p, "role_arn").empty() || !s_.credentials_value(p, "role_arn").empty()) {
      std::set<std::string> visited;
      return assume_role(p, visited);
    }
    auto from_profile = profile_providers(p);
    if (!from_profile.ok() || from_profile->has_value()) {
      if (!from_profile.ok()) return from_profile.take_error();
      return **from_profile;
    }
    auto container = container_credentials();
    if (!container.ok() || container->has_value()) {
      if (!container.ok()) return container.take_error();
      return **container;
    }
    auto imds = imds_credentials();
    if (imds.ok() && imds->has_value()) return **imds;
    return cred_error("profile " + p, "Unable to locate credentials. You can configure credentials by running \"aws configure\".");
  }

 private:
  std::string value(const std::string& p, const char* key) const {
    std::string v = s_.credentials_value(p, key);
    return v.empty() ? s_.config_value(p, key) : v;
  }

  // Credentials file keys -> credential_process -> config file keys; nullopt when none.
  Result<std::optional<Credentials>> profile_providers(const std::string& p) {
    if (auto c = creds_file_keys(s_, p)) return std::optional<Credentials>(*c);
    std::string process = value(p, "credential_process");
    if (!process.empty()) {
      auto c = run_credential_process(process);
      if (!c.ok()) {
        Error e = c.take_error();
        e.where = "profile " + p + ": " + e.where;
        return e;
      }
      return std::optional<Credentials>(*c);
    }
    if (auto c = config_file_keys(s_, p)) return std::optional<Credentials>(*c);
    return std::optional<Credentials>();
  }

  Result<Credentials> source_credentials(const std::string& p, std::set<std::string>& visited) {
    std::string source = value(p, "source_profile");
    std::string credential_source = value(p, "credential_source");
    if (!source.empty() && !credential_source.empty())
      return make_error(ErrorKind::Invalid, "profile " + p, "has both source_profile and credential_source");
    if (!credential_source.empty()) {
      Result<std::optional<Credentials>> r = std::optional<Credentials>();
      if (credential_source == "Environment") {
        r = env_credentials(s_.env);
      } else if (credential_source == "EcsContainer") {
        r = container_credentials();
      } else if (credential_source == "Ec2InstanceMetadata") {
        r = imds_credentials();
      } else {
        return make_error(ErrorKind::Invalid, "profile " + p, "unknown credential_source " + credential_source);
      }
      if (!r.ok()) return r.take_error();
      if (!r->has_value()) return cred_error("profile " + p, "credential_source " + credential_source + " gave no credentials");
      return **r;
    }
    if (source.empty()) return make_error(ErrorKind::Invalid, "profile " + p, "role_arn needs source_profile or credential_source");
    if (!s_.has_profile(source))
      return make_error(ErrorKind::Invalid, "profile " + p, "source_profile " + source + " could not be found");
    bool has_static = creds_file_keys(s_, source) || config_file_keys(s_, source);
    if (visited.count(source) && !(source == p && has_static))
      return make_error(ErrorKind::Invalid, "profile " + p, "infinite loop in source_profile chain through " + source);
    if (has_static) return creds_file_keys(s_, source) ? *creds_file_keys(s_, source) : *config_file_keys(s_, source);
    if (value(source, "role_arn").empty()) {
      auto r = profile_providers(source);
      if (!r.ok()) return r.take_error();
      if (!r->has_value()) return cred_error("profile " + source, "has no credentials");
      return **r;
    }
    return assume_role(source, visited);
  }

  Result<Credentials> assume_role(const std::string& p, std::set<std::string>& visited) {
    visited.insert(p);
    auto source = source_credentials(p, visited);
    if (!source.ok()) return source.take_error();
    AssumeRoleRequest req;
    req.role_arn = value(p, "role_arn");
    req.role_session_name = value(p, "role_session_name");
    std::int64_t now = o_.now_ms ? o_.now_ms() : system_now_ms();
    if (req.role_session_name.empty()) req.role_session_name = "botocore-session-" + std::to_string(now / 1000);
    req.external_id = value(p, "external_id");
    std::string duration = value(p, "duration_seconds");
    if (!duration.empty()) {
      try {
        req.duration_seconds = std::stoi(duration);
      } catch (...) {
        return make_error(ErrorKind::Invalid, "profile " + p, "duration_seconds is not a number");
      }
    }
    req.serial_number = value(p, "mfa_serial");
    if (!req.serial_number.empty()) {
      auto code = o_.mfa_prompt ? o_.mfa_prompt(req.serial_number) : prompt_mfa_on_tty(req.serial_number);
      if (!code.ok()) return code.take_error();
      req.token_code = *code;
    }
    req.region = s_.region.empty() ? value(p, "region") : s_.region;
    req.endpoint_url = s_.endpoint_url("STS");
    if (!o_.assume_role) return make_error(ErrorKind::Unsupported, "profile " + p, "role profiles need an STS client");
    auto c = o_.assume_role(*source, req);
    if (!c.ok()) {
      Error e = c.take_error();
      e.where = "profile " + p + ": AssumeRole " + req.role_arn + (e.where.empty() ? "" : ": " + e.where);
      return e;
    }
    c->source = "assume-role";
    return c;
  }

  Result<std::optional<Credentials>> container_credentials() {
    std::string rel = env_get(s_.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    std::string full = env_get(s_.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    std::string url;
    if (!rel.empty()) url = "http://169.254.170.2" + rel;
    else if (!full.empty()) url = full;
    else return std::optional<Credentials>();
    if (rel.empty() && !is_allowed_container_host(url))
      return make_error(ErrorKind::Invalid, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        "host must be a loopback address, the ECS/EKS container host or use https");
    HttpRequest req;
    req.url = url;
    req.timeout_ms = 2000;
    req.connect_timeout_ms = 1000;
    std::string token;
    std::string token_file = env_get(s_.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (!token_file.empty()) {
      auto text = io::read_whole_file(token_file);
      if (!text.ok())
        return make_error(ErrorKind::Io, token_file, "cannot read the container authorization token: " + text.error().what);
      token = std::string(rg::trim(*text));
    } else {
      token = env_get(s_.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    if (!token.empty()) req.headers.emplace_back("Authorization", token);
    // Like botocore: three attempts.
    Result<HttpResponse> resp = make_error(ErrorKind::Io, "", "");
    for (int attempt = 0; attempt < 3; ++attempt) {
      resp = http_perform(req);
      if (resp.ok() && resp->status == 200) break;
    }
    if (!resp.ok()) return resp.take_error();
    if (resp->status != 200)
      return cred_error("container credentials endpoint", "HTTP status " + std::to_string(resp->status));
    auto c = parse_json_credentials(resp->body, "Token", "container credentials endpoint", "container");
    if (!c.ok()) return c.take_error();
    return std::optional<Credentials>(*c);
  }

  Result<std::optional<Credentials>> imds_credentials() {
    if (rg::iequals(env_get(s_.env, "AWS_EC2_METADATA_DISABLED"), "true")) return std::optional<Credentials>();
    std::string base = o_.imds_endpoint;
    if (base.empty()) base = env_get(s_.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (base.empty()) base = s_.config_value(s_.profile, "ec2_metadata_service_endpoint");
    if (base.empty()) base = "http://169.254.169.254";
    while (base.ends_with("/")) base.pop_back();
    HttpRequest put;
    put.method = "PUT";
    put.url = base + "/latest/api/token";
    put.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
    put.timeout_ms = o_.imds_timeout_ms;
    put.connect_timeout_ms = o_.imds_timeout_ms;
    auto tok = http_perform(put);
    if (!tok.ok() || tok->status != 200) return std::optional<Credentials>();
    HttpRequest get;
    get.url = base + "/latest/meta-data/iam/security-credentials/";
    get.headers = {{"X-aws-ec2-metadata-token", tok->body}};
    get.timeout_ms = o_.imds_timeout_ms;
    get.connect_timeout_ms = o_.imds_timeout_ms;
    auto role = http_perform(get);
    if (!role.ok() || role->status != 200) return std::optional<Credentials>();
    std::string name(rg::trim(role->body.substr(0, role->body.find('\n'))));
    if (name.empty()) return std::optional<Credentials>();
    get.url += name;
    auto doc = http_perform(get);
    if (!doc.ok() || doc->status != 200) return std::optional<Credentials>();
    auto c = parse_json_credentials(doc->body, "Token", "instance metadata", "imds");
    if (!c.ok()) return c.take_error();
    return std::optional<Credentials>(*c);
  }

  const Settings& s_;
  const ChainOptions& o_;
};

}  // namespace

Result<Credentials> resolve_credentials(const Settings& settings, const ChainOptions& options) {
  return Resolver(settings, options).run();
}

CredentialSource::CredentialSource(Settings settings, ChainOptions options)
    : settings_(std::move(settings)), options_(std::move(options)) {}

Result<Credentials> CredentialSource::get() {
  std::lock_guard<std::mutex> lock(mu_);
  std::int64_t now = options_.now_ms ? options_.now_ms() : system_now_ms();
  constexpr std::int64_t kAdvisoryMs = 15 * 60 * 1000;
  if (cached_ && (!cached_->expiration_ms || *cached_->expiration_ms - now > kAdvisoryMs)) return *cached_;
  auto fresh = resolve_credentials(settings_, options_);
  if (!fresh.ok()) {
    // Still valid for a while (inside the advisory window): keep using what we have.
    if (cached_ && cached_->expiration_ms && *cached_->expiration_ms - now > 60 * 1000) return *cached_;
    return fresh.take_error();
  }
  cached_ = *fresh;
  return *cached_;
}

}  // namespace rg::aws
