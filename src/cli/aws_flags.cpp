#include "cli/aws_flags.h"

#include <cstdio>

#include "aws/client.h"
#include "aws/collect.h"
#include "aws/credentials.h"
#include "aws/env.h"
#include "aws/sts.h"
#include "cli/command.h"
#include "core/strings.h"

namespace rg::cli {

void add_aws_flags(CLI::App* app, AwsFlags& f, bool org_flags) {
  app->add_option("--profile", f.profile, "AWS CLI profile (default: AWS_PROFILE, else default)");
  app->add_option("--region", f.region, "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)")
      ->check(region_name());
  app->add_option("--endpoint-url", f.endpoint_url, "Send every call to this URL instead of AWS's endpoints")
      ->check(endpoint_url());
  if (!org_flags) return;
  app->add_flag("--org", f.org, "Collect the whole Organization: its data and every member account");
  app->add_option("--role", f.role, "Role assumed in each member account (with --org)");
  app->add_option("--concurrency", f.concurrency, "Member accounts collected at once (default 16)")->check(CLI::Range(1, 256));
  app->add_option("--regions", f.regions, "More regions to look at, besides the ones found from the trails")
      ->delimiter(',')
      ->check(region_name());
}

namespace {
std::shared_ptr<aws::CredentialSource> credential_source(const aws::Settings& settings) {
  aws::ChainOptions chain;
  chain.assume_role = aws::sts_assume_role;
  return std::make_shared<aws::CredentialSource>(settings, chain);
}
}  // namespace

Result<std::shared_ptr<aws::Client>> make_client(const AwsFlags& f) {
  auto settings = aws::load_settings(aws::process_env(), {f.profile, f.region, f.endpoint_url});
  if (!settings.ok()) return settings.error();
  auto source = credential_source(*settings);
  return std::make_shared<aws::Client>([source] { return source->get(); }, *settings, aws::ClientOptions{});
}

Result<std::string> fetch_list_accounts(const AwsFlags& f) {
  auto client = make_client(f);
  if (!client.ok()) return client.error();
  return aws::list_accounts(**client);
}

int run_collect(const AwsFlags& f, const std::filesystem::path& out, Diagnostics& diag, bool* nothing) {
  if (nothing) *nothing = true;
  if (f.org && f.role.empty()) {
    diag.error(ErrorKind::Invalid, "--org", "needs --role NAME (the role assumed in each member account)");
    return kExitError;
  }
  auto settings = aws::load_settings(aws::process_env(), {f.profile, f.region, f.endpoint_url});
  if (!settings.ok()) {
    diag.error(settings.error());
    return kExitError;
  }
  auto source = credential_source(*settings);
  aws::CollectOptions o;
  o.out = out;
  o.org = f.org;
  o.role_name = f.role;
  o.concurrency = f.concurrency;
  o.regions = f.regions;
  aws::CollectReport r = aws::collect(*settings, [source] { return source->get(); }, {}, o, diag);
  if (nothing) *nothing = r.fatal;
  std::fprintf(stderr, "rootguard: collected %d account(s) into %s: %d calls, %d kept as errors%s%s\n", r.accounts,
               out.string().c_str(), r.calls, r.calls_failed,
               r.accounts_failed ? (", " + std::to_string(r.accounts_failed) + " account(s) not entered").c_str() : "",
               r.not_set ? ("; " + counted(static_cast<unsigned>(r.not_set), "alternate contact") + " not set").c_str() : "");
  return (r.fatal || r.accounts_failed > 0) ? kExitError : kExitClean;
}

}  // namespace rg::cli
