// rootguard case: list, show and work incident cases (respond/cases.h).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "cli/state_flags.h"
#include "core/diagnostics.h"
#include "core/strings.h"
#include "respond/alert.h"
#include "respond/cases.h"

namespace rg::cli {

namespace {

struct CaseFlags {
  StateFlags state;
  std::string who;
  std::int64_t id = 0;
  std::string text, note, reason, format = "md", out, file, step, min_severity = "high";
  int item = 0;
  bool all = false;
};

int fail(const Error& e) {
  std::fprintf(stderr, "rootguard: error: %s\n", e.str().c_str());
  return kExitError;
}

int run_case(const std::string& verb, const CaseFlags& f) {
  auto store = respond::open_store(f.state.spec());
  if (!store.ok()) return fail(store.error());
  respond::CasePolicy policy;
  policy.min_severity = *parse_severity(f.min_severity);  // checked as the flag was read
  respond::CaseBook book(**store, policy);
  const std::string who = f.who.empty() ? current_user() : f.who;
  const std::int64_t now = wall_ms();
  Status st;
  if (verb == "list") {
    auto cases = book.list();
    if (!cases.ok()) return fail(cases.error());
    int shown = 0;
    for (const auto& c : *cases)
      if (f.all || c.status == "open") {
        std::printf("%s\n", respond::case_list_line(c).c_str());
        ++shown;
      }
    if (shown == 0) std::printf("no %scases\n", f.all ? "" : "open ");
    return kExitClean;
  }
  if (verb == "show" || verb == "report") {
    auto v = book.view(f.id);
    if (!v.ok()) return fail(v.error());
    std::string text;
    if (verb == "show") text = respond::case_text(*v);
    else if (f.format == "md" || f.format == "markdown") text = respond::case_markdown(*v);
    else if (f.format == "html") text = respond::case_html(*v);
    else return fail(make_error(ErrorKind::Invalid, "--format", "use md or html"));
    if (f.out.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      return kExitClean;
    }
    std::ofstream o(f.out, std::ios::binary | std::ios::trunc);
    o << text;
    if (!o.flush()) return fail(make_error(ErrorKind::Io, f.out, "cannot write"));
    std::fprintf(stderr, "rootguard: case #%lld written to %s\n", static_cast<long long>(f.id), f.out.c_str());
    return kExitClean;
  }
  if (verb == "import") {
    std::error_code ec;
    if (std::filesystem::is_directory(f.file, ec)) return fail(make_error(ErrorKind::Io, f.file, "is a directory, not an alerts file"));
    std::ifstream in(f.file, std::ios::binary);
    if (!in) return fail(make_error(ErrorKind::Io, f.file, "cannot read"));
    Diagnostics diag;
    constexpr std::size_t kShown = 20;  // error lines told, as scan tells a file's
    std::size_t bad = 0;
    std::string line;
    int n = 0, filed = 0, known = 0, below = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      auto a = respond::alert_from_json(line);
      if (!a.ok()) {
        if (++bad <= kShown) diag.error(ErrorKind::Corrupt, f.file + ":" + std::to_string(n), a.error().what);
        continue;
      }
      auto id = (**store).transaction([&]() -> Status {
        respond::CaseBook::Filed how;
        auto r = book.file(a->finding, a->key, now, who, &how);
        if (!r.ok()) return r.error();
        filed += how == respond::CaseBook::Filed::Now;
        known += how == respond::CaseBook::Filed::Before;
        below += how == respond::CaseBook::Filed::Below;
        return ok_status();
      });
      if (!id.ok()) return fail(id.error());
    }
    if (in.bad()) diag.error(ErrorKind::Io, f.file + ":" + std::to_string(n + 1), "read failed; the lines before it were filed");
    if (bad > kShown)
      diag.errors(bad - kShown, ErrorKind::Corrupt, f.file,
                  Diagnostics::more_errors(bad - kShown, kShown, "the other lines were filed"));
    std::printf("%s filed into cases (%d filed before, %d below %s)\n", counted(static_cast<unsigned>(filed), "finding").c_str(), known, below,
                std::string(to_string(policy.min_severity)).c_str());
    return diag.error_count() ? kExitError : kExitClean;
  }
  if (verb == "advance") st = book.advance(f.id, who, f.note, now);
  else if (verb == "assign") st = book.assign(f.id, who, f.text, now);
  else if (verb == "note") st = book.note(f.id, who, f.text, now);
  else if (verb == "close") st = book.close(f.id, who, f.reason, f.note, now);
  else if (verb == "check") {
    auto step = respond::parse_step(f.step);
    if (!step) return fail(make_error(ErrorKind::Invalid, f.step, "not a step (verify, contain, forensics, notify, remediate, review)"));
    st = book.check(f.id, who, *step, f.item - 1, now);
  }
  if (!st.ok()) return fail(st.error());
  auto v = book.view(f.id);
  if (!v.ok()) return fail(v.error());
  std::printf("%s\n", respond::case_list_line(v->rec).c_str());
  return kExitClean;
}

}  // namespace

Command register_case(CLI::App& root) {
  auto flags = std::make_shared<CaseFlags>();
  auto verb = std::make_shared<std::string>();
  Command c;
  c.app = root.add_subcommand("case", "Incident cases: list, show, advance, assign, note, check, close, report, import");
  c.app->require_subcommand(1);
  c.app->fallthrough();
  flags->state.add_to(c.app);
  c.app->add_option("--who", flags->who, "Who is making the change (default: $USER)");
  auto sub = [&](const char* name, const char* help) {
    CLI::App* s = c.app->add_subcommand(name, help);
    s->callback([verb, name] { *verb = name; });
    return s;
  };
  auto id = [&](CLI::App* s) { s->add_option("N", flags->id, "Case number")->required(); };
  CLI::App* s = sub("list", "Open cases (--all: closed ones too)");
  s->add_flag("--all", flags->all, "Include closed cases");
  s = sub("show", "A case: findings, checklist, history");
  id(s);
  s = sub("advance", "Tick the current step's checklist and move to the next step");
  id(s);
  s->add_option("--note", flags->note, "What was done or decided");
  s = sub("assign", "Give the case to someone");
  id(s);
  s->add_option("WHO", flags->text, "Assignee")->required();
  s = sub("note", "Add a note");
  id(s);
  s->add_option("TEXT", flags->text, "The note")->required();
  s = sub("check", "Tick one checklist item: check N STEP ITEM (ITEM from 1)");
  id(s);
  s->add_option("STEP", flags->step, "verify|contain|forensics|notify|remediate|review")->required();
  s->add_option("ITEM", flags->item, "Item number, from 1")->required();
  s = sub("close", "Close a case with a reason");
  id(s);
  s->add_option("--reason", flags->reason, "benign|malicious|false-positive|duplicate|test")->required();
  s->add_option("--note", flags->note, "Why");
  s = sub("report", "Render a case as Markdown or self-contained HTML");
  id(s);
  s->add_option("--format", flags->format, "md|html")->check(CLI::IsMember({"md", "markdown", "html"}));
  s->add_option("-o,--out", flags->out, "Write to FILE instead of stdout");
  s = sub("import", "File the findings of an alerts jsonl file (file sink output) into cases");
  s->add_option("FILE", flags->file, "Alerts, .jsonl")->required();
  s->add_option("--min-severity", flags->min_severity, "Open cases from this severity up (default high)")
      ->check(severity_name());
  c.run = [flags, verb] { return run_case(*verb, *flags); };
  return c;
}

}  // namespace rg::cli
