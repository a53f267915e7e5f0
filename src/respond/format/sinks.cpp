#include <cerrno>

#include "respond/format/format.h"

namespace rg::respond::format {

std::optional<Format> parse_format(std::string_view s) {
  if (s == "text") return Format::Text;
  if (s == "jsonl") return Format::Jsonl;
  if (s == "ocsf") return Format::Ocsf;
  return std::nullopt;
}

void StreamSink::fail() {
  broken_ = true;
  errno_ = errno;
}

bool StreamSink::on_rendered(std::string_view line) {
  if (broken_) return false;
  errno = 0;
  if (std::fwrite(line.data(), 1, line.size(), out_) != line.size()) {
    fail();
    return false;
  }
  return true;
}

void StreamSink::finish() {
  errno = 0;
  if (!broken_ && std::fflush(out_) != 0) fail();
}

namespace {
class TextSink : public StreamSink {
 public:
  TextSink(std::FILE* out, bool color) : StreamSink(out), color_(color) {}
  std::string render(const Finding& f) const override { return text_line(f, color_); }

 private:
  bool color_;
};
class JsonlSink : public StreamSink {
 public:
  using StreamSink::StreamSink;
  std::string render(const Finding& f) const override { return jsonl_line(f); }
};
class OcsfSink : public StreamSink {
 public:
  OcsfSink(std::FILE* out, std::string version) : StreamSink(out), version_(std::move(version)) {}
  std::string render(const Finding& f) const override { return ocsf_line(f, version_); }

 private:
  std::string version_;
};
}  // namespace

std::unique_ptr<StreamSink> make_sink(Format fmt, std::FILE* out, const FormatOptions& opts) {
  switch (fmt) {
    case Format::Text: return std::make_unique<TextSink>(out, opts.color);
    case Format::Jsonl: return std::make_unique<JsonlSink>(out);
    case Format::Ocsf: return std::make_unique<OcsfSink>(out, opts.product_version);
  }
  return nullptr;
}

}  // namespace rg::respond::format
