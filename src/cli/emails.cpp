// rootguard emails plan --mailbox NAME@DOMAIN --accounts ListAccounts.json | --live [--profile P]
//                       [--delimiter +|-]
//                       [--tag name|id] [--format text|json|csv]
#include <cstdio>
#include <memory>
#include <string>

#include "cli/aws_flags.h"
#include "cli/command.h"
#include "cli/harden_io.h"
#include "core/diagnostics.h"
#include "harden/emails.h"

namespace rg::cli {

namespace {

struct EmailsFlags {
  std::string mailbox;
  std::string accounts;
  std::string delimiter = "+";
  std::string tag = "name";
  std::string format = "text";
  bool live = false;
  AwsFlags aws;
};

int run_plan(const EmailsFlags& f) {
  Diagnostics diag;
  auto fail = [&](const std::string& what) {
    diag.error(ErrorKind::Invalid, "", what);
    return kExitError;
  };
  if (f.format != "text" && f.format != "json" && f.format != "csv")
    return fail("emails plan: --format '" + f.format + "': use text, json or csv");
  if (f.tag != "name" && f.tag != "id") return fail("emails plan: --tag '" + f.tag + "': use name or id");
  if (f.delimiter.size() != 1) return fail("emails plan: --delimiter '" + f.delimiter + "': use '+' or '-'");
  harden::EmailPlanOptions opts{f.mailbox, f.delimiter[0], f.tag == "id" ? harden::TagSource::Id : harden::TagSource::Name};
  if (Status st = harden::validate(opts); !st) {
    diag.error(st.error());
    return kExitError;
  }
  if (f.live == !f.accounts.empty())
    return fail("emails plan: give --accounts FILE (aws organizations list-accounts --output json) or --live");
  auto text = f.live ? fetch_list_accounts(f.aws) : read_input_file(f.accounts);
  if (!text) {
    diag.error(text.error());
    return kExitError;
  }
  auto accounts = harden::parse_list_accounts(*text, f.live ? "organizations ListAccounts" : f.accounts, diag);
  if (!accounts) {
    diag.error(accounts.error());
    return kExitError;
  }
  auto plan = harden::plan_emails(*accounts, opts);
  if (!plan) {
    diag.error(plan.error());
    return kExitError;
  }
  const std::string out = f.format == "json" ? harden::render_json(*plan)
                          : f.format == "csv" ? harden::render_csv(*plan)
                                              : harden::render_text(*plan);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return diag.error_count() ? kExitError : kExitClean;
}

}  // namespace

Command register_emails(CLI::App& root) {
  auto f = std::make_shared<EmailsFlags>();
  Command c;
  c.app = root.add_subcommand("emails", "Root e-mail addresses: one shared mailbox, one subaddress per account");
  c.app->require_subcommand(1);
  auto* plan = c.app->add_subcommand("plan", "Propose mailbox+<tag>@domain for every account, with the commands to apply it");
  plan->add_option("--mailbox", f->mailbox, "The shared mailbox, e.g. awsroot@example.com")->required();
  plan->add_option("--accounts", f->accounts, "aws organizations list-accounts --output json (pages merged)");
  plan->add_flag("--live", f->live, "Read the accounts from AWS Organizations (management or delegated admin credentials)");
  add_aws_flags(plan, f->aws, false);
  plan->add_option("--delimiter", f->delimiter, "Subaddress delimiter: + (default) or -");
  plan->add_option("--tag", f->tag, "Tag from the account name (default) or id");
  plan->add_option("--format", f->format, "text (default), json or csv");
  c.run = [f] { return run_plan(*f); };
  return c;
}

}  // namespace rg::cli
