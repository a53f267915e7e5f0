// The credential chain and settings as the AWS CLI resolves them, with the environment and
// the shared files injected, and the container endpoint, IMDSv2 and STS played by loopback servers.
#include "aws/credentials.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include "aws/sts.h"
#include "loopback_server.h"
#include "test_util.h"

using namespace rg::aws;
using rg::test::HttpCapture;
using rg::test::HttpReply;
using rg::test::LoopbackServer;
using rg::test::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  Env env;
  Fixture(const std::string& config, const std::string& credentials) {
    rg::test::write_file(dir / "config", config);
    rg::test::write_file(dir / "credentials", credentials);
    env = {{"HOME", dir.path().string()},
           {"AWS_CONFIG_FILE", (dir / "config").string()},
           {"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()},
           {"AWS_EC2_METADATA_DISABLED", "true"}};
  }
  Settings settings(CliOverrides flags = {}) {
    auto s = load_settings(env, flags);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().str());
    return s.ok() ? *s : Settings{};
  }
};

// Records AssumeRole calls; answers with credentials named after the role.
struct FakeSts {
  std::vector<std::pair<std::string, AssumeRoleRequest>> calls;  // (source key id, request)
  AssumeRoleFn fn() {
    return [this](const Credentials& src, const AssumeRoleRequest& r) -> rg::Result<Credentials> {
      calls.emplace_back(src.access_key_id, r);
      return Credentials{"ASIA-" + r.role_arn.substr(r.role_arn.rfind('/') + 1), "secret-of-" + r.role_arn, "token",
                         4102444800000, "assume-role"};
    };
  }
};

}  // namespace

TEST(AwsConfig, IniSectionsNestedValuesAndComments) {
  Ini ini = parse_ini("# c\n[default]\nregion = eu-west-1 # note\n[profile x]\ns3 =\n  addressing_style = path\nk=v\n");
  EXPECT_EQ(ini["default"]["region"], "eu-west-1");
  EXPECT_EQ(ini["profile x"]["s3.addressing_style"], "path");
  EXPECT_EQ(ini["profile x"]["k"], "v");
}

TEST(AwsConfig, ProfileRegionAndEndpointPrecedence) {
  Fixture f("[default]\nregion = us-west-2\n[profile prod]\nregion = eu-west-1\nservices = local\n"
            "endpoint_url = http://profile.example\n[services local]\niam =\n  endpoint_url = http://iam.local\n"
            "[prod]\nregion = ignored-not-a-profile-section\n",
            "[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = s\n");
  EXPECT_EQ(f.settings().profile, "default");
  EXPECT_EQ(f.settings().region, "us-west-2");
  f.env["AWS_PROFILE"] = "prod";
  Settings s = f.settings();
  EXPECT_EQ(s.profile, "prod");
  EXPECT_EQ(s.region, "eu-west-1");
  EXPECT_EQ(s.endpoint_url("IAM"), "http://iam.local");
  EXPECT_EQ(s.endpoint_url("STS"), "http://profile.example");
  f.env["AWS_DEFAULT_REGION"] = "ap-south-1";
  EXPECT_EQ(f.settings().region, "ap-south-1");
  f.env["AWS_REGION"] = "ca-central-1";
  EXPECT_EQ(f.settings().region, "ca-central-1");
  EXPECT_EQ(f.settings({"", "sa-east-1", ""}).region, "sa-east-1");
  f.env["AWS_ENDPOINT_URL"] = "http://global.env";
  EXPECT_EQ(f.settings().endpoint_url("IAM"), "http://global.env");
  f.env["AWS_ENDPOINT_URL_IAM"] = "http://iam.env";
  EXPECT_EQ(f.settings().endpoint_url("IAM"), "http://iam.env");
  EXPECT_EQ(f.settings({"", "", "http://flag"}).endpoint_url("IAM"), "http://flag");
  f.env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  EXPECT_EQ(f.settings().endpoint_url("IAM"), "");
  auto missing = load_settings(f.env, {"nope", "", ""});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().str().find("nope"), std::string::npos);
}

