#include "harden/ct_samples.h"

#include <libdeflate.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>

#include "test_util.h"

namespace rg::test {

namespace {

std::string gunzip(const std::string& in) {
  std::string out(in.size() * 20 + 1024, '\0');
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  for (;;) {
    size_t n = 0;
    auto r = libdeflate_gzip_decompress(d, in.data(), in.size(), out.data(), out.size(), &n);
    if (r == LIBDEFLATE_SUCCESS) {
      out.resize(n);
      break;
    }
    if (r != LIBDEFLATE_INSUFFICIENT_SPACE) {
      out.clear();
      break;
    }
    out.resize(out.size() * 2);
  }
  libdeflate_free_decompressor(d);
  return out;
}

void add_record(simdjson::dom::element e, const std::string& file, std::vector<SampleEvent>& out) {
  if (e.type() != simdjson::dom::element_type::OBJECT) return;
  simdjson::dom::element inner;
  if (!e["detail"].get(inner) && inner.type() == simdjson::dom::element_type::OBJECT) e = inner;
  std::string_view embedded;
  simdjson::dom::parser p2;
  if (!e["CloudTrailEvent"].get_string().get(embedded)) {
    simdjson::dom::element parsed;
    if (p2.parse(std::string(embedded)).get(parsed)) return;
    out.push_back({file, simdjson::minify(parsed)});
    return;
  }
  simdjson::dom::element name;
  if (e["eventName"].get(name)) return;
  out.push_back({file, simdjson::minify(e)});
}

void add_document(simdjson::dom::element d, const std::string& file, std::vector<SampleEvent>& out) {
  simdjson::dom::array records;
  if (d.type() == simdjson::dom::element_type::OBJECT && !d["Records"].get_array().get(records)) {
    for (auto r : records) add_record(r, file, out);
  } else if (d.type() == simdjson::dom::element_type::ARRAY) {
    simdjson::dom::array all = d.get_array().value();
    for (auto r : all) add_record(r, file, out);
  } else {
    add_record(d, file, out);
  }
}

std::vector<SampleEvent> load() {
  std::vector<SampleEvent> out;
  const auto root = shared_testdata() / "cloudtrail-public";
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(root)) return out;  // a clone on its own: no samples
  for (const auto& de : std::filesystem::recursive_directory_iterator(root))
    if (de.is_regular_file()) files.push_back(de.path());
  std::sort(files.begin(), files.end());
  simdjson::dom::parser parser;
  for (const auto& p : files) {
    const std::string ext = p.extension().string();
    if (ext != ".json" && ext != ".log" && ext != ".gz") continue;
    std::string text = read_file(p);
    if (ext == ".gz") text = gunzip(text);
    const std::string rel = std::filesystem::relative(p, root).string();
    simdjson::dom::element d;
    if (!parser.parse(text).get(d)) {
      add_document(d, rel, out);
      continue;
    }
    // JSON lines.
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      if (!parser.parse(line).get(d)) add_document(d, rel, out);
      start = end + 1;
    }
  }
  return out;
}

}  // namespace

const std::vector<SampleEvent>& cloudtrail_samples() {
  static const std::vector<SampleEvent> samples = load();
  return samples;
}

}  // namespace rg::test
