#include "posture/credential_report.h"

#include <algorithm>
#include <optional>

#include "core/time.h"

namespace rg::posture {

const std::vector<std::string>& credential_report_columns() {
  static const std::vector<std::string> cols = {
      "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
      "password_last_changed", "password_next_rotation", "mfa_active", "access_key_1_active",
      "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region",
      "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated",
      "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
      "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"};
  return cols;
}

CredValue classify_cred_value(std::string_view raw) {
  CredValue v;
  v.raw = std::string(raw);
  if (raw.empty()) v.kind = CredValue::Kind::Empty;
  else if (raw == "true" || raw == "TRUE") v.kind = CredValue::Kind::True;
  else if (raw == "false" || raw == "FALSE") v.kind = CredValue::Kind::False;
  else if (raw == "N/A") v.kind = CredValue::Kind::NA;
  else if (raw == "no_information") v.kind = CredValue::Kind::NoInformation;
  else if (raw == "not_supported") v.kind = CredValue::Kind::NotSupported;
  else if (raw.size() >= 10 && raw[4] == '-' && raw[7] == '-') {
    if (auto ms = parse_iso8601_ms(raw)) {
      v.kind = CredValue::Kind::Date;
      v.ms = *ms;
    } else {
      v.kind = CredValue::Kind::Other;
    }
  } else {
    v.kind = CredValue::Kind::Other;
  }
  return v;
}

int CredentialReport::root_index() const {
  auto ucol = std::find(columns.begin(), columns.end(), "user");
  auto acol = std::find(columns.begin(), columns.end(), "arn");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& c = rows[i].cells;
    if (ucol != columns.end() && c[static_cast<std::size_t>(ucol - columns.begin())] == "<root_account>")
      return static_cast<int>(i);
    if (acol != columns.end()) {
      const std::string& arn = c[static_cast<std::size_t>(acol - columns.begin())];
      if (arn.size() > 5 && arn.compare(arn.size() - 5, 5, ":root") == 0) return static_cast<int>(i);
    }
  }
  return -1;
}

bool CredentialReport::has_column(std::string_view column) const {
  return std::find(columns.begin(), columns.end(), column) != columns.end();
}

CredValue CredentialReport::get(std::size_t row, std::string_view column) const {
  auto it = std::find(columns.begin(), columns.end(), column);
  if (it == columns.end() || row >= rows.size()) return CredValue{};
  return classify_cred_value(rows[row].cells[static_cast<std::size_t>(it - columns.begin())]);
}

CredValue CredentialReport::root(std::string_view column) const {
  int r = root_index();
  if (r < 0) return CredValue{};
  return get(static_cast<std::size_t>(r), column);
}