TEST(AwsCredentials, EnvironmentWinsOverAwsProfileButNotOverProfileFlag) {
  Fixture f("[profile prod]\nregion = eu-west-1\n", "[prod]\naws_access_key_id = AKIAFILE\naws_secret_access_key = filesecret\n");
  f.env["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  f.env["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  f.env["AWS_SESSION_TOKEN"] = "envtoken";
  f.env["AWS_PROFILE"] = "prod";
  auto c = resolve_credentials(f.settings(), {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIAENV");
  EXPECT_EQ(c->session_token, "envtoken");
  auto d = resolve_credentials(f.settings({"prod", "", ""}), {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->access_key_id, "AKIAFILE");
  EXPECT_EQ(d->source, "shared-credentials-file");
}

TEST(AwsCredentials, CredentialsFileBeatsConfigFileKeys) {
  Fixture f("[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = c\n[profile onlyconfig]\n"
            "aws_access_key_id = AKIAONLY\naws_secret_access_key = o\n",
            "[default]\naws_access_key_id = AKIACREDS\naws_secret_access_key = k\n");
  EXPECT_EQ(resolve_credentials(f.settings(), {})->access_key_id, "AKIACREDS");
  auto only = resolve_credentials(f.settings({"onlyconfig", "", ""}), {});
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->access_key_id, "AKIAONLY");
  EXPECT_EQ(only->source, "config-file");
}

TEST(AwsCredentials, RoleChainsAssumeEachRoleInOrderWithItsParameters) {
  Fixture f("[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = b\nexternal_id = ext-1\n"
            "duration_seconds = 900\nrole_session_name = audit\nmfa_serial = arn:aws:iam::222222222222:mfa/me\n"
            "region = eu-west-1\n"
            "[profile b]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = c\n",
            "[c]\naws_access_key_id = AKIABASE\naws_secret_access_key = base\n");
  FakeSts sts;
  ChainOptions o;
  o.assume_role = sts.fn();
  std::string asked;
  o.mfa_prompt = [&](const std::string& serial) -> rg::Result<std::string> { asked = serial; return std::string("123456"); };
  auto c = resolve_credentials(f.settings({"a", "", ""}), o);
  ASSERT_TRUE(c.ok()) << c.error().str();
  EXPECT_EQ(c->access_key_id, "ASIA-A");
  ASSERT_EQ(sts.calls.size(), 2u);
  EXPECT_EQ(sts.calls[0].first, "AKIABASE");
  EXPECT_EQ(sts.calls[0].second.role_arn, "arn:aws:iam::222222222222:role/B");
  EXPECT_TRUE(sts.calls[0].second.serial_number.empty());
  EXPECT_EQ(sts.calls[1].first, "ASIA-B");
  const AssumeRoleRequest& r = sts.calls[1].second;
  EXPECT_EQ(r.external_id, "ext-1");
  EXPECT_EQ(r.duration_seconds, 900);
  EXPECT_EQ(r.role_session_name, "audit");
  EXPECT_EQ(r.serial_number, "arn:aws:iam::222222222222:mfa/me");
  EXPECT_EQ(r.token_code, "123456");
  EXPECT_EQ(r.region, "eu-west-1");
  EXPECT_EQ(asked, "arn:aws:iam::222222222222:mfa/me");
}

TEST(AwsCredentials, SourceProfileCyclesAreRefusedButSelfReferenceWithKeysWorks) {
  Fixture f("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
            "[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n"
            "[profile self]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = self\n",
            "[self]\naws_access_key_id = AKIASELF\naws_secret_access_key = s\n");
  FakeSts sts;
  ChainOptions o;
  o.assume_role = sts.fn();
  auto loop = resolve_credentials(f.settings({"a", "", ""}), o);
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().str().find("infinite loop"), std::string::npos);
  EXPECT_TRUE(sts.calls.empty());
  auto self = resolve_credentials(f.settings({"self", "", ""}), o);
  ASSERT_TRUE(self.ok()) << self.error().str();
  EXPECT_EQ(self->access_key_id, "ASIA-S");
  EXPECT_EQ(sts.calls.at(0).first, "AKIASELF");
}

TEST(AwsCredentials, MfaWithoutTerminalIsAnErrorNotAHang) {
  Fixture f("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = c\nmfa_serial = arn:aws:iam::1:mfa/x\n",
            "[c]\naws_access_key_id = AKIABASE\naws_secret_access_key = base\n");
  FakeSts sts;
  ChainOptions o;
  o.assume_role = sts.fn();
  o.mfa_prompt = [](const std::string& s) { return prompt_mfa_on_tty(s); };
  // The test runner's stdin is not a terminal under ctest; when it is, skip.
  if (isatty(0)) GTEST_SKIP() << "stdin is a terminal";
  auto c = resolve_credentials(f.settings({"a", "", ""}), o);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().str().find("no terminal"), std::string::npos);
  EXPECT_TRUE(sts.calls.empty());
}

TEST(AwsCredentials, CredentialProcessRunsWithoutShellAndParsesVersion1) {
  EXPECT_EQ(split_command_line("/bin/x --a 'b c' \"d \\\"e\\\"\" f\\ g"),
            (std::vector<std::string>{"/bin/x", "--a", "b c", "d \"e\"", "f g"}));
  TempDir d;
  std::string script = (d / "creds.sh").string();
  rg::test::write_file(script,
                       "#!/bin/sh\n[ \"$1\" = 'two words' ] || exit 3\n"
                       "echo '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": \"procsecret\", "
                       "\"SessionToken\": \"proctoken\", \"Expiration\": \"2030-01-01T00:00:00Z\"}'\n");
  chmod(script.c_str(), 0700);
  Fixture f("[profile p]\ncredential_process = " + script + " 'two words'\n"
            "[profile bad]\ncredential_process = " + script + " other\n", "");
  auto c = resolve_credentials(f.settings({"p", "", ""}), {});
  ASSERT_TRUE(c.ok()) << c.error().str();
  EXPECT_EQ(c->access_key_id, "ASIAPROC");
  EXPECT_EQ(c->session_token, "proctoken");
  EXPECT_EQ(c->expiration_ms, 1893456000000);
  auto bad = resolve_credentials(f.settings({"bad", "", ""}), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().str().find("exit status 3"), std::string::npos);
  EXPECT_NE(bad.error().str().find("profile bad"), std::string::npos);
}

// A credential_process that prints without end (a wrong command) is stopped, not read until
// memory runs out.
TEST(AwsCredentials, CredentialProcessThatPrintsWithoutEndIsStopped) {
  Fixture f("[profile loud]\ncredential_process = yes\n", "");
  auto c = resolve_credentials(f.settings({"loud", "", ""}), {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().str().find("yes printed more than 1 MiB; it was stopped"), std::string::npos) << c.error().str();
}

TEST(AwsCredentials, ContainerEndpointWithAuthorizationTokenFile) {
  LoopbackServer server([](const HttpCapture& c) {
    if (c.header("Authorization") != "tok-123") return HttpReply{401, {}, "{}"};
    return HttpReply{200, {}, R"({"AccessKeyId":"ASIACONT","SecretAccessKey":"cs","Token":"ct","Expiration":"2030-01-01T00:00:00Z"})"};
  });
  Fixture f("", "");
  rg::test::write_file(f.dir / "token", "tok-123\n");
  f.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = server.url() + "/creds";
  f.env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = (f.dir / "token").string();
  auto c = resolve_credentials(f.settings(), {});
  ASSERT_TRUE(c.ok()) << c.error().str();
  EXPECT_EQ(c->access_key_id, "ASIACONT");
  EXPECT_EQ(c->session_token, "ct");
  EXPECT_EQ(server.requests().at(0).path, "/creds");
  f.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://203.0.113.9/creds";
  EXPECT_FALSE(resolve_credentials(f.settings(), {}).ok());
}

TEST(AwsCredentials, ImdsV2TokenThenRoleThenCredentials) {
  LoopbackServer server([](const HttpCapture& c) {
    if (c.method == "PUT" && c.path == "/latest/api/token") return HttpReply{200, {}, "imds-token"};
    if (c.header("X-aws-ec2-metadata-token") != "imds-token") return HttpReply{401, {}, ""};
    if (c.path == "/latest/meta-data/iam/security-credentials/") return HttpReply{200, {}, "my-role\n"};
    if (c.path == "/latest/meta-data/iam/security-credentials/my-role")
      return HttpReply{200, {}, R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"is","Token":"it","Expiration":"2030-01-01T00:00:00Z"})"};
    return HttpReply{404, {}, ""};
  });
  Fixture f("", "");
  f.env.erase("AWS_EC2_METADATA_DISABLED");
  f.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server.url();
  auto c = resolve_credentials(f.settings(), {});
  ASSERT_TRUE(c.ok()) << c.error().str();
  EXPECT_EQ(c->access_key_id, "ASIAIMDS");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[0].header("X-aws-ec2-metadata-token-ttl-seconds"), "21600");
}

