// Detection output formats: FindingSinks that print findings for people and machines.
//
//   text   one line per finding (time, account, region, severity, rule, principal, source IP,
//          event, MFA, next step); ANSI colour only when asked (the CLI asks on a TTY)
//   jsonl  one Finding per line, schema versioned in docs/finding-jsonl.md
//   ocsf   one OCSF Detection Finding (class_uid 2004) per line, see docs/finding-jsonl.md
//
// A sink writes to a stdio stream and flushes at finish(). When a write fails on_finding()
// returns false so the engine stops, and broken() says so, with the errno: the CLI exits
// quietly when the reader closed the pipe (EPIPE, `| head`), and with an error line when the
// output could not take the findings (ENOSPC...). Each format is a function of Findings only.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/sink.h"

namespace rg::respond::format {

enum class Format { Text, Jsonl, Ocsf };
std::optional<Format> parse_format(std::string_view s);  // "text", "jsonl", "ocsf"

struct FormatOptions {
  bool color = false;                // text only
  std::string product_version;       // OCSF metadata.product.version
};

// Each line is a function of its finding alone, so the engine makes them ahead (render(),
// one line with its newline) and hands them back in order.
class StreamSink : public FindingSink {
 public:
  explicit StreamSink(std::FILE* out) : out_(out) {}
  bool on_finding(const Finding& f) override { return on_rendered(render(f)); }
  bool renders_ahead() const override { return true; }
  bool on_rendered(std::string_view line) override;
  void finish() override;
  bool broken() const { return broken_; }
  int write_errno() const { return errno_; }  // why it broke (0 when the stream did not say)

 private:
  void fail();
  std::FILE* out_;
  bool broken_ = false;
  int errno_ = 0;
};

std::unique_ptr<StreamSink> make_sink(Format fmt, std::FILE* out, const FormatOptions& opts);

// The single renderings (tests, other sinks).
std::string text_line(const Finding& f, bool color);
std::string jsonl_line(const Finding& f);
std::string ocsf_line(const Finding& f, std::string_view product_version);

inline constexpr int kFindingSchemaVersion = 1;

}  // namespace rg::respond::format
