// ctgen: writes a synthetic but realistic CloudTrail S3 delivery corpus for benchmarks.
//
// Every file is what CloudTrail delivers to S3: a gzip'd compact `{"Records":[...]}` object,
// with keys in CloudTrail's order, under CloudTrail's key layout
//   AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/
//     <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 random chars>.json.gz
// The output is a pure function of the options (the seed included): each file is generated
// from its own random stream, so the number of threads does not change a byte.
//
// Root events are injected at --root-rate (of records) and cycle through every kind of root
// activity and tampering the detections cover; non-root events that look like root activity
// (decoys) are part of the ordinary mix. manifest.json counts records, records whose
// userIdentity.type is "Root", and each kind.
#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- random numbers
std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

struct Rng {
  std::uint64_t s[4];
  explicit Rng(std::uint64_t seed) {
    for (auto& v : s) v = splitmix(seed);
  }
  std::uint64_t next() {
    auto rotl = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  bool chance(double p) { return unit() < p; }
  template <class T, std::size_t N>
  const T& pick(const T (&a)[N]) { return a[below(N)]; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(static_cast<std::uint32_t>(v.size()))]; }
};

// ---------------------------------------------------------------- string building
constexpr char kHex[] = "0123456789abcdef";
constexpr char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr char kUpperNum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void hex(std::string& o, Rng& r, int n) {
  while (n > 0) {
    std::uint64_t v = r.next();
    for (int i = 0; i < 16 && n > 0; ++i, --n, v >>= 4) o.push_back(kHex[v & 15]);
  }
}
void upper(std::string& o, Rng& r, int n) {
  while (n > 0) {
    std::uint64_t v = r.next();
    for (int i = 0; i < 12 && n > 0; ++i, --n, v >>= 5) o.push_back(kUpperNum[v & 31]);
  }
}
void alnum(std::string& o, Rng& r, int n) {
  for (int i = 0; i < n; ++i) o.push_back(kAlnum[r.below(62)]);
}
void b64(std::string& o, Rng& r, int n) {
  static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  while (n > 0) {
    std::uint64_t v = r.next();
    for (int i = 0; i < 10 && n > 0; ++i, --n, v >>= 6) o.push_back(k[v & 63]);
  }
}
void uuid(std::string& o, Rng& r) {
  hex(o, r, 8); o.push_back('-'); hex(o, r, 4); o += "-4"; hex(o, r, 3); o.push_back('-');
  o.push_back(kHex[8 + r.below(4)]); hex(o, r, 3); o.push_back('-'); hex(o, r, 12);
}
void num(std::string& o, std::uint64_t v) {
  char b[24];
  int n = std::snprintf(b, sizeof b, "%llu", static_cast<unsigned long long>(v));
  o.append(b, static_cast<std::size_t>(n));
}
void pad2(std::string& o, unsigned v) { o.push_back(char('0' + v / 10)); o.push_back(char('0' + v % 10)); }

struct Civil { int y; unsigned m, d, hh, mm, ss; };
Civil civil(std::int64_t t) {
  std::int64_t days = t / 86400, sec = t % 86400;
  if (sec < 0) { sec += 86400; --days; }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2));
  return {y, m, d, unsigned(sec / 3600), unsigned(sec / 60 % 60), unsigned(sec % 60)};
}
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
void iso(std::string& o, std::int64_t t) {
  Civil c = civil(t);
  num(o, static_cast<std::uint64_t>(c.y)); o.push_back('-'); pad2(o, c.m); o.push_back('-'); pad2(o, c.d);
  o.push_back('T'); pad2(o, c.hh); o.push_back(':'); pad2(o, c.mm); o.push_back(':'); pad2(o, c.ss);
  o.push_back('Z');
}

// The date format STS and IAM responses use in CloudTrail: "Nov 2, 2026, 1:05:09 PM".
void aws_date(std::string& o, std::int64_t t) {
  static const char* const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const Civil c = civil(t);
  char b[64];
  const int n = std::snprintf(b, sizeof b, "%s %u, %d, %u:%02u:%02u %s", mon[c.m - 1], c.d, c.y, (c.hh % 12) ? c.hh % 12 : 12,
                              c.mm, c.ss, c.hh < 12 ? "AM" : "PM");
  o.append(b, static_cast<std::size_t>(n));
}

// ---------------------------------------------------------------- the world
struct Principal { std::string name, id, key; };  // id: AIDA.../AROA..., key: AKIA... (users)

struct Account {
  std::string id, alias;
  std::vector<Principal> users, roles, sso_roles;
  std::vector<std::string> buckets, kms_keys, instances, vpcs, subnets, sgs, functions, tables, people, ips;
};

struct Options {
  std::string out;
  double size_mb = 512;
  int accounts = 6;
  std::vector<std::string> regions = {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"};
  int days = 3;
  std::string start = "2026-11-01";
  double root_rate = 0.0005;
  double adjacent_rate = 0.0005;  // non-root events that rules care about (tampering, AssumeRoot, ...)
  double s3_data = 0.10;          // share of S3 data events (0 = management events only)
  std::string org = "o-a1b2c3d4e5";
  std::uint64_t seed = 1;
  int jobs = 2;
  int level = 6;
};

const char* const kServicePrincipals[] = {
    "ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "config.amazonaws.com",
    "cloudtrail.amazonaws.com", "rds.amazonaws.com", "elasticloadbalancing.amazonaws.com",
    "autoscaling.amazonaws.com", "ssm.amazonaws.com", "guardduty.amazonaws.com",
    "access-analyzer.amazonaws.com", "securityhub.amazonaws.com", "eks.amazonaws.com"};

const char* const kUserAgents[] = {
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0-18-cloud-amd64 exe/x86_64.debian.12 prompt/off command/ec2.describe-instances",
    "aws-cli/2.17.12 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#s3.ls",
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
    "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.6 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.150.0",
    "aws-sdk-java/2.25.11 Linux/5.10.213-201.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0 ua/2.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.5",
    "aws-sdk-nodejs/2.1583.0 linux/v18.19.1 exec-env/AWS_Lambda_nodejs18.x promise",
    "aws-sdk-js/3.540.0 ua/2.1 os/linux#5.10.214-223.851.amzn2.x86_64 lang/js md/nodejs#20.11.1 api/dynamodb#3.540.0",
    "AWS Internal",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
};
const char* const kBrowsers[] = {
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:124.0) Gecko/20100101 Firefox/124.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.92",
};
const char* const kCiphers[] = {"ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"};