namespace {

// RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines.
struct CsvRecord {
  std::vector<std::string> cells;
  std::size_t line = 0;
};

std::vector<CsvRecord> split_csv(std::string_view s, std::vector<std::size_t>& bad_quote_lines) {
  std::vector<CsvRecord> out;
  CsvRecord rec;
  std::string cell;
  bool in_quotes = false, any = false;
  std::size_t line = 1;
  rec.line = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') { cell.push_back('"'); ++i; }
        else in_quotes = false;
      } else {
        if (c == '\n') ++line;
        cell.push_back(c);
      }
      continue;
    }
    if (c == '"' && cell.empty()) { in_quotes = true; any = true; continue; }
    if (c == ',') { rec.cells.push_back(std::move(cell)); cell.clear(); any = true; continue; }
    if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    if (c == '\n') {
      if (any || !cell.empty()) {
        rec.cells.push_back(std::move(cell));
        out.push_back(std::move(rec));
      }
      cell.clear();
      rec = CsvRecord{};
      any = false;
      rec.line = ++line;
      continue;
    }
    cell.push_back(c);
    any = true;
  }
  if (in_quotes) bad_quote_lines.push_back(rec.line);
  if (any || !cell.empty()) {
    rec.cells.push_back(std::move(cell));
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace

Result<CredentialReport> parse_credential_csv(std::string_view csv, const std::string& where, Diagnostics& diag) {
  if (csv.size() >= 3 && static_cast<unsigned char>(csv[0]) == 0xEF) csv.remove_prefix(3);  // UTF-8 BOM
  std::vector<std::size_t> bad_quotes;
  auto recs = split_csv(csv, bad_quotes);
  for (auto l : bad_quotes) diag.error(ErrorKind::Corrupt, where + ":" + std::to_string(l), "unterminated quoted CSV field");
  if (recs.empty()) return make_error(ErrorKind::Corrupt, where, "credential report is empty");
  CredentialReport rep;
  rep.columns = recs[0].cells;
  bool has_user = rep.has_column("user"), has_arn = rep.has_column("arn");
  if (!has_user && !has_arn)
    return make_error(ErrorKind::Corrupt, where + ":1",
                      "credential report has no header line (expected 'user,arn,user_creation_time,...')");
  std::vector<std::string> missing;
  for (const auto& c : credential_report_columns())
    if (!rep.has_column(c)) missing.push_back(c);
  if (!missing.empty()) {
    std::string m;
    for (const auto& c : missing) m += (m.empty() ? "" : ", ") + c;
    diag.error(ErrorKind::Corrupt, where + ":1", "credential report header lacks column(s): " + m +
                                                     "; checks that need them are UNKNOWN");
  } else if (rep.columns != credential_report_columns()) {
    diag.warning(where + ":1", "credential report columns are not in AWS's order; read by name");
  }
  for (std::size_t i = 1; i < recs.size(); ++i) {
    if (recs[i].cells.size() != rep.columns.size()) {
      diag.error(ErrorKind::Corrupt, where + ":" + std::to_string(recs[i].line),
                 "CSV row has " + std::to_string(recs[i].cells.size()) + " fields, header has " +
                     std::to_string(rep.columns.size()) + "; row skipped");
      continue;
    }
    rep.rows.push_back(CredentialRow{std::move(recs[i].cells), recs[i].line});
  }
  return rep;
}

std::optional<std::string> base64_decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t buf = 0;
  int bits = 0;
  std::size_t pad = 0, n = 0;
  for (char c : in) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') { ++pad; continue; }
    if (pad) return std::nullopt;  // data after padding
    int v = val(c);
    if (v < 0) return std::nullopt;
    ++n;
    buf = (buf << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xFF));
    }
  }
  if (n % 4 == 1 || pad > 2) return std::nullopt;
  return out;
}

std::string base64_encode(std::string_view in) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                      static_cast<unsigned char>(in[i + 2]);
    out += tbl[(v >> 18) & 63]; out += tbl[(v >> 12) & 63]; out += tbl[(v >> 6) & 63]; out += tbl[v & 63];
  }
  if (i < in.size()) {
    std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += i + 1 < in.size() ? tbl[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<CredentialReport> parse_credential_response(simdjson::dom::element response, const std::string& where,
                                                   Diagnostics& diag) {
  std::string_view content;
  if (response.at_key("Content").get_string().get(content))
    return make_error(ErrorKind::Corrupt, where, "no \"Content\" string in GetCredentialReport response");
  std::string csv;
  if (content.substr(0, 5) == "user," || content.find("<root_account>") != std::string_view::npos) {
    csv = std::string(content);  // already decoded by the collector
  } else if (auto dec = base64_decode(content)) {
    csv = std::move(*dec);
  } else {
    return make_error(ErrorKind::Corrupt, where, "\"Content\" is not valid base64");
  }
  auto rep = parse_credential_csv(csv, where, diag);
  if (!rep) return rep;
  std::string_view gt;
  if (!response.at_key("GeneratedTime").get_string().get(gt)) rep->generated_time = std::string(gt);
  return rep;
}

}  // namespace rg::posture
