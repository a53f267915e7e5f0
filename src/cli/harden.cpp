// rootguard harden cloudformation|terraform|scp|eventbridge [--from-audit FILE --format F]
// Prints the document on stdout; notes, steps and the --from-audit plan go to stderr.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/harden_io.h"
#include "core/diagnostics.h"
#include "harden/from_audit.h"
#include "harden/policies.h"
#include "harden/templates.h"

namespace rg::cli {

namespace {

struct HardenFlags {
  std::string what;
  std::string format;
  std::string from_audit;
  std::string account;
  std::string sns_topic_arn;
  bool quiet = false;
  bool with_trail = false, with_eventbridge = false, with_scp = false;
  harden::TemplateOptions opts;
};

int run_harden(HardenFlags& f) {
  Diagnostics diag;
  auto fail = [&](const std::string& what) {
    diag.error(ErrorKind::Invalid, "", what);
    return kExitError;
  };
  if (!f.from_audit.empty()) {
    if (!f.what.empty() && !f.format.empty() && f.what != f.format)
      return fail("harden: '" + f.what + "' and --format " + f.format + " disagree");
    if (f.format.empty()) f.format = f.what;
    if (f.format != "cloudformation" && f.format != "terraform")
      return fail("harden --from-audit: --format must be cloudformation or terraform" +
                  (f.format.empty() ? std::string() : ", not '" + f.format + "'"));
    auto text = read_input_file(f.from_audit);
    if (!text) {
      diag.error(text.error());
      return kExitError;
    }
    auto findings = harden::read_audit_report(*text, f.from_audit, diag);
    if (!findings) {
      diag.error(findings.error());
      return kExitError;
    }
    const auto format = f.format == "terraform" ? harden::TemplateFormat::Terraform : harden::TemplateFormat::CloudFormation;
    harden::FixPlan plan = harden::plan_fixes(*findings, format, f.account);
    std::fputs(plan.text.c_str(), stderr);
    if (!plan.anything()) return diag.error_count() ? kExitError : kExitClean;
    f.opts.parts = plan.parts;
    if (f.opts.log_group.empty()) f.opts.log_group = plan.log_group;
    f.opts.comment = plan.text;
    f.what = f.format;
  } else {
    if (!f.format.empty()) return fail("harden: --format is for --from-audit; name the document instead");
    f.opts.parts.trail = f.with_trail;
    f.opts.parts.eventbridge = f.with_eventbridge;
    f.opts.parts.scp = f.with_scp;
  }

  if (f.what == "cloudformation" || f.what == "terraform") {
    Status st = harden::validate(f.opts);
    if (!st) {
      diag.error(st.error());
      return kExitError;
    }
    std::string out = f.what == "cloudformation" ? harden::cloudformation(f.opts) : harden::terraform(f.opts);
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else if (f.what == "scp") {
    std::string out = harden::deny_root_scp(f.opts.exempt_assume_root).to_json();
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (!f.quiet) {
      std::fputs(harden::scp_note(f.opts.exempt_assume_root).c_str(), stderr);
      std::fputs(harden::centralized_root_access_steps().c_str(), stderr);
    }
  } else if (f.what == "eventbridge") {
    harden::TemplateOptions name_only;
    name_only.name_prefix = f.opts.name_prefix;
    Status st = harden::validate(name_only);
    if (!st) {
      diag.error(st.error());
      return kExitError;
    }
    std::string out = harden::eventbridge_pattern().to_json();
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (!f.quiet)
      std::fputs(harden::eventbridge_commands(f.opts.name_prefix + "-root-signin", f.sns_topic_arn).c_str(), stderr);
  } else if (f.what.empty()) {
    return fail("harden: name a document: cloudformation, terraform, scp or eventbridge (or --from-audit FILE --format F)");
  } else {
    return fail("harden: unknown document '" + f.what + "' (use cloudformation, terraform, scp or eventbridge)");
  }
  return diag.error_count() ? kExitError : kExitClean;
}

}  // namespace

Command register_harden(CLI::App& root) {
  auto f = std::make_shared<HardenFlags>();
  Command c;
  c.app = root.add_subcommand("harden", "Emit the fixes: CloudFormation, Terraform, SCP, EventBridge pattern");
  auto* a = c.app;
  a->add_option("document", f->what, "cloudformation | terraform | scp | eventbridge");
  a->add_option("--from-audit", f->from_audit, "Audit report (rootguard audit --format json): generate only what it found missing");
  a->add_option("--format", f->format, "With --from-audit: cloudformation | terraform");
  a->add_option("--account", f->account, "With --from-audit: only this account's findings")->transform(account_id());
  a->add_option("--sns-email", f->opts.sns_email, "Address subscribed to the alarm topic");
  a->add_option("--log-group", f->opts.log_group, "The trail's CloudWatch Logs group (default CloudTrail/DefaultLogGroup)");
  a->add_option("--kms-key", f->opts.kms_key_arn, "KMS key ARN for the topic, trail and log group");
  a->add_option("--name-prefix", f->opts.name_prefix, "Prefix of resource names (default rootguard)");
  a->add_option("--metric-namespace", f->opts.metric_namespace, "Metric namespace (default CISBenchmark)");
  a->add_option("--metric-name", f->opts.metric_name, "Metric name (default RootAccountUsage)");
  a->add_option("--period", f->opts.period_seconds, "Alarm period in seconds (default 300)");
  a->add_option("--evaluation-periods", f->opts.evaluation_periods, "Alarm evaluation periods (default 1)");
  a->add_option("--threshold", f->opts.threshold, "Root uses per period that raise the alarm (default 1)");
  a->add_flag("--with-trail", f->with_trail, "Also create the multi-region trail with CloudWatch Logs delivery");
  a->add_flag("--with-eventbridge", f->with_eventbridge, "Also create the EventBridge root sign-in rule (us-east-1 only)");
  a->add_flag("--with-scp", f->with_scp, "Also create the deny-root SCP (management account)");
  a->add_flag("--exempt-assume-root", f->opts.exempt_assume_root, "SCP: let sts:AssumeRoot sessions through");
  a->add_option("--sns-topic-arn", f->sns_topic_arn, "eventbridge: topic ARN to put in the printed commands");
  a->add_flag("-q,--quiet", f->quiet, "No notes on stderr");
  c.run = [f] { return run_harden(*f); };
  return c;
}

}  // namespace rg::cli