Account make_account(std::uint64_t seed, int index) {
  Rng r(seed * 7919 + static_cast<std::uint64_t>(index) * 104729 + 17);
  Account a;
  a.id = std::to_string(100000000000ull + (r.next() % 899999999999ull));
  static const char* const aliases[] = {"acme-prod", "acme-staging", "acme-dev", "acme-security", "acme-logs",
                                        "acme-data", "acme-shared", "acme-sandbox"};
  a.alias = aliases[index % 8];
  std::string acct_key;
  upper(acct_key, r, 7);
  auto principal = [&](const char* name, const char* prefix) {
    Principal p;
    p.name = name;
    p.id = prefix;
    p.id += acct_key;
    upper(p.id, r, 14);
    p.key = "AKIA" + acct_key;
    upper(p.key, r, 9);
    return p;
  };
  for (const char* n : {"alice", "bob", "carol.ops", "deploy-ci", "terraform", "root-automation", "backup-svc", "grafana"})
    a.users.push_back(principal(n, "AIDA"));
  for (const char* n : {"OrganizationAccountAccessRole", "eks-node-group-role", "lambda-orders-exec", "ecsTaskExecutionRole",
                        "github-actions-deploy", "DatadogIntegrationRole", "prowler-readonly", "AWSServiceRoleForConfig",
                        "karpenter-controller", "AWSServiceRoleForAutoScaling"})
    a.roles.push_back(principal(n, "AROA"));
  for (const char* n : {"AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "SecurityAudit"}) {
    std::string name = std::string("AWSReservedSSO_") + n + "_";
    hex(name, r, 16);
    a.sso_roles.push_back(principal(name.c_str(), "AROA"));
  }
  for (const char* p : {"jane.doe@example.com", "raj.patel@example.com", "li.wei@example.com", "sam.smith@example.com"})
    a.people.push_back(p);
  for (const char* b : {"app-assets", "data-lake-raw", "terraform-state", "cloudtrail-logs", "backups"})
    a.buckets.push_back(a.alias + "-" + b);
  for (int i = 0; i < 6; ++i) { std::string k; uuid(k, r); a.kms_keys.push_back(k); }
  for (int i = 0; i < 40; ++i) { std::string k = "i-0"; hex(k, r, 16); a.instances.push_back(k); }
  for (int i = 0; i < 4; ++i) { std::string k = "vpc-0"; hex(k, r, 16); a.vpcs.push_back(k); }
  for (int i = 0; i < 12; ++i) { std::string k = "subnet-0"; hex(k, r, 16); a.subnets.push_back(k); }
  for (int i = 0; i < 16; ++i) { std::string k = "sg-0"; hex(k, r, 16); a.sgs.push_back(k); }
  for (const char* f : {"orders-api", "image-resize", "nightly-report", "slack-notifier", "s3-indexer"}) a.functions.push_back(f);
  for (const char* t : {"orders", "sessions", "inventory", "audit-events"}) a.tables.push_back(t);
  for (int i = 0; i < 6; ++i) {
    char b[32];
    std::snprintf(b, sizeof b, "%u.%u.%u.%u", 3 + r.below(200), r.below(256), r.below(256), 1 + r.below(254));
    a.ips.push_back(b);
  }
  return a;
}

// ---------------------------------------------------------------- one record
struct Rec {
  const char* version = "1.08";
  std::string identity, source_ip, request, response, additional, resources, error_code, error_message, tls_host;
  const char* source = "";
  const char* name = "";
  const char* user_agent = "";
  const char* event_type = "AwsApiCall";
  const char* category = "Management";
  int read_only = -1;  // -1 absent
  bool management = true;
  bool request_id = true;
  bool shared_event_id = false;
  bool console = false;  // sessionCredentialFromConsole
  const char* api_version = nullptr;
  void reset() {
    version = "1.08";
    identity.clear(); source_ip.clear(); request = "null"; response = "null"; additional.clear(); resources.clear();
    error_code.clear(); error_message.clear(); tls_host.clear();
    source = name = user_agent = "";
    event_type = "AwsApiCall"; category = "Management"; read_only = -1; management = true; request_id = true;
    shared_event_id = false; console = false; api_version = nullptr;
  }
};

// Root kinds: userIdentity.type == "Root". Global ones happen in us-east-1 only.
enum RootKind {
  RK_LOGIN_MFA, RK_LOGIN_NOMFA, RK_LOGIN_FAIL, RK_LOGIN_MFA_FAIL, RK_PW_RECOVERY_REQ, RK_PW_RECOVERY_DONE,
  RK_PW_UPDATED, RK_CREATE_KEY, RK_MFA_DEACTIVATE, RK_MFA_DELETE_VIRTUAL, RK_MFA_ENABLE, RK_MFA_CREATE_VIRTUAL,
  RK_LOGIN_PROFILE_ASSUMEDROOT, RK_EMAIL_UPDATED, RK_PUT_CONTACT, RK_GET_SESSION_TOKEN, RK_GET_FEDERATION_TOKEN,
  RK_CREDENTIAL_CHALLENGE /* AwsServiceEvent: Root by type, but not root *activity* */, RK_CONSOLE_IAM_READ,
  RK_CREATE_SLR, RK_LONG_TERM_KEY_S3,
  RK_GLOBAL_END,
  RK_STOP_LOGGING = RK_GLOBAL_END, RK_DELETE_TRAIL, RK_UPDATE_TRAIL, RK_PUT_EVENT_SELECTORS, RK_CONSOLE_EC2_READ,
  RK_ASSUMEDROOT_DELETE_BUCKET_POLICY, RK_DELETE_DETECTOR, RK_STOP_RECORDER, RK_FAILED_CALL,
  RK_END
};
const char* const kRootKindNames[] = {
    "console_login_mfa", "console_login_no_mfa", "console_login_failed", "console_login_mfa_failed",
    "password_recovery_requested", "password_recovery_completed", "password_updated", "create_access_key",
    "deactivate_mfa", "delete_virtual_mfa", "enable_mfa", "create_virtual_mfa", "create_login_profile_assumed_root",
    "email_updated", "put_contact_information", "get_session_token", "get_federation_token",
    "credential_challenge_service_event", "console_iam_read", "create_service_linked_role", "long_term_key_s3",
    "stop_logging", "delete_trail", "update_trail", "put_event_selectors", "console_ec2_read",
    "assumed_root_delete_bucket_policy", "delete_detector", "stop_configuration_recorder", "failed_call_access_denied"};
static_assert(sizeof(kRootKindNames) / sizeof(kRootKindNames[0]) == RK_END);

// Adjacent kinds: not Root by type, but rules care (AssumeRoot, root-issued federation, tampering).
enum AdjKind {
  AK_ASSUME_ROOT, AK_FEDERATED_FROM_ROOT, AK_STOP_LOGGING_ROLE, AK_DELETE_DETECTOR_ROLE, AK_DISABLE_ROOT_SESSIONS,
  AK_PUT_ALTERNATE_CONTACT, AK_DELETE_METRIC_FILTER, AK_END
};
const char* const kAdjKindNames[] = {"assume_root_by_role", "federated_user_issued_by_root", "stop_logging_by_role",
                                     "delete_detector_by_role", "disable_organizations_root_sessions",
                                     "put_alternate_contact_by_role", "delete_metric_filter_by_role"};
static_assert(sizeof(kAdjKindNames) / sizeof(kAdjKindNames[0]) == AK_END);

// Decoys in the ordinary mix: look like root at the byte level, are not.
enum DecoyKind {
  DK_IAM_USER_CONSOLE_LOGIN, DK_SSO_CONSOLE_LOGIN, DK_HIDDEN_USER_LOGIN_FAIL, DK_KMS_POLICY_ROOT_ARN,
  DK_ORG_LIST_PARENTS_ROOT, DK_ORG_LIST_ROOTS, DK_S3_KEY_ROOT, DK_USER_NAMED_ROOT, DK_SERVICE_EVENT, DK_END
};
const char* const kDecoyKindNames[] = {"iam_user_console_login", "sso_console_login", "hidden_user_login_failed",
                                       "kms_key_policy_with_root_arn", "organizations_list_parents_type_ROOT",
                                       "organizations_list_roots", "s3_key_containing_root", "iam_user_named_root_automation",
                                       "aws_service_event_typeless"};
static_assert(sizeof(kDecoyKindNames) / sizeof(kDecoyKindNames[0]) == DK_END);

struct Counts {
  std::uint64_t records = 0, root = 0, root_not_service_event = 0, bytes = 0, gz_bytes = 0;
  std::uint64_t root_kind[RK_END] = {}, adj_kind[AK_END] = {}, decoy_kind[DK_END] = {};
  void add(const Counts& o) {
    records += o.records; root += o.root; root_not_service_event += o.root_not_service_event;
    bytes += o.bytes; gz_bytes += o.gz_bytes;
    for (int i = 0; i < RK_END; ++i) root_kind[i] += o.root_kind[i];
    for (int i = 0; i < AK_END; ++i) adj_kind[i] += o.adj_kind[i];
    for (int i = 0; i < DK_END; ++i) decoy_kind[i] += o.decoy_kind[i];
  }
};

struct FilePlan {
  int account = 0;
  std::string region;
  std::int64_t time = 0;  // delivery time (file name), seconds
  std::uint64_t target = 0;
  std::vector<int> root_kinds, adj_kinds;
  std::string key;  // relative path
};

struct Gen {
  Rng r;
  const Account& a;
  const Options& opt;
  const std::string& region;
  std::int64_t t = 0;
  Rec rec;
  Counts counts;
  std::string tmp;
  bool decoyed = false;  // the current record is a decoy

  Gen(std::uint64_t seed, const Account& acct, const Options& o, const std::string& reg)
      : r(seed), a(acct), opt(o), region(reg) {}

  // ---- identities
  void id_iam_user(const Principal& u, bool session) {
    auto& s = rec.identity;
    s = "{\"type\":\"IAMUser\",\"principalId\":\""; s += u.id; s += "\",\"arn\":\"arn:aws:iam::"; s += a.id;
    s += ":user/"; s += u.name; s += "\",\"accountId\":\""; s += a.id; s += "\",\"accessKeyId\":\"";
    if (session) { s += "ASIA"; upper(s, r, 16); } else { s += u.key; }
    s += "\",\"userName\":\""; s += u.name; s += '"';
    if (session) {
      s += ",\"sessionContext\":{\"sessionIssuer\":{},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"";
      iso(s, t - 600 - r.below(3000)); s += "\",\"mfaAuthenticated\":\""; s += r.chance(0.7) ? "true" : "false"; s += "\"}}";
    }
    s += '}';
  }
  void id_role(const Principal& role, const std::string& session, const char* invoked_by, bool sso) {
    auto& s = rec.identity;
    s = "{\"type\":\"AssumedRole\",\"principalId\":\""; s += role.id; s += ':'; s += session;
    s += "\",\"arn\":\"arn:aws:sts::"; s += a.id; s += ":assumed-role/"; s += role.name; s += '/'; s += session;
    s += "\",\"accountId\":\""; s += a.id; s += "\",\"accessKeyId\":\"ASIA"; upper(s, r, 16);
    s += "\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\""; s += role.id;
    s += "\",\"arn\":\"arn:aws:iam::"; s += a.id; s += ":role/";
    if (sso) { s += "aws-reserved/sso.amazonaws.com/"; s += opt.regions.empty() ? "us-east-1" : opt.regions[0]; s += '/'; }
    else if (role.name.rfind("AWSServiceRoleFor", 0) == 0) s += "aws-service-role/";
    s += role.name; s += "\",\"accountId\":\""; s += a.id; s += "\",\"userName\":\""; s += role.name;
    s += "\"},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\""; iso(s, t - r.below(3600));
    s += "\",\"mfaAuthenticated\":\"false\"}";
    if (rec.version[3] != '8' && r.chance(0.3)) { s += ",\"ec2RoleDelivery\":\"2.0\""; }
    s += '}';
    if (invoked_by) { s += ",\"invokedBy\":\""; s += invoked_by; s += '"'; }
    s += '}';
  }
  // A few sessions make most of the calls in one delivery window; reuse them (as real logs do).
  std::vector<std::string> sessions;
  void id_any_role() {
    if (sessions.size() >= 10 && !r.chance(0.08)) { rec.identity = sessions[r.below(static_cast<std::uint32_t>(sessions.size()))]; return; }
    new_role_session();
    if (sessions.size() < 10) sessions.push_back(rec.identity);
    else sessions[r.below(10)] = rec.identity;
  }
  void new_role_session() {
    if (r.chance(0.25)) {
      const Principal& role = r.pick(a.sso_roles);
      id_role(role, r.pick(a.people), nullptr, true);
    } else {
      const Principal& role = r.pick(a.roles);
      tmp.clear();
      if (r.chance(0.5)) { tmp = "i-0"; hex(tmp, r, 16); }
      else { tmp = "botocore-session-"; num(tmp, 1700000000 + r.below(60000000)); }
      id_role(role, tmp, r.chance(0.08) ? r.pick(kServicePrincipals) : nullptr, false);
    }
  }
  void id_service(const char* svc) {
    rec.identity = "{\"type\":\"AWSService\",\"invokedBy\":\""; rec.identity += svc; rec.identity += "\"}";
  }
  // Root: key "" (console sign-in), "ASIA..." (console session / GetSessionToken), "AKIA..." (long-term key).
  void id_root(char key, bool assumed_root = false) {
    auto& s = rec.identity;
    s = "{\"type\":\"Root\",\"principalId\":\""; s += a.id; s += "\",\"arn\":\"arn:aws:iam::"; s += a.id;
    s += ":root\",\"accountId\":\""; s += a.id; s += "\",\"accessKeyId\":\"";
    if (key == 'S' || assumed_root) { s += "ASIA"; upper(s, r, 16); }
    else if (key == 'L') { s += "AKIA"; upper(s, r, 16); }
    s += '"';
    if (r.chance(0.5)) { s += ",\"userName\":\""; s += a.alias; s += '"'; }
    if (key == 'S' || assumed_root) {
      s += ",\"sessionContext\":{\"sessionIssuer\":{},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"";
      iso(s, t - 60 - r.below(800)); s += "\",\"mfaAuthenticated\":\""; s += r.chance(0.6) ? "true" : "false"; s += "\"}";
      if (assumed_root) s += ",\"assumedRoot\":\"true\"";
      s += '}';
    }
    s += '}';
  }
  void ip_client() {
    rec.source_ip = r.chance(0.9) ? a.ips[r.below(3)] : std::string("10.") + std::to_string(r.below(256)) + "." +
                                                        std::to_string(r.below(256)) + "." + std::to_string(1 + r.below(254));
  }
  void tls(const char* service, bool global = false) {
    rec.tls_host = service;
    if (!global) { rec.tls_host += '.'; rec.tls_host += region; }
    rec.tls_host += ".amazonaws.com";
  }
  void resource(const char* type, const std::string& arn, bool first = true) {
    rec.resources += first ? "[" : ",";
    rec.resources += "{\"accountId\":\""; rec.resources += a.id; rec.resources += "\",\"type\":\"";
    rec.resources += type; rec.resources += "\",\"ARN\":\""; rec.resources += arn; rec.resources += "\"}";
  }

  // ---- ordinary events (the mix)
  void ev_ec2_describe() {
    static const char* const names[] = {"DescribeInstances", "DescribeVolumes", "DescribeSecurityGroups", "DescribeSubnets",
                                        "DescribeVpcs", "DescribeNetworkInterfaces", "DescribeInstanceStatus",
                                        "DescribeImages", "DescribeSnapshots", "DescribeTags", "DescribeAddresses",
                                        "DescribeLaunchTemplateVersions", "DescribeRouteTables"};
    rec.source = "ec2.amazonaws.com"; rec.name = r.pick(names); rec.read_only = 1; tls("ec2");
    id_any_role(); ip_client(); rec.user_agent = r.pick(kUserAgents);
    auto& q = rec.request;
    switch (r.below(4)) {
      case 0: q = "{\"instancesSet\":{\"items\":[";
        for (unsigned i = 0, n = 1 + r.below(8); i < n; ++i) { if (i) q += ','; q += "{\"instanceId\":\""; q += r.pick(a.instances); q += "\"}"; }
        q += "]},\"filterSet\":{},\"includeAllInstances\":false}"; break;
      case 1: q = "{\"filterSet\":{\"items\":[{\"name\":\"vpc-id\",\"valueSet\":{\"items\":[{\"value\":\""; q += r.pick(a.vpcs);
        q += "\"}]}},{\"name\":\"tag:kubernetes.io/cluster/prod-eks\",\"valueSet\":{\"items\":[{\"value\":\"owned\"}]}}]}}"; break;
      case 2: q = "{\"maxResults\":1000,\"filterSet\":{}}"; break;
      default: q = "{\"DescribeSecurityGroupsRequest\":{\"GroupId\":[";
        for (unsigned i = 0, n = 1 + r.below(5); i < n; ++i) { if (i) q += ','; q += '"'; q += r.pick(a.sgs); q += '"'; }
        q += "]}}";
    }
  }
  void ev_ec2_write() {
    rec.source = "ec2.amazonaws.com"; rec.read_only = 0; tls("ec2"); id_any_role(); ip_client();
    rec.user_agent = r.pick(kUserAgents);
    if (r.chance(0.7)) {
      rec.name = "CreateTags";
      auto& q = rec.request;
      q = "{\"resourcesSet\":{\"items\":[{\"resourceId\":\""; q += r.pick(a.instances);
      q += "\"}]},\"tagSet\":{\"items\":[{\"key\":\"karpenter.sh/nodeclaim\",\"value\":\"default-";
      alnum(q, r, 5); q += "\"},{\"key\":\"Name\",\"value\":\"ip-10-0-"; num(q, r.below(256)); q += '-'; num(q, r.below(256));
      q += ".ec2.internal\"}]}}";
      rec.response = "{\"requestId\":\""; uuid(rec.response, r); rec.response += "\",\"_return\":true}";
      return;
    }
    rec.name = "RunInstances";
    auto& q = rec.request;
    q = "{\"instancesSet\":{\"items\":[{\"imageId\":\"ami-0"; hex(q, r, 16);
    q += "\",\"minCount\":1,\"maxCount\":1}]},\"instanceType\":\"m6i.large\",\"blockDeviceMapping\":{},\"monitoring\":{\"enabled\":false},"
         "\"disableApiTermination\":false,\"disableApiStop\":false,\"clientToken\":\"";
    uuid(q, r);
    q += "\",\"networkInterfaceSet\":{\"items\":[{\"deviceIndex\":0,\"subnetId\":\""; q += r.pick(a.subnets);
    q += "\",\"groupSet\":{\"items\":[{\"groupId\":\""; q += r.pick(a.sgs);
    q += "\"}]}}]},\"iamInstanceProfile\":{\"arn\":\"arn:aws:iam::"; q += a.id;
    q += ":instance-profile/eks-node-group-profile\"},\"launchTemplate\":{\"launchTemplateId\":\"lt-0"; hex(q, r, 16);
    q += "\",\"version\":\"3\"},\"tagSpecificationSet\":{\"items\":[{\"resourceType\":\"instance\",\"tags\":[{\"key\":\"eks:cluster-name\",\"value\":\"prod-eks\"},{\"key\":\"eks:nodegroup-name\",\"value\":\"general\"}]}]}}";
    auto& s = rec.response;
    s = "{\"requestId\":\""; uuid(s, r); s += "\",\"reservationId\":\"r-0"; hex(s, r, 16);
    s += "\",\"ownerId\":\""; s += a.id; s += "\",\"groupSet\":{},\"instancesSet\":{\"items\":[{\"instanceId\":\""; s += r.pick(a.instances);
    s += "\",\"imageId\":\"ami-0"; hex(s, r, 16);
    s += "\",\"currentInstanceBootMode\":\"legacy-bios\",\"instanceState\":{\"code\":0,\"name\":\"pending\"},\"privateDnsName\":\"ip-10-0-";
    num(s, r.below(256)); s += '-'; num(s, r.below(256));
    s += ".ec2.internal\",\"amiLaunchIndex\":0,\"productCodes\":{},\"instanceType\":\"m6i.large\",\"launchTime\":"; num(s, static_cast<std::uint64_t>(t) * 1000);
    s += ",\"placement\":{\"availabilityZone\":\""; s += region; s += "a\",\"tenancy\":\"default\"},\"monitoring\":{\"state\":\"disabled\"},\"subnetId\":\"";
    s += r.pick(a.subnets); s += "\",\"vpcId\":\""; s += r.pick(a.vpcs); s += "\",\"privateIpAddress\":\"10.0.";
    num(s, r.below(256)); s += '.'; num(s, r.below(256));
    s += "\",\"stateReason\":{\"code\":\"pending\",\"message\":\"pending\"},\"architecture\":\"x86_64\",\"rootDeviceType\":\"ebs\",\"rootDeviceName\":\"/dev/xvda\",\"blockDeviceMapping\":{},\"virtualizationType\":\"hvm\",\"clientToken\":\"";
    uuid(s, r);
    s += "\",\"groupSet\":{\"items\":[{\"groupId\":\""; s += r.pick(a.sgs);
    s += "\",\"groupName\":\"eks-cluster-sg-prod-eks\"}]},\"sourceDestCheck\":true,\"hypervisor\":\"xen\",\"networkInterfaceSet\":{\"items\":[{\"networkInterfaceId\":\"eni-0";
    hex(s, r, 16); s += "\",\"subnetId\":\""; s += r.pick(a.subnets);
    s += "\",\"status\":\"in-use\",\"macAddress\":\"0e:"; hex(s, r, 2); s += ':'; hex(s, r, 2); s += ':'; hex(s, r, 2); s += ':'; hex(s, r, 2); s += ':'; hex(s, r, 2);
    s += "\",\"sourceDestCheck\":true,\"interfaceType\":\"interface\"}]},\"ebsOptimized\":true,\"enaSupport\":true,\"cpuOptions\":{\"coreCount\":1,\"threadsPerCore\":2},\"capacityReservationSpecification\":{\"capacityReservationPreference\":\"open\"},\"enclaveOptions\":{\"enabled\":false},\"metadataOptions\":{\"state\":\"pending\",\"httpTokens\":\"required\",\"httpPutResponseHopLimit\":2,\"httpEndpoint\":\"enabled\",\"httpProtocolIpv6\":\"disabled\",\"instanceMetadataTags\":\"disabled\"},\"maintenanceOptions\":{\"autoRecovery\":\"default\"},\"privateDnsNameOptions\":{\"hostnameType\":\"ip-name\",\"enableResourceNameDnsARecord\":false,\"enableResourceNameDnsAAAARecord\":false}}]}}";
  }
  void ev_assume_role_by_service() {
    const char* svc = r.pick(kServicePrincipals);
    rec.source = "sts.amazonaws.com"; rec.name = "AssumeRole"; rec.read_only = 1; id_service(svc);
    rec.source_ip = svc; rec.user_agent = svc; rec.shared_event_id = r.chance(0.5);
    const Principal& role = r.pick(a.roles);
    auto& q = rec.request;
    q = "{\"roleArn\":\"arn:aws:iam::"; q += a.id; q += ":role/"; q += role.name; q += "\",\"roleSessionName\":\"";
    if (r.chance(0.5)) { q += "i-0"; hex(q, r, 16); } else { num(q, 1700000000000ull + r.below(1u << 30)); }
    q += "\",\"durationSeconds\":3600}";
    const std::size_t sp = q.find("roleSessionName") + 18;
    assume_role_response(role, q.substr(sp, q.find('"', sp) - sp));
    resource("AWS::IAM::Role", "arn:aws:iam::" + a.id + ":role/" + role.name);
    if (r.chance(0.5)) { rec.resources += ",{\"accountId\":\""; rec.resources += a.id;
      rec.resources += "\",\"type\":\"AWS::STS::AssumedRole\",\"ARN\":\"arn:aws:sts::"; rec.resources += a.id; rec.resources += ":assumed-role/"; rec.resources += role.name; rec.resources += "\"}"; }
    rec.resources += ']';
    tls("sts");
  }
  void assume_role_response(const Principal& role, const std::string& session) {
    auto& s = rec.response;
    s = "{\"credentials\":{\"accessKeyId\":\"ASIA"; upper(s, r, 16); s += "\",\"sessionToken\":\"IQoJb3JpZ2luX2VjE";
    b64(s, r, 420 + static_cast<int>(r.below(200)));
    s += "\",\"expiration\":\"";
    aws_date(s, t + 3600);
    s += "\"},\"assumedRoleUser\":{\"assumedRoleId\":\""; s += role.id; s += ':'; s += session;
    s += "\",\"arn\":\"arn:aws:sts::"; s += a.id; s += ":assumed-role/"; s += role.name; s += '/'; s += session; s += "\"}}";
  }
  void ev_assume_role_by_role() {
    rec.source = "sts.amazonaws.com"; rec.name = r.chance(0.3) ? "AssumeRoleWithWebIdentity" : "AssumeRole"; rec.read_only = 1;
    const Principal& role = r.pick(a.roles);
    if (rec.name[10] == 'W') {
      rec.identity = "{\"type\":\"WebIdentityUser\",\"principalId\":\"arn:aws:iam::"; rec.identity += a.id;
      rec.identity += ":oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:repo:acme/platform:ref:refs/heads/main\",\"userName\":\"repo:acme/platform:ref:refs/heads/main\",\"identityProvider\":\"token.actions.githubusercontent.com\"}";
      rec.request = "{\"roleArn\":\"arn:aws:iam::"; rec.request += a.id; rec.request += ":role/github-actions-deploy\",\"roleSessionName\":\"GitHubActions\"}";
      rec.source_ip = r.pick(a.ips); rec.user_agent = "aws-sdk-js/3.540.0 ua/2.1 os/linux#6.5.0-1016-azure lang/js md/nodejs#20.11.1 api/sts#3.540.0 configured-action/aws-actions/configure-aws-credentials";
    } else {
      id_any_role(); ip_client(); rec.user_agent = r.pick(kUserAgents);
      rec.request = "{\"roleArn\":\"arn:aws:iam::"; rec.request += a.id; rec.request += ":role/"; rec.request += role.name;
      rec.request += "\",\"roleSessionName\":\"session-"; alnum(rec.request, r, 8); rec.request += "\",\"durationSeconds\":900}";
    }
    assume_role_response(role, "session");
    resource("AWS::IAM::Role", "arn:aws:iam::" + a.id + ":role/" + role.name); rec.resources += ']';
    tls("sts");
  }
  // Sign-ins through an identity provider: SAML federation, and IAM Identity Center portal calls.
  void ev_federation() {
    const std::string& who = r.pick(a.people);
    rec.source_ip = r.pick(a.ips);
    if (r.chance(0.5)) {
      rec.source = "sts.amazonaws.com"; rec.name = "AssumeRoleWithSAML"; rec.read_only = 1; tls("sts", true);
      rec.user_agent = r.pick(kBrowsers);
      auto& s = rec.identity;
      s = "{\"type\":\"SAMLUser\",\"principalId\":\""; b64(s, r, 28); s += "=:"; s += who; s += "\",\"userName\":\""; s += who;
      s += "\",\"identityProvider\":\""; b64(s, r, 27); s += "=\"}";
      const Principal& role = a.roles[0];
      rec.request = "{\"sAMLAssertionID\":\"_"; hex(rec.request, r, 32); rec.request += "\",\"roleSessionName\":\""; rec.request += who;
      rec.request += "\",\"roleArn\":\"arn:aws:iam::"; rec.request += a.id; rec.request += ":role/"; rec.request += role.name;
      rec.request += "\",\"principalArn\":\"arn:aws:iam::"; rec.request += a.id; rec.request += ":saml-provider/Okta\",\"durationSeconds\":3600}";
      assume_role_response(role, who);
      rec.response.pop_back();
      rec.response += ",\"subjectType\":\"persistent\",\"issuer\":\"http://www.okta.com/exk";
      alnum(rec.response, r, 17);
      rec.response += "\",\"audience\":\"https://signin.aws.amazon.com/saml\",\"nameQualifier\":\""; b64(rec.response, r, 27);
      rec.response += "=\",\"subject\":\""; rec.response += who; rec.response += "\"}";
      resource("AWS::IAM::Role", "arn:aws:iam::" + a.id + ":role/" + role.name);
      rec.resources += ",{\"accountId\":\""; rec.resources += a.id; rec.resources += "\",\"type\":\"AWS::IAM::SAMLProvider\",\"ARN\":\"arn:aws:iam::";
      rec.resources += a.id; rec.resources += ":saml-provider/Okta\"}]";
      return;
    }
    static const char* const names[] = {"GetRoleCredentials", "ListAccountRoles", "ListAccounts"};
    rec.source = "sso.amazonaws.com"; rec.name = r.pick(names); rec.read_only = 1; rec.version = "1.10";
    rec.user_agent = r.pick(kBrowsers); rec.tls_host = "portal.sso." + region + ".amazonaws.com";
    auto& s = rec.identity;
    s = "{\"type\":\"IdentityCenterUser\",\"accountId\":\""; s += a.id; s += "\",\"onBehalfOf\":{\"userId\":\"";
    uuid(s, r); s += "\",\"identityStoreArn\":\"arn:aws:identitystore::"; s += a.id;
    s += ":identitystore/d-9067"; hex(s, r, 6); s += "\"},\"credentialId\":\""; b64(s, r, 40); s += "\"}";
    if (rec.name[0] == 'G') {
      rec.request = "{\"roleName\":\""; rec.request += r.pick(a.sso_roles).name.substr(15, 19);
      rec.request += "\",\"accountId\":\""; rec.request += a.id; rec.request += "\"}";
    } else if (rec.name[4] == 'A' && rec.name[11] == 'R') {
      rec.request = "{\"accountId\":\""; rec.request += a.id; rec.request += "\"}";
    }
  }
  void ev_kms() {
    static const char* const names[] = {"Decrypt", "Decrypt", "Decrypt", "GenerateDataKey", "Encrypt", "DescribeKey"};
    rec.source = "kms.amazonaws.com"; rec.name = r.pick(names); rec.read_only = rec.name[0] != 'E' && rec.name[0] != 'G' ? 1 : 0;
    if (rec.name[0] == 'D' && rec.name[1] == 'e' && rec.name[2] == 'c') rec.read_only = 1;
    const char* svc = nullptr;
    if (r.chance(0.6)) {
      static const char* const svcs[] = {"s3.amazonaws.com", "secretsmanager.amazonaws.com", "ssm.amazonaws.com", "dynamodb.amazonaws.com", "logs.amazonaws.com"};
      svc = r.pick(svcs);
      if (r.chance(0.5)) { id_service(svc); rec.source_ip = svc; rec.user_agent = svc; }
      else { id_any_role(); rec.source_ip = svc; rec.user_agent = svc; }
    } else { id_any_role(); ip_client(); rec.user_agent = r.pick(kUserAgents); tls("kms"); }
    const std::string& key = r.pick(a.kms_keys);
    auto& q = rec.request;
    q = "{\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"";
    if (svc && svc[0] == 's' && svc[1] == '3') {
      q += ",\"encryptionContext\":{\"aws:s3:arn\":\"arn:aws:s3:::"; q += r.pick(a.buckets); q += "/data/"; num(q, r.below(100000)); q += ".parquet\"}";
    } else if (svc && svc[0] == 's' && svc[1] == 'e') {
      q += ",\"encryptionContext\":{\"SecretARN\":\"arn:aws:secretsmanager:"; q += region; q += ':'; q += a.id; q += ":secret:prod/db/password-"; alnum(q, r, 6);
      q += "\",\"SecretVersionId\":\""; uuid(q, r); q += "\"}";
    }
    if (rec.name[0] == 'G') q += ",\"keySpec\":\"AES_256\"";
    q += ",\"keyId\":\"arn:aws:kms:"; q += region; q += ':'; q += a.id; q += ":key/"; q += key; q += "\"}";
    resource("AWS::KMS::Key", "arn:aws:kms:" + region + ":" + a.id + ":key/" + key); rec.resources += ']';
    rec.shared_event_id = svc != nullptr && r.chance(0.4);
  }
  void ev_iam_read() {
    static const char* const names[] = {"GetRole", "ListRoles", "ListAttachedRolePolicies", "GetPolicyVersion", "ListRolePolicies",
                                        "GetUser", "ListAccessKeys", "GetAccountSummary", "ListMFADevices", "GenerateCredentialReport"};
    rec.source = "iam.amazonaws.com"; rec.name = r.pick(names); rec.read_only = 1; tls("iam", true);
    if (r.chance(0.2)) id_iam_user(r.pick(a.users), false); else id_any_role();
    ip_client(); rec.user_agent = r.pick(kUserAgents);
    const Principal& role = r.pick(a.roles);
    if (rec.name[3] == 'R' || rec.name[4] == 'A' || rec.name[4] == 'R') {
      rec.request = "{\"roleName\":\""; rec.request += role.name; rec.request += "\"}";
    } else if (rec.name[3] == 'P') {
      rec.request = "{\"policyArn\":\"arn:aws:iam::aws:policy/ReadOnlyAccess\",\"versionId\":\"v"; num(rec.request, 1 + r.below(120)); rec.request += "\"}";
    } else if (rec.name[0] == 'L' && rec.name[4] == 'A') {
      rec.request = "{\"userName\":\""; rec.request += r.pick(a.users).name; rec.request += "\"}";
    }
    if (rec.name[0] == 'G' && rec.name[3] == 'R' && r.chance(0.01)) {  // occasional denial
      rec.error_code = "AccessDenied";
      rec.error_message = "User: arn:aws:sts::" + a.id + ":assumed-role/prowler-readonly/prowler is not authorized to perform: iam:GetRole";
    }
  }
  void ev_s3_mgmt() {
    static const char* const names[] = {"GetBucketAcl", "GetBucketPolicy", "GetBucketLocation", "ListBuckets", "GetBucketEncryption",
                                        "GetBucketVersioning", "GetBucketPublicAccessBlock", "GetBucketTagging"};
    rec.source = "s3.amazonaws.com"; rec.name = r.pick(names); rec.read_only = 1; id_any_role(); ip_client();
    rec.user_agent = r.pick(kUserAgents);
    const std::string& b = r.pick(a.buckets);
    auto& q = rec.request;
    if (rec.name[0] == 'L') { q = "{\"Host\":\"s3."; q += region; q += ".amazonaws.com\"}"; }
    else { q = "{\""; q += rec.name + 9; if (q.size() > 2 && q[2] == 'L') q = "{\"location"; q += "\":\"\",\"bucketName\":\""; q += b;
      q += "\",\"Host\":\""; q += b; q += ".s3."; q += region; q += ".amazonaws.com\"}"; }
    rec.additional = "{\"SignatureVersion\":\"SigV4\",\"CipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"bytesTransferredIn\":0,\"AuthenticationMethod\":\"AuthHeader\",\"x-amz-id-2\":\"";
    b64(rec.additional, r, 76); rec.additional += "\",\"bytesTransferredOut\":"; num(rec.additional, 100 + r.below(4000)); rec.additional += '}';
    if (rec.name[0] != 'L') { resource("AWS::S3::Bucket", "arn:aws:s3:::" + b); rec.resources += ']'; }
    tls("s3");
    if (rec.name[3] == 'B' && rec.name[9] == 'P' && r.chance(0.3)) { rec.error_code = "NoSuchBucketPolicy"; rec.error_message = "The bucket policy does not exist"; }
  }
  void ev_s3_data() {
    static const char* const names[] = {"GetObject", "GetObject", "PutObject", "HeadObject", "ListObjects"};
    rec.source = "s3.amazonaws.com"; rec.name = r.pick(names); rec.read_only = rec.name[0] == 'P' ? 0 : 1;
    rec.management = false; rec.category = "Data";
    if (r.chance(0.3)) { id_service("cloudtrail.amazonaws.com"); rec.source_ip = "cloudtrail.amazonaws.com"; rec.user_agent = "cloudtrail.amazonaws.com"; }
    else { id_any_role(); ip_client(); rec.user_agent = r.pick(kUserAgents); }
    const std::string& b = r.pick(a.buckets);
    tmp.clear();
    static const char* const dirs[] = {"data/year=2026/month=11/", "assets/img/", "exports/daily/", "tfstate/env/prod/", "logs/app/"};
    tmp += r.pick(dirs); hex(tmp, r, 12); tmp += ".json";
    auto& q = rec.request;
    q = "{\"bucketName\":\""; q += b; q += "\",\"Host\":\""; q += b; q += ".s3."; q += region; q += ".amazonaws.com\"";
    if (rec.name[0] == 'L') q += ",\"prefix\":\"data/\",\"list-type\":\"2\"";
    else { q += ",\"key\":\""; q += tmp; q += '"'; }
    q += '}';
    if (rec.name[0] == 'P') { rec.response = "{\"x-amz-server-side-encryption\":\"aws:kms\",\"x-amz-server-side-encryption-aws-kms-key-id\":\"arn:aws:kms:";
      rec.response += region; rec.response += ':'; rec.response += a.id; rec.response += ":key/"; rec.response += a.kms_keys[0]; rec.response += "\"}"; }
    rec.additional = "{\"SignatureVersion\":\"SigV4\",\"CipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"bytesTransferredIn\":";
    num(rec.additional, rec.name[0] == 'P' ? 200 + r.below(900000) : 0);
    rec.additional += ",\"AuthenticationMethod\":\"AuthHeader\",\"x-amz-id-2\":\""; b64(rec.additional, r, 76);
    rec.additional += "\",\"bytesTransferredOut\":"; num(rec.additional, rec.name[0] == 'G' ? 200 + r.below(4000000) : 0); rec.additional += '}';
    if (rec.name[0] != 'L') { resource("AWS::S3::Object", "arn:aws:s3:::" + b + "/" + tmp); rec.resources += ','; }
    else rec.resources += '[';
    rec.resources += "{\"accountId\":\""; rec.resources += a.id; rec.resources += "\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::"; rec.resources += b; rec.resources += "\"}]";
    tls("s3");
  }
  void ev_ssm() {
    static const char* const names[] = {"UpdateInstanceInformation", "UpdateInstanceInformation", "ListInstanceAssociations",
                                        "GetParameter", "GetParameters", "GetParametersByPath", "DescribeInstanceInformation"};
    rec.source = "ssm.amazonaws.com"; rec.name = r.pick(names); rec.read_only = rec.name[0] == 'U' ? 0 : 1;
    const std::string& inst = r.pick(a.instances);
    if (rec.name[0] == 'U' || rec.name[0] == 'L') {
      id_role(a.roles[1], inst, nullptr, false);
      rec.source_ip = "10.0." + std::to_string(r.below(256)) + "." + std::to_string(r.below(256));
      rec.user_agent = "aws-sdk-go/1.44.260 (go1.20.7; linux; amd64) amazon-ssm-agent/3.2.2016.0";
      if (rec.name[0] == 'U') {
        rec.request = "{\"instanceId\":\""; rec.request += inst; rec.request += "\",\"agentVersion\":\"3.2.2016.0\",\"agentName\":\"amazon-ssm-agent\",\"platformType\":\"Linux\",\"platformName\":\"Amazon Linux\",\"platformVersion\":\"2023\",\"iPAddress\":\"10.0.";
        num(rec.request, r.below(256)); rec.request += '.'; num(rec.request, r.below(256)); rec.request += "\",\"computerName\":\"ip-10-0-1-1.ec2.internal\",\"agentStatus\":\"Active\"}";
      } else { rec.request = "{\"instanceId\":\""; rec.request += inst; rec.request += "\",\"maxResults\":50}"; }
    } else {
      id_any_role(); ip_client(); rec.user_agent = r.pick(kUserAgents);
      rec.request = "{\"name\":\"/prod/"; rec.request += r.pick(a.functions); rec.request += "/config\",\"withDecryption\":true}";
    }
    tls("ssm");
  }
  void ev_lambda_logs_misc() {
    switch (r.below(6)) {
      case 0: rec.source = "lambda.amazonaws.com"; rec.name = "ListFunctions20150331"; rec.read_only = 1; rec.request = "{\"maxItems\":50}"; rec.api_version = "2015-03-31"; tls("lambda"); break;
      case 1: rec.source = "logs.amazonaws.com"; rec.name = "DescribeLogGroups"; rec.read_only = 1;
        rec.request = "{\"logGroupNamePrefix\":\"/aws/lambda/"; rec.request += r.pick(a.functions); rec.request += "\"}"; tls("logs"); break;
      case 2: rec.source = "dynamodb.amazonaws.com"; rec.name = "DescribeTable"; rec.read_only = 1;
        rec.request = "{\"tableName\":\""; rec.request += r.pick(a.tables); rec.request += "\"}"; tls("dynamodb"); break;
      case 3: rec.source = "ecr.amazonaws.com"; rec.name = "GetAuthorizationToken"; rec.read_only = 1;
        rec.request = "{\"registryIds\":[\""; rec.request += a.id; rec.request += "\"]}"; tls("api.ecr"); break;
      case 4: rec.source = "monitoring.amazonaws.com"; rec.name = "GetMetricData"; rec.read_only = 1;
        rec.request = "{\"metricDataQueries\":[{\"id\":\"m1\",\"metricStat\":{\"metric\":{\"namespace\":\"AWS/EC2\",\"metricName\":\"CPUUtilization\",\"dimensions\":[{\"name\":\"InstanceId\",\"value\":\"";
        rec.request += r.pick(a.instances); rec.request += "\"}]},\"period\":300,\"stat\":\"Average\"}}],\"startTime\":\""; iso(rec.request, t - 3600);
        rec.request += "\",\"endTime\":\""; iso(rec.request, t); rec.request += "\"}"; tls("monitoring"); break;
      default: rec.source = "config.amazonaws.com"; rec.name = "PutEvaluations"; rec.read_only = 0;
        rec.request = "{\"evaluations\":[{\"complianceResourceType\":\"AWS::EC2::SecurityGroup\",\"complianceResourceId\":\""; rec.request += r.pick(a.sgs);
        rec.request += "\",\"complianceType\":\"COMPLIANT\",\"orderingTimestamp\":\"";
        iso(rec.request, t - 60); rec.request += "\"}],\"resultToken\":\""; b64(rec.request, r, 300); rec.request += "\",\"testMode\":false}";
        tls("config");
    }
    if (rec.source[0] == 'c') { id_role(a.roles[7], "AWSConfig-Describe", "config.amazonaws.com", false); rec.source_ip = "config.amazonaws.com"; rec.user_agent = "config.amazonaws.com"; rec.tls_host.clear(); }
    else { id_any_role(); ip_client(); rec.user_agent = r.pick(kUserAgents); }
  }
  void ev_get_caller_identity() {
    rec.source = "sts.amazonaws.com"; rec.name = "GetCallerIdentity"; rec.read_only = 1; tls("sts");
    if (r.chance(0.3)) id_iam_user(r.pick(a.users), false); else id_any_role();
    ip_client(); rec.user_agent = r.pick(kUserAgents);
  }

  // ---- decoys in the mix
  void signin_common() {
    rec.source = "signin.amazonaws.com"; rec.event_type = "AwsConsoleSignIn"; rec.request_id = false; rec.read_only = 0;
    rec.source_ip = r.pick(a.ips); rec.user_agent = r.pick(kBrowsers);
    rec.tls_host = region_is_us_east_1() ? "signin.aws.amazon.com" : (region + ".signin.aws.amazon.com");
  }
  bool region_is_us_east_1() const { return region == "us-east-1"; }
  void login_additional(bool mfa, const char* mfa_arn_name) {
    rec.additional = "{\"LoginTo\":\"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_";
    hex(rec.additional, r, 16); rec.additional += "\",\"MobileVersion\":\"No\",";
    if (mfa && mfa_arn_name) { rec.additional += "\"MFAIdentifier\":\"arn:aws:iam::"; rec.additional += a.id; rec.additional += ":mfa/"; rec.additional += mfa_arn_name; rec.additional += "\","; }
    rec.additional += "\"MFAUsed\":\""; rec.additional += mfa ? "Yes" : "No"; rec.additional += "\"}";
  }
  void decoy(DecoyKind k) {
    counts.decoy_kind[k]++;
    decoyed = true;
    switch (k) {
      case DK_IAM_USER_CONSOLE_LOGIN: {
        const Principal& u = r.pick(a.users);
        signin_common(); rec.name = "ConsoleLogin";
        rec.identity = "{\"type\":\"IAMUser\",\"principalId\":\""; rec.identity += u.id; rec.identity += "\",\"arn\":\"arn:aws:iam::";
        rec.identity += a.id; rec.identity += ":user/"; rec.identity += u.name; rec.identity += "\",\"accountId\":\""; rec.identity += a.id;
        rec.identity += "\",\"userName\":\""; rec.identity += u.name; rec.identity += "\"}";
        bool ok = r.chance(0.9);
        rec.response = ok ? "{\"ConsoleLogin\":\"Success\"}" : "{\"ConsoleLogin\":\"Failure\"}";
        if (!ok) rec.error_message = "Failed authentication";
        login_additional(r.chance(0.8), (u.name + "-mfa").c_str());
        break;
      }
      case DK_SSO_CONSOLE_LOGIN: {
        const Principal& role = r.pick(a.sso_roles);
        signin_common(); rec.name = "ConsoleLogin";
        const std::string& who = r.pick(a.people);
        rec.identity = "{\"type\":\"AssumedRole\",\"principalId\":\""; rec.identity += role.id; rec.identity += ':'; rec.identity += who;
        rec.identity += "\",\"arn\":\"arn:aws:sts::"; rec.identity += a.id; rec.identity += ":assumed-role/"; rec.identity += role.name;
        rec.identity += '/'; rec.identity += who; rec.identity += "\",\"accountId\":\""; rec.identity += a.id;
        rec.identity += "\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\""; rec.identity += role.id;
        rec.identity += "\",\"arn\":\"arn:aws:iam::"; rec.identity += a.id; rec.identity += ":role/aws-reserved/sso.amazonaws.com/"; rec.identity += role.name;
        rec.identity += "\",\"accountId\":\""; rec.identity += a.id; rec.identity += "\",\"userName\":\""; rec.identity += role.name;
        rec.identity += "\"},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\""; iso(rec.identity, t);
        rec.identity += "\",\"mfaAuthenticated\":\"false\"}}}";
        rec.response = "{\"ConsoleLogin\":\"Success\"}";
        rec.additional = "{\"MobileVersion\":\"No\",\"MFAUsed\":\"No\"}";
        break;
      }
      case DK_HIDDEN_USER_LOGIN_FAIL:
        signin_common(); rec.name = "ConsoleLogin";
        rec.identity = "{\"type\":\"IAMUser\",\"principalId\":\"\",\"accountId\":\""; rec.identity += a.id;
        rec.identity += "\",\"accessKeyId\":\"\",\"userName\":\"HIDDEN_DUE_TO_SECURITY_REASONS\"}";
        rec.response = "{\"ConsoleLogin\":\"Failure\"}"; rec.error_message = "No username found in supplied account";
        login_additional(false, nullptr);
        break;
      case DK_KMS_POLICY_ROOT_ARN: {
        rec.source = "kms.amazonaws.com"; rec.name = r.chance(0.5) ? "PutKeyPolicy" : "GetKeyPolicy"; rec.read_only = rec.name[0] == 'G';
        id_any_role(); ip_client(); rec.user_agent = r.pick(kUserAgents); tls("kms");
        const std::string& key = r.pick(a.kms_keys);
        std::string policy = "{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Id\\\":\\\"key-default-1\\\",\\\"Statement\\\":[{\\\"Sid\\\":\\\"Enable IAM User Permissions\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":{\\\"AWS\\\":\\\"arn:aws:iam::" + a.id +
                             ":root\\\"},\\\"Action\\\":\\\"kms:*\\\",\\\"Resource\\\":\\\"*\\\"},{\\\"Sid\\\":\\\"Allow CloudTrail\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":{\\\"Service\\\":\\\"cloudtrail.amazonaws.com\\\"},\\\"Action\\\":\\\"kms:GenerateDataKey*\\\",\\\"Resource\\\":\\\"*\\\"}]}";
        rec.request = "{\"keyId\":\"" + key + "\",\"policyName\":\"default\"";
        if (rec.name[0] == 'P') { rec.request += ",\"policy\":\""; rec.request += policy; rec.request += "\",\"bypassPolicyLockoutSafetyCheck\":false"; }
        rec.request += '}';
        resource("AWS::KMS::Key", "arn:aws:kms:" + region + ":" + a.id + ":key/" + key); rec.resources += ']';
        break;
      }
      case DK_ORG_LIST_PARENTS_ROOT:
        rec.source = "organizations.amazonaws.com"; rec.name = "ListParents"; rec.read_only = 1; id_any_role(); ip_client();
        rec.user_agent = r.pick(kUserAgents); tls("organizations", true);
        rec.request = "{\"childId\":\""; rec.request += a.id; rec.request += "\"}";
        rec.response = "{\"parents\":[{\"id\":\"r-"; hex(rec.response, r, 4); rec.response += "\",\"type\":\"ROOT\"}]}";
        break;
      case DK_ORG_LIST_ROOTS:
        rec.source = "organizations.amazonaws.com"; rec.name = "ListRoots"; rec.read_only = 1; id_any_role(); ip_client();
        rec.user_agent = r.pick(kUserAgents); tls("organizations", true);
        rec.response = "{\"roots\":[{\"id\":\"r-"; hex(rec.response, r, 4); rec.response += "\",\"arn\":\"arn:aws:organizations::";
        rec.response += a.id; rec.response += ":root/"; rec.response += opt.org.empty() ? "o-a1b2c3d4e5" : opt.org;
        rec.response += "/r-ab12\",\"name\":\"Root\",\"policyTypes\":[{\"type\":\"SERVICE_CONTROL_POLICY\",\"status\":\"ENABLED\"}]}]}";
        break;
      case DK_S3_KEY_ROOT: {
        ev_s3_data();
        std::string::size_type p = rec.request.find("\"key\":\"");
        if (p != std::string::npos) rec.request.insert(p + 7, "home/root/.ssh/");
        break;
      }
      case DK_USER_NAMED_ROOT:
        rec.source = "sts.amazonaws.com"; rec.name = "GetCallerIdentity"; rec.read_only = 1; tls("sts");
        id_iam_user(a.users[5], false); ip_client(); rec.user_agent = kUserAgents[0];
        break;
      case DK_SERVICE_EVENT:
        rec.event_type = "AwsServiceEvent"; rec.request_id = r.chance(0.5); rec.read_only = 0;
        rec.identity = "{\"accountId\":\""; rec.identity += a.id; rec.identity += "\",\"invokedBy\":\"AWS Internal\"}";
        rec.source_ip = "AWS Internal"; rec.user_agent = "AWS Internal";
        if (r.chance(0.5)) { rec.source = "kms.amazonaws.com"; rec.name = "RotateKey";
          rec.additional = "{\"keyId\":\"arn:aws:kms:"; rec.additional += region; rec.additional += ':'; rec.additional += a.id; rec.additional += ":key/";
          rec.additional += r.pick(a.kms_keys); rec.additional += "\"}"; }
        else { rec.source = "ec2.amazonaws.com"; rec.name = "SharedSnapshotCopyInitiated";
          rec.additional = "{\"snapshotId\":\"snap-0"; hex(rec.additional, r, 16); rec.additional += "\",\"sourceAccount\":\"root-backup-vault\"}"; }
        break;
      case DK_END: break;
    }
  }

  // ---- root events
  void root_event(int k) {
    counts.root_kind[k]++;
    rec.source_ip = r.pick(a.ips);
    const bool console = r.chance(0.5);
    auto console_api = [&] {
      id_root('S'); rec.user_agent = "console.amazonaws.com"; rec.console = true; rec.source_ip = r.pick(a.ips);
    };
    switch (k) {
      case RK_LOGIN_MFA: case RK_LOGIN_NOMFA: case RK_LOGIN_FAIL: case RK_LOGIN_MFA_FAIL: {
        signin_common(); rec.name = "ConsoleLogin"; id_root('C');
        bool ok = k == RK_LOGIN_MFA || k == RK_LOGIN_NOMFA;
        bool mfa = k == RK_LOGIN_MFA || k == RK_LOGIN_MFA_FAIL;
        rec.response = ok ? "{\"ConsoleLogin\":\"Success\"}" : "{\"ConsoleLogin\":\"Failure\"}";
        if (!ok) rec.error_message = "Failed authentication";
        login_additional(mfa, "root-account-mfa-device");
        if (mfa && r.chance(0.3)) { std::string::size_type p = rec.additional.find("\"Yes\""); if (p != std::string::npos) rec.additional.replace(p, 5, "\"YES\""); }
        break;
      }
      case RK_PW_RECOVERY_REQ: case RK_PW_RECOVERY_DONE:
        signin_common(); rec.name = k == RK_PW_RECOVERY_REQ ? "PasswordRecoveryRequested" : "PasswordRecoveryCompleted"; id_root('C');
        rec.response = "{\""; rec.response += rec.name; rec.response += "\":\"Success\"}";
        break;
      case RK_PW_UPDATED:
        signin_common(); rec.name = "PasswordUpdated"; id_root('C'); rec.response = "{\"PasswordUpdated\":\"Success\"}";
        break;
      case RK_CREATE_KEY:
        rec.source = "iam.amazonaws.com"; rec.name = "CreateAccessKey"; rec.read_only = 0; tls("iam", true); console_api();
        rec.response = "{\"accessKey\":{\"userName\":\""; rec.response += a.alias; rec.response += "\",\"accessKeyId\":\"AKIA"; upper(rec.response, r, 16);
        rec.response += "\",\"status\":\"Active\",\"createDate\":\""; aws_date(rec.response, t);
        rec.response += "\"}}";
        break;
      case RK_MFA_DEACTIVATE: case RK_MFA_DELETE_VIRTUAL: case RK_MFA_ENABLE: case RK_MFA_CREATE_VIRTUAL: case RK_LOGIN_PROFILE_ASSUMEDROOT: {
        rec.source = "iam.amazonaws.com"; rec.read_only = 0; tls("iam", true);
        static const char* const names[] = {"DeactivateMFADevice", "DeleteVirtualMFADevice", "EnableMFADevice", "CreateVirtualMFADevice", "CreateLoginProfile"};
        rec.name = names[k - RK_MFA_DEACTIVATE];
        if (k == RK_LOGIN_PROFILE_ASSUMEDROOT) {
          id_root('S', true); rec.user_agent = kUserAgents[0]; rec.source_ip = r.pick(a.ips);
          rec.request = "{\"passwordResetRequired\":true}";
          rec.response = "{\"loginProfile\":{\"createDate\":\""; aws_date(rec.response, t); rec.response += "\",\"passwordResetRequired\":true}}";
        } else {
          console_api();
          if (k == RK_MFA_CREATE_VIRTUAL) rec.request = "{\"virtualMFADeviceName\":\"root-account-mfa-device\",\"path\":\"/\"}";
          else if (k == RK_MFA_DELETE_VIRTUAL) { rec.request = "{\"serialNumber\":\"arn:aws:iam::"; rec.request += a.id; rec.request += ":mfa/root-account-mfa-device\"}"; }
          else { rec.request = "{\"userName\":\"AWS ROOT USER\",\"serialNumber\":\"arn:aws:iam::"; rec.request += a.id; rec.request += ":mfa/root-account-mfa-device\"}"; }
        }
        break;
      }
      case RK_EMAIL_UPDATED:
        rec.source = "iam.amazonaws.com"; rec.name = "EmailUpdated"; rec.event_type = "AwsConsoleAction"; rec.read_only = 0; rec.request_id = false;
        console_api(); rec.user_agent = r.pick(kBrowsers); rec.request = "null"; rec.response = "{\"EmailUpdated\":\"Success\"}";
        break;
      case RK_PUT_CONTACT:
        rec.source = "account.amazonaws.com"; rec.name = "PutContactInformation"; rec.read_only = 0; tls("account", true); console_api();
        rec.request = "{\"contactInformation\":{\"addressLine1\":\"HIDDEN_DUE_TO_SECURITY_REASONS\",\"city\":\"HIDDEN_DUE_TO_SECURITY_REASONS\",\"countryCode\":\"US\",\"fullName\":\"HIDDEN_DUE_TO_SECURITY_REASONS\",\"phoneNumber\":\"HIDDEN_DUE_TO_SECURITY_REASONS\",\"postalCode\":\"HIDDEN_DUE_TO_SECURITY_REASONS\"}}";
        break;
      case RK_GET_SESSION_TOKEN: case RK_GET_FEDERATION_TOKEN:
        rec.source = "sts.amazonaws.com"; rec.read_only = 1; tls("sts"); id_root('L'); rec.user_agent = kUserAgents[0];
        if (k == RK_GET_SESSION_TOKEN) { rec.name = "GetSessionToken"; rec.request = "{\"durationSeconds\":3600}"; }
        else { rec.name = "GetFederationToken"; rec.request = "{\"name\":\"breakglass\",\"durationSeconds\":3600}"; }
        rec.response = "{\"credentials\":{\"accessKeyId\":\"ASIA"; upper(rec.response, r, 16); rec.response += "\",\"sessionToken\":\"FwoGZXIvYXdzE";
        b64(rec.response, r, 400); rec.response += "\",\"expiration\":\""; aws_date(rec.response, t + 3600); rec.response += "\"}}";
        break;
      case RK_CREDENTIAL_CHALLENGE:
        signin_common(); rec.event_type = "AwsServiceEvent"; rec.name = r.chance(0.5) ? "CredentialChallenge" : "CredentialVerification";
        id_root('C'); rec.request = "null"; rec.response = "null";
        rec.additional.clear();
        rec.additional = "{\"CredentialType\":\"PASSWORD\"}";
        break;
      case RK_CONSOLE_IAM_READ:
        rec.source = "iam.amazonaws.com"; rec.name = r.chance(0.5) ? "GetAccountSummary" : "ListMFADevices"; rec.read_only = 1; tls("iam", true); console_api();
        break;
      case RK_CREATE_SLR:
        rec.source = "iam.amazonaws.com"; rec.name = "CreateServiceLinkedRole"; rec.read_only = 0; id_root('S');
        rec.identity.pop_back(); rec.identity += ",\"invokedBy\":\"guardduty.amazonaws.com\"}";
        rec.source_ip = "guardduty.amazonaws.com"; rec.user_agent = "guardduty.amazonaws.com";
        rec.request = "{\"aWSServiceName\":\"guardduty.amazonaws.com\"}";
        break;
      case RK_LONG_TERM_KEY_S3:
        rec.source = "s3.amazonaws.com"; rec.name = "ListBuckets"; rec.read_only = 1; id_root('L'); rec.user_agent = kUserAgents[1]; tls("s3");
        rec.request = "{\"Host\":\"s3.amazonaws.com\"}";
        break;
      case RK_STOP_LOGGING: case RK_DELETE_TRAIL: case RK_UPDATE_TRAIL:
        rec.source = "cloudtrail.amazonaws.com"; rec.read_only = 0; tls("cloudtrail");
        if (console) console_api(); else { id_root('L'); rec.user_agent = kUserAgents[0]; }
        rec.name = k == RK_STOP_LOGGING ? "StopLogging" : k == RK_DELETE_TRAIL ? "DeleteTrail" : "UpdateTrail";
        rec.request = "{\"name\":\"arn:aws:cloudtrail:"; rec.request += region; rec.request += ':'; rec.request += a.id;
        rec.request += ":trail/org-trail\"";
        if (k == RK_UPDATE_TRAIL) rec.request += ",\"isMultiRegionTrail\":false,\"includeGlobalServiceEvents\":false";
        rec.request += '}';
        if (k == RK_UPDATE_TRAIL) { rec.response = "{\"name\":\"org-trail\",\"s3BucketName\":\""; rec.response += a.buckets[3];
          rec.response += "\",\"includeGlobalServiceEvents\":false,\"isMultiRegionTrail\":false,\"trailARN\":\"arn:aws:cloudtrail:"; rec.response += region;
          rec.response += ':'; rec.response += a.id; rec.response += ":trail/org-trail\",\"logFileValidationEnabled\":true,\"isOrganizationTrail\":false}"; }
        break;
      case RK_PUT_EVENT_SELECTORS:
        rec.source = "cloudtrail.amazonaws.com"; rec.name = "PutEventSelectors"; rec.read_only = 0; tls("cloudtrail"); console_api();
        rec.request = "{\"trailName\":\"org-trail\",\"eventSelectors\":[{\"readWriteType\":\"WriteOnly\",\"includeManagementEvents\":false,\"dataResources\":[],\"excludeManagementEventSources\":[]}]}";
        break;
      case RK_CONSOLE_EC2_READ:
        ev_ec2_describe(); console_api(); rec.version = "1.09";
        break;
      case RK_ASSUMEDROOT_DELETE_BUCKET_POLICY:
        rec.source = "s3.amazonaws.com"; rec.name = "DeleteBucketPolicy"; rec.read_only = 0; id_root('S', true); rec.user_agent = kUserAgents[0]; tls("s3");
        rec.request = "{\"bucketName\":\""; rec.request += a.buckets[1]; rec.request += "\",\"Host\":\""; rec.request += a.buckets[1]; rec.request += ".s3.amazonaws.com\",\"policy\":\"\"}";
        resource("AWS::S3::Bucket", "arn:aws:s3:::" + a.buckets[1]); rec.resources += ']';
        break;
      case RK_DELETE_DETECTOR:
        rec.source = "guardduty.amazonaws.com"; rec.name = "DeleteDetector"; rec.read_only = 0; tls("guardduty"); console_api();
        rec.request = "{\"detectorId\":\""; hex(rec.request, r, 32); rec.request += "\"}";
        break;
      case RK_STOP_RECORDER:
        rec.source = "config.amazonaws.com"; rec.name = "StopConfigurationRecorder"; rec.read_only = 0; tls("config"); console_api();
        rec.request = "{\"configurationRecorderName\":\"default\"}";
        break;
      case RK_FAILED_CALL:
        rec.source = "ec2.amazonaws.com"; rec.name = "TerminateInstances"; rec.read_only = 0; tls("ec2"); id_root('L'); rec.user_agent = kUserAgents[3];
        rec.request = "{\"instancesSet\":{\"items\":[{\"instanceId\":\""; rec.request += r.pick(a.instances); rec.request += "\"}]}}";
        rec.error_code = "Client.UnauthorizedOperation";
        rec.error_message = "You are not authorized to perform this operation. User: arn:aws:iam::" + a.id + ":root is not authorized to perform: ec2:TerminateInstances with an explicit deny in a service control policy";
        break;
      default: break;
    }
  }

  void adjacent_event(int k) {
    counts.adj_kind[k]++;
    switch (k) {
      case AK_ASSUME_ROOT: {
        rec.source = "sts.amazonaws.com"; rec.name = "AssumeRoot"; rec.read_only = 1; rec.version = "1.10";
        id_role(a.sso_roles[0], a.people[0], nullptr, true); rec.source_ip = r.pick(a.ips); rec.user_agent = kUserAgents[1]; tls("sts");
        std::string target = std::to_string(100000000000ull + r.below(1u << 31));
        rec.request = "{\"targetPrincipal\":\"" + target + "\",\"taskPolicyArn\":{\"arn\":\"arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy\"},\"durationSeconds\":900}";
        rec.response = "{\"credentials\":{\"accessKeyId\":\"ASIA"; upper(rec.response, r, 16); rec.response += "\",\"sessionToken\":\"IQoJb3JpZ2luX2Vj";
        b64(rec.response, r, 500); rec.response += "\",\"expiration\":\""; aws_date(rec.response, t + 900);
        rec.response += "\"},\"sourceIdentity\":\"\"}";
        break;
      }
      case AK_FEDERATED_FROM_ROOT:
        rec.source = "s3.amazonaws.com"; rec.name = "ListBuckets"; rec.read_only = 1; tls("s3"); rec.source_ip = r.pick(a.ips); rec.user_agent = kUserAgents[0];
        rec.identity = "{\"type\":\"FederatedUser\",\"principalId\":\"" + a.id + ":breakglass\",\"arn\":\"arn:aws:sts::" + a.id +
                       ":federated-user/breakglass\",\"accountId\":\"" + a.id + "\",\"accessKeyId\":\"ASIA";
        upper(rec.identity, r, 16);
        rec.identity += "\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Root\",\"principalId\":\"" + a.id + "\",\"arn\":\"arn:aws:iam::" + a.id +
                        ":root\",\"accountId\":\"" + a.id + "\",\"userName\":\"" + a.alias + "\"},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"";
        iso(rec.identity, t - 300); rec.identity += "\",\"mfaAuthenticated\":\"false\"}}}";
        rec.request = "{\"Host\":\"s3.amazonaws.com\"}";
        break;
      case AK_STOP_LOGGING_ROLE:
        rec.source = "cloudtrail.amazonaws.com"; rec.name = "StopLogging"; rec.read_only = 0; tls("cloudtrail"); id_any_role(); ip_client(); rec.user_agent = kUserAgents[2];
        rec.request = "{\"name\":\"org-trail\"}";
        if (r.chance(0.5)) { rec.error_code = "AccessDenied"; rec.error_message = "User is not authorized to perform: cloudtrail:StopLogging"; }
        break;
      case AK_DELETE_DETECTOR_ROLE:
        rec.source = "guardduty.amazonaws.com"; rec.name = "UpdateDetector"; rec.read_only = 0; tls("guardduty"); id_any_role(); ip_client(); rec.user_agent = kUserAgents[2];
        rec.request = "{\"detectorId\":\""; hex(rec.request, r, 32); rec.request += "\",\"enable\":false}";
        break;
      case AK_DISABLE_ROOT_SESSIONS:
        rec.source = "iam.amazonaws.com"; rec.name = "DisableOrganizationsRootSessions"; rec.read_only = 0; rec.version = "1.10"; tls("iam", true);
        id_role(a.sso_roles[0], a.people[1], nullptr, true); rec.source_ip = r.pick(a.ips); rec.user_agent = kUserAgents[1];
        rec.response = "{\"organizationId\":\"" + (opt.org.empty() ? std::string("o-a1b2c3d4e5") : opt.org) + "\",\"enabledFeatures\":[\"RootCredentialsManagement\"]}";
        break;
      case AK_PUT_ALTERNATE_CONTACT:
        rec.source = "account.amazonaws.com"; rec.name = "PutAlternateContact"; rec.read_only = 0; tls("account", true);
        id_role(a.sso_roles[0], a.people[2], nullptr, true); rec.source_ip = r.pick(a.ips); rec.user_agent = "console.amazonaws.com"; rec.console = true;
        rec.request = "{\"alternateContactType\":\"SECURITY\",\"emailAddress\":\"HIDDEN_DUE_TO_SECURITY_REASONS\",\"name\":\"HIDDEN_DUE_TO_SECURITY_REASONS\",\"phoneNumber\":\"HIDDEN_DUE_TO_SECURITY_REASONS\",\"title\":\"HIDDEN_DUE_TO_SECURITY_REASONS\"}";
        break;
      case AK_DELETE_METRIC_FILTER:
        rec.source = "logs.amazonaws.com"; rec.name = "DeleteMetricFilter"; rec.read_only = 0; tls("logs"); id_any_role(); ip_client(); rec.user_agent = kUserAgents[5];
        rec.request = "{\"logGroupName\":\"aws-cloudtrail-logs-org\",\"filterName\":\"RootAccountUsage\"}";
        break;
      default: break;
    }
  }

  void ordinary() {
    const double u = r.unit();
    if (u < opt.s3_data) { ev_s3_data(); return; }
    const double v = (u - opt.s3_data) / (1.0 - opt.s3_data);  // the rest of the mix, management events
    if (v < 0.25) ev_ec2_describe();
    else if (v < 0.30) ev_ec2_write();
    else if (v < 0.38) ev_assume_role_by_service();
    else if (v < 0.405) ev_assume_role_by_role();
    else if (v < 0.42) ev_federation();
    else if (v < 0.57) ev_kms();
    else if (v < 0.66) ev_iam_read();
    else if (v < 0.72) ev_s3_mgmt();
    else if (v < 0.84) ev_ssm();
    else if (v < 0.94) ev_lambda_logs_misc();
    else if (v < 0.985) ev_get_caller_identity();
    else decoy(static_cast<DecoyKind>(r.below(DK_END)));  // 1.5% of management events look root-ish
  }

  // ---- serialisation, in CloudTrail's key order
  void write(std::string& o) {
    o += "{\"eventVersion\":\""; o += rec.version; o += "\",\"userIdentity\":"; o += rec.identity;
    o += ",\"eventTime\":\""; iso(o, t); o += "\",\"eventSource\":\""; o += rec.source; o += "\",\"eventName\":\""; o += rec.name;
    o += "\",\"awsRegion\":\""; o += region; o += "\",\"sourceIPAddress\":\""; o += rec.source_ip; o += "\",\"userAgent\":\"";
    o += rec.user_agent; o += '"';
    if (!rec.error_code.empty()) { o += ",\"errorCode\":\""; o += rec.error_code; o += '"'; }
    if (!rec.error_message.empty()) { o += ",\"errorMessage\":\""; o += rec.error_message; o += '"'; }
    o += ",\"requestParameters\":"; o += rec.request; o += ",\"responseElements\":"; o += rec.response;
    if (!rec.additional.empty()) { o += ",\"additionalEventData\":"; o += rec.additional; }
    if (rec.request_id) { o += ",\"requestID\":\""; uuid(o, r); o += '"'; }
    o += ",\"eventID\":\""; uuid(o, r); o += '"';
    if (rec.read_only >= 0) { o += ",\"readOnly\":"; o += rec.read_only ? "true" : "false"; }
    if (!rec.resources.empty()) { o += ",\"resources\":"; o += rec.resources; }
    o += ",\"eventType\":\""; o += rec.event_type; o += '"';
    if (rec.api_version) { o += ",\"apiVersion\":\""; o += rec.api_version; o += '"'; }
    o += ",\"managementEvent\":"; o += rec.management ? "true" : "false";
    o += ",\"recipientAccountId\":\""; o += a.id; o += '"';
    if (rec.shared_event_id) { o += ",\"sharedEventID\":\""; uuid(o, r); o += '"'; }
    o += ",\"eventCategory\":\""; o += rec.category; o += '"';
    if (!rec.tls_host.empty()) {
      o += ",\"tlsDetails\":{\"tlsVersion\":\""; o += r.chance(0.7) ? "TLSv1.3" : "TLSv1.2"; o += "\",\"cipherSuite\":\"";
      o += r.pick(kCiphers); o += "\",\"clientProvidedHostHeader\":\""; o += rec.tls_host; o += "\"}";
    }
    if (rec.console) o += ",\"sessionCredentialFromConsole\":\"true\"";
    o += '}';
  }

  void begin() {
    rec.reset();
    decoyed = false;
    static const char* const versions[] = {"1.08", "1.08", "1.09", "1.09", "1.10"};
    rec.version = r.pick(versions);
  }
};

// ---------------------------------------------------------------- planning
constexpr double kAvgRecord = 1550;  // bytes, an estimate used only to place injected events

std::string file_key(const Options& opt, const Account& a, const std::string& region, std::int64_t t, Rng& r) {
  Civil c = civil(t);
  char date[32], stamp[32];
  std::snprintf(date, sizeof date, "%04d/%02u/%02u", c.y, c.m, c.d);
  std::snprintf(stamp, sizeof stamp, "%04d%02u%02uT%02u%02uZ", c.y, c.m, c.d, c.hh, c.mm);
  std::string k = "AWSLogs/";
  if (!opt.org.empty()) { k += opt.org; k += '/'; }
  k += a.id; k += "/CloudTrail/"; k += region; k += '/'; k += date; k += '/';
  k += a.id; k += "_CloudTrail_"; k += region; k += '_'; k += stamp; k += '_'; alnum(k, r, 16); k += ".json.gz";
  return k;
}

std::vector<FilePlan> plan(const Options& opt, const std::vector<Account>& accts, std::int64_t start) {
  Rng r(opt.seed ^ 0x5EEDF11E5ull);
  std::vector<FilePlan> files;
  const double total = opt.size_mb * 1e6;
  double sum = 0;
  // Region weights: us-east-1 carries the global-service events, so it is the busiest.
  std::vector<double> w;
  for (const auto& reg : opt.regions) w.push_back(reg == "us-east-1" ? 3.0 : 1.0);
  double wsum = 0;
  for (double x : w) wsum += x;
  while (sum < total) {
    FilePlan f;
    const double u = r.unit();
    double size;
    if (u < 0.05) size = 1500 + r.unit() * 8000;                                  // quiet windows: a few records
    else if (u < 0.97) size = std::exp(std::log(10e3) + r.unit() * std::log(500.0));  // 10 KB .. 5 MB, log-uniform
    else size = std::exp(std::log(5e6) + r.unit() * std::log(6.0));                  // 5 .. 30 MB, busy accounts
    f.target = static_cast<std::uint64_t>(size);
    f.account = static_cast<int>(r.below(static_cast<std::uint32_t>(accts.size())));
    double x = r.unit() * wsum;
    std::size_t ri = 0;
    while (ri + 1 < w.size() && x >= w[ri]) { x -= w[ri]; ++ri; }
    f.region = opt.regions[ri];
    f.time = start + static_cast<std::int64_t>(r.below(static_cast<std::uint32_t>(opt.days * 288))) * 300 + 300;
    files.push_back(std::move(f));
    sum += size;
  }
  // Injected events: expected count per file, then cycle the kinds over the slots so every kind appears.
  auto slots = [&](double rate, auto member) {
    std::uint64_t n = 0;
    for (auto& f : files) {
      const double e = static_cast<double>(f.target) / kAvgRecord * rate;
      std::uint64_t k = static_cast<std::uint64_t>(e);
      if (r.chance(e - static_cast<double>(k))) ++k;
      (f.*member).assign(k, -1);
      n += k;
    }
    return n;
  };
  std::vector<std::size_t> east;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (files[i].region == "us-east-1") east.push_back(i);
  if (opt.root_rate > 0) {
    slots(opt.root_rate, &FilePlan::root_kinds);
    // At least one slot per global kind in us-east-1 files (or anywhere if there is none), and per regional kind.
    std::vector<std::size_t> gl = east;
    if (gl.empty()) for (std::size_t i = 0; i < files.size(); ++i) gl.push_back(i);
    std::uint64_t have_east = 0, have_all = 0;
    for (auto i : gl) have_east += files[i].root_kinds.size();
    for (auto& f : files) have_all += f.root_kinds.size();
    for (std::uint64_t i = have_east; i < RK_GLOBAL_END + 1; ++i) files[gl[i % gl.size()]].root_kinds.push_back(-1), ++have_all;
    for (std::uint64_t i = have_all; i < RK_END + 1; ++i) files[i % files.size()].root_kinds.push_back(-1);
    int gk = 0, rk = RK_GLOBAL_END;
    for (auto& f : files)
      for (auto& k : f.root_kinds) {
        if (f.region == "us-east-1" || east.empty()) { k = gk; gk = (gk + 1) % RK_END; }
        else { k = rk; rk = rk + 1 == RK_END ? RK_GLOBAL_END : rk + 1; }
      }
  }
  if (opt.adjacent_rate > 0) {
    slots(opt.adjacent_rate, &FilePlan::adj_kinds);
    std::uint64_t have = 0;
    for (auto& f : files) have += f.adj_kinds.size();
    for (std::uint64_t i = have; i < AK_END; ++i) files[i % files.size()].adj_kinds.push_back(-1);
    int ak = 0;
    for (auto& f : files)
      for (auto& k : f.adj_kinds) { k = ak; ak = (ak + 1) % AK_END; }
  }
  for (auto& f : files) f.key = file_key(opt, accts[static_cast<std::size_t>(f.account)], f.region, f.time, r);
  // A stable order on disk: by key (the name holds account, region and time).
  std::sort(files.begin(), files.end(), [](const FilePlan& a, const FilePlan& b) { return a.key < b.key; });
  return files;
}

// ---------------------------------------------------------------- one file
bool write_file(const Options& opt, const Account& a, const FilePlan& f, std::uint64_t seed, Counts& counts,
                libdeflate_compressor* comp, std::string& json, std::vector<char>& gz) {
  Gen g(seed, a, opt, f.region);
  json.clear();
  json.reserve(f.target + 64 * 1024);
  json += "{\"Records\":[";
  // Where the injected events go: byte offsets, in order.
  struct Slot { std::uint64_t at; bool root; int kind; };
  std::vector<Slot> slots;
  for (int k : f.root_kinds) slots.push_back({static_cast<std::uint64_t>(g.r.unit() * static_cast<double>(f.target)), true, k});
  for (int k : f.adj_kinds) slots.push_back({static_cast<std::uint64_t>(g.r.unit() * static_cast<double>(f.target)), false, k});
  std::sort(slots.begin(), slots.end(), [](const Slot& x, const Slot& y) { return x.at < y.at; });
  std::size_t next = 0;
  // Event times: spread over the 5 minutes before delivery (a few stragglers up to 15 minutes), rising.
  const double step = 300.0 / std::max(1.0, static_cast<double>(f.target) / kAvgRecord);
  double clock = 0;
  bool first = true, repeatable = false;
  while (json.size() < f.target || next < slots.size()) {
    if (!first) json += ',';
    first = false;
    clock += step;
    const std::int64_t t = f.time - 300 + static_cast<std::int64_t>(clock);
    g.t = std::min<std::int64_t>(f.time, g.r.chance(0.02) ? t - static_cast<std::int64_t>(g.r.below(600)) : t);
    const bool injected = next < slots.size() && json.size() >= slots[next].at;
    // Callers repeat themselves (polling, pagination, retries): often the same principal makes the
    // same call again, and only the time and the ids change.
    if (!injected && repeatable && g.r.chance(0.3)) {
      g.write(json);
      g.counts.records++;
      continue;
    }
    g.begin();
    repeatable = false;
    if (injected) {
      const Slot& s = slots[next++];
      if (s.root) {
        g.root_event(s.kind);
        g.counts.root++;
        if (std::strcmp(g.rec.event_type, "AwsServiceEvent") != 0) g.counts.root_not_service_event++;
      } else {
        g.adjacent_event(s.kind);
      }
    } else {
      g.ordinary();
      repeatable = !g.decoyed;  // a repeated decoy would go uncounted
    }
    g.write(json);
    g.counts.records++;
  }
  json += "]}";
  g.counts.bytes = json.size();
  gz.resize(libdeflate_gzip_compress_bound(comp, json.size()));
  const std::size_t n = libdeflate_gzip_compress(comp, json.data(), json.size(), gz.data(), gz.size());
  if (n == 0) { std::fprintf(stderr, "ctgen: compression failed for %s\n", f.key.c_str()); return false; }
  g.counts.gz_bytes = n;
  const fs::path p = fs::path(opt.out) / f.key;
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) { std::fprintf(stderr, "ctgen: cannot create %s: %s\n", p.parent_path().c_str(), ec.message().c_str()); return false; }
  const std::string tmp = p.string() + ".tmp";
  FILE* fp = std::fopen(tmp.c_str(), "wb");
  if (!fp) { std::fprintf(stderr, "ctgen: cannot write %s: %s\n", tmp.c_str(), std::strerror(errno)); return false; }
  const bool ok = std::fwrite(gz.data(), 1, n, fp) == n;
  if (std::fclose(fp) != 0 || !ok) { std::fprintf(stderr, "ctgen: cannot write %s\n", tmp.c_str()); return false; }
  fs::rename(tmp, p, ec);
  if (ec) { std::fprintf(stderr, "ctgen: cannot rename %s: %s\n", tmp.c_str(), ec.message().c_str()); return false; }
  counts = g.counts;
  return true;
}

// ---------------------------------------------------------------- manifest
void json_counts(std::string& o, const char* const* names, const std::uint64_t* v, int n) {
  o += '{';
  for (int i = 0; i < n; ++i) {
    if (i) o += ',';
    o += "\n    \""; o += names[i]; o += "\": "; num(o, v[i]);
  }
  o += "\n  }";
}

std::string manifest(const Options& opt, const std::vector<Account>& accts, std::size_t nfiles, const Counts& c) {
  std::string o = "{\n  \"generator\": \"ctgen 1\",\n  \"params\": {\"size_mb\": ";
  num(o, static_cast<std::uint64_t>(opt.size_mb));
  o += ", \"accounts\": "; num(o, static_cast<std::uint64_t>(opt.accounts));
  o += ", \"regions\": \"";
  for (std::size_t i = 0; i < opt.regions.size(); ++i) { if (i) o += ','; o += opt.regions[i]; }
  char b[256];
  std::snprintf(b, sizeof b, "\", \"days\": %d, \"start\": \"%s\", \"root_rate\": %g, \"adjacent_rate\": %g, \"s3_data\": %g, \"org\": \"%s\", \"seed\": %llu, \"level\": %d},\n",
                opt.days, opt.start.c_str(), opt.root_rate, opt.adjacent_rate, opt.s3_data, opt.org.c_str(),
                static_cast<unsigned long long>(opt.seed), opt.level);
  o += b;
  o += "  \"account_ids\": [";
  for (std::size_t i = 0; i < accts.size(); ++i) { if (i) o += ", "; o += '"'; o += accts[i].id; o += '"'; }
  o += "],\n  \"files\": "; num(o, nfiles);
  o += ",\n  \"bytes_uncompressed\": "; num(o, c.bytes);
  o += ",\n  \"bytes_compressed\": "; num(o, c.gz_bytes);
  o += ",\n  \"records\": "; num(o, c.records);
  o += ",\n  \"root_records\": "; num(o, c.root);
  o += ",\n  \"root_records_not_service_event\": "; num(o, c.root_not_service_event);
  o += ",\n  \"root_by_kind\": "; json_counts(o, kRootKindNames, c.root_kind, RK_END);
  o += ",\n  \"adjacent_by_kind\": "; json_counts(o, kAdjKindNames, c.adj_kind, AK_END);
  o += ",\n  \"decoys_by_kind\": "; json_counts(o, kDecoyKindNames, c.decoy_kind, DK_END);
  o += "\n}\n";
  return o;
}

void usage(FILE* to) {
  std::fputs(
      "usage: ctgen --out DIR [options]\n"
      "Writes a synthetic CloudTrail S3-delivery corpus (gzip'd {\"Records\":[...]} files) and DIR/manifest.json.\n"
      "  --size MB            total uncompressed size, in MB (10^6 bytes)      [512]\n"
      "  --accounts N         number of AWS accounts                           [6]\n"
      "  --regions A,B,...    regions (us-east-1 gets the global events)       [us-east-1,us-west-2,eu-west-1,eu-central-1,ap-southeast-2]\n"
      "  --days N             days covered, from --start                        [3]\n"
      "  --start YYYY-MM-DD   first day                                        [2026-11-01]\n"
      "  --root-rate F        share of records with userIdentity.type Root     [0.0005]\n"
      "  --adjacent-rate F    share of non-root events rules care about         [0.0005]\n"
      "  --s3-data F          share of S3 data events (0: management only)      [0.10]\n"
      "  --org ID             organization trail prefix (\"\" for none)           [o-a1b2c3d4e5]\n"
      "  --seed N             seed: the same options give the same bytes       [1]\n"
      "  --level N            gzip level (libdeflate, 1-12)                     [6]\n"
      "  -j N                 threads (does not change the output)             [2]\n",
      to);
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") { usage(stdout); std::exit(0); }
    if (a.size() > 2 && a.substr(0, 2) == "-j") {  // -jN
      char* e = nullptr;
      o.jobs = static_cast<int>(std::strtol(argv[i] + 2, &e, 10));
      if (*e != 0 || o.jobs <= 0 || o.jobs > 256) { std::fprintf(stderr, "ctgen: bad value for -j: '%s'\n", argv[i] + 2); return false; }
      continue;
    }
    if (i + 1 >= argc) { std::fprintf(stderr, "ctgen: %s needs a value\n", argv[i]); return false; }
    const char* v = argv[++i];
    char* end = nullptr;
    errno = 0;
    auto need = [&](bool ok) { if (!ok || errno) std::fprintf(stderr, "ctgen: bad value for %s: '%s'\n", argv[i - 1], v); return ok && !errno; };
    if (a == "--out") o.out = v;
    else if (a == "--size") { o.size_mb = std::strtod(v, &end); if (!need(*end == 0 && o.size_mb > 0)) return false; }
    else if (a == "--accounts") { o.accounts = static_cast<int>(std::strtol(v, &end, 10)); if (!need(*end == 0 && o.accounts > 0 && o.accounts <= 10000)) return false; }
    else if (a == "--days") { o.days = static_cast<int>(std::strtol(v, &end, 10)); if (!need(*end == 0 && o.days > 0 && o.days <= 3650)) return false; }
    else if (a == "--start") o.start = v;
    else if (a == "--root-rate") { o.root_rate = std::strtod(v, &end); if (!need(*end == 0 && o.root_rate >= 0 && o.root_rate <= 1)) return false; }
    else if (a == "--adjacent-rate") { o.adjacent_rate = std::strtod(v, &end); if (!need(*end == 0 && o.adjacent_rate >= 0 && o.adjacent_rate <= 1)) return false; }
    else if (a == "--s3-data") { o.s3_data = std::strtod(v, &end); if (!need(*end == 0 && o.s3_data >= 0 && o.s3_data < 1)) return false; }
    else if (a == "--org") o.org = v;
    else if (a == "--seed") { o.seed = std::strtoull(v, &end, 10); if (!need(*end == 0)) return false; }
    else if (a == "--level") { o.level = static_cast<int>(std::strtol(v, &end, 10)); if (!need(*end == 0 && o.level >= 1 && o.level <= 12)) return false; }
    else if (a == "-j" || a == "--jobs") { o.jobs = static_cast<int>(std::strtol(v, &end, 10)); if (!need(*end == 0 && o.jobs > 0 && o.jobs <= 256)) return false; }
    else if (a == "--regions") {
      o.regions.clear();
      std::string s = v;
      for (std::size_t p = 0; p <= s.size();) {
        std::size_t q = s.find(',', p);
        if (q == std::string::npos) q = s.size();
        if (q > p) o.regions.push_back(s.substr(p, q - p));
        p = q + 1;
      }
      if (o.regions.empty()) { std::fprintf(stderr, "ctgen: --regions is empty\n"); return false; }
    } else { std::fprintf(stderr, "ctgen: unknown option %s\n", argv[i - 1]); usage(stderr); return false; }
  }
  if (o.out.empty()) { std::fprintf(stderr, "ctgen: --out DIR is required\n"); usage(stderr); return false; }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse(argc, argv, opt)) return 2;
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(opt.start.c_str(), "%d-%u-%u", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
    std::fprintf(stderr, "ctgen: --start must be YYYY-MM-DD, not '%s'\n", opt.start.c_str());
    return 2;
  }
  const std::int64_t start = days_from_civil(y, m, d) * 86400;
  std::vector<Account> accts;
  for (int i = 0; i < opt.accounts; ++i) accts.push_back(make_account(opt.seed, i));
  const std::vector<FilePlan> files = plan(opt, accts, start);

  std::vector<Counts> per(files.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    libdeflate_compressor* comp = libdeflate_alloc_compressor(opt.level);
    if (!comp) { failed = true; return; }
    std::string json;
    std::vector<char> gz;
    for (std::size_t i; !failed && (i = next.fetch_add(1)) < files.size();) {
      std::uint64_t s = opt.seed * 0x100000001B3ull + i;
      if (!write_file(opt, accts[static_cast<std::size_t>(files[i].account)], files[i], splitmix(s), per[i], comp, json, gz))
        failed = true;
    }
    libdeflate_free_compressor(comp);
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < opt.jobs; ++i) pool.emplace_back(worker);
  for (auto& th : pool) th.join();
  if (failed) { std::fprintf(stderr, "ctgen: failed\n"); return 1; }

  Counts total;
  for (const auto& c : per) total.add(c);
  const std::string man = manifest(opt, accts, files.size(), total);
  const std::string mp = (fs::path(opt.out) / "manifest.json").string();
  FILE* fp = std::fopen(mp.c_str(), "wb");
  if (!fp || std::fwrite(man.data(), 1, man.size(), fp) != man.size() || std::fclose(fp) != 0) {
    std::fprintf(stderr, "ctgen: cannot write %s\n", mp.c_str());
    return 1;
  }
  std::fprintf(stderr, "ctgen: %zu files, %.1f MB uncompressed, %.1f MB gzip, %llu records, %llu root\n", files.size(),
               static_cast<double>(total.bytes) / 1e6, static_cast<double>(total.gz_bytes) / 1e6,
               static_cast<unsigned long long>(total.records), static_cast<unsigned long long>(total.root));
  return 0;
}