TEST(AwsCredentials, NothingConfiguredSaysSoWithoutSecrets) {
  Fixture f("", "");
  auto c = resolve_credentials(f.settings(), {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().str().find("Unable to locate credentials"), std::string::npos);
}

TEST(AwsCredentials, TemporaryCredentialsRefreshBeforeExpiry) {
  Fixture f("[profile r]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = c\n",
            "[c]\naws_access_key_id = AKIABASE\naws_secret_access_key = base\n");
  std::int64_t now = 1'800'000'000'000;
  int calls = 0;
  ChainOptions o;
  o.now_ms = [&] { return now; };
  o.assume_role = [&](const Credentials&, const AssumeRoleRequest&) -> rg::Result<Credentials> {
    ++calls;
    return Credentials{"ASIA" + std::to_string(calls), "s", "t", now + 3600 * 1000, "assume-role"};
  };
  CredentialSource src(f.settings({"r", "", ""}), o);
  EXPECT_EQ(src.get()->access_key_id, "ASIA1");
  now += 30 * 60 * 1000;  // 30 minutes left: still fresh
  EXPECT_EQ(src.get()->access_key_id, "ASIA1");
  now += 20 * 60 * 1000;  // 10 minutes left: refreshed
  EXPECT_EQ(src.get()->access_key_id, "ASIA2");
  EXPECT_EQ(calls, 2);
}

TEST(AwsSts, AssumeRoleOverHttpParsesCredentialsAndErrors) {
  LoopbackServer server([](const HttpCapture& c) {
    if (c.body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fdenied") != std::string::npos)
      return HttpReply{403, {}, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>"};
    return HttpReply{200, {}, "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                              "<Credentials><AccessKeyId>ASIASTS</AccessKeyId><SecretAccessKey>ss</SecretAccessKey>"
                              "<SessionToken>st</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
                              "</AssumeRoleResult></AssumeRoleResponse>"};
  });
  Credentials src{"AKIABASE", "base", "", std::nullopt, "env"};
  AssumeRoleRequest r;
  r.role_arn = "arn:aws:iam::1:role/ok";
  r.role_session_name = "s";
  r.external_id = "e";
  r.region = "eu-west-1";
  r.endpoint_url = server.url();
  auto c = sts_assume_role(src, r);
  ASSERT_TRUE(c.ok()) << c.error().str();
  EXPECT_EQ(c->access_key_id, "ASIASTS");
  EXPECT_EQ(c->expiration_ms, 1893456000000);
  HttpCapture cap = server.requests().at(0);
  EXPECT_NE(cap.header("Authorization").find("/eu-west-1/sts/aws4_request"), std::string::npos);
  EXPECT_NE(cap.body.find("ExternalId=e"), std::string::npos);
  r.role_arn = "arn:aws:iam::1:role/denied";
  auto d = sts_assume_role(src, r);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, rg::ErrorKind::Denied);
  EXPECT_NE(d.error().str().find("AccessDenied: not allowed"), std::string::npos);
}
