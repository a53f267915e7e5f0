// libFuzzer target: one input is one rule file. Each of its YAML documents is parsed: a rule
// (YAML -> Rule -> CompiledRule, then matched against a fixed CloudTrail record and its own
// test events), a Sigma filter (ANDed into a fixed rule, which is then matched) or a
// correlation rule (sigma/correlation.h). Nothing may crash, hang or leak; errors are fine.
// A rule that matches an event must be let through by the index RuleSet::match looks it up in.
// Builds with clang -fsanitize=fuzzer, or with any compiler against a standalone main that
// calls LLVMFuzzerTestOneInput on each corpus file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "sigma/compile.h"
#include "sigma/loader.h"
#include "sigma/rule.h"

namespace {

constexpr std::size_t kMaxInput = 64 * 1024;

const char kEvent[] =
    R"({"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333",)"
    R"("arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEKEY000001",)"
    R"("sessionContext":{"attributes":{"mfaAuthenticated":"false"}}},"eventTime":"2026-11-20T10:00:00Z",)"
    R"("eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1",)"
    R"("sourceIPAddress":"203.0.113.10","userAgent":"Mozilla/5.0","requestParameters":null,)"
    R"("responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No","n":5,"f":1.5},)"
    R"("resources":[{"ARN":"arn:aws:s3:::bucket","type":"AWS::S3::Bucket"},{"ARN":null}],"readOnly":false,)"
    R"("errorCode":null,"eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"})";

}  // namespace

void one_document(const std::string& text);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const std::string& doc : rg::sigma::split_documents(text)) one_document(doc);
  return 0;
}

void one_document(const std::string& text) {
  rg::sigma::RuleSource src{"fuzz.yml", text, text.starts_with("correlation:") || text.find("\ncorrelation:") != std::string::npos, false, {}};
  if (src.correlation) {
    (void)rg::sigma::parse_correlation_source(src);
    return;
  }
  rg::Result<rg::sigma::Rule> rule = rg::sigma::parse_rule(text, "fuzz.yml");
  if (!rule) return;
  rg::sigma::expand_placeholders(*rule, {{"trusted_source_ips", {"203.0.113.0/24"}}});
  rg::Result<rg::sigma::CompiledRule> compiled = rg::sigma::compile_rule(*rule);
  if (!compiled) return;

  static simdjson::dom::parser parser;
  static const simdjson::padded_string event(std::string_view(kEvent, sizeof kEvent - 1));
  if (rule->filter) {
    static const rg::sigma::CompiledRule base = *rg::sigma::compile_rule(*rg::sigma::parse_rule(
        "title: base\nlevel: high\nlogsource: {product: aws, service: cloudtrail}\n"
        "detection:\n    s: {eventName: ConsoleLogin}\n    condition: s\n",
        "base.yml"));
    rg::sigma::CompiledRule filtered = base;
    rg::sigma::add_filter(filtered, *compiled);
    compiled = std::move(filtered);
  }
  // A rule that matches an event must be one its index (CompiledRule::dispatch) lets through:
  // else RuleSet::match would never evaluate it there, and a finding would be lost.
  auto check = [&](simdjson::dom::element ev) {
    if (!compiled->matches(ev)) return;
    (void)compiled->severity_for(ev);
    if (compiled->dispatch && !rg::sigma::dispatch_allows(*compiled->dispatch, ev)) std::abort();
  };
  simdjson::dom::element e;
  if (parser.parse(event).get(e) == simdjson::SUCCESS) check(e);
  for (const rg::sigma::RuleTest& t : compiled->info.tests) {
    simdjson::padded_string json(t.event_json);
    if (parser.parse(json).get(e) == simdjson::SUCCESS) check(e);
  }
}
