// The IAM credential report (iam:GetCredentialReport): a CSV, base64 in the API's "Content".
//
// Read by header name, not position (columns may be reordered or missing): a missing column
// is reported once and every lookup of it answers Missing, so checks say UNKNOWN and name it.
// Values are typed without guessing: lowercase `true`/`false` booleans (TRUE/FALSE accepted),
// ISO-8601 dates with `+00:00` or `Z`, and the three non-values kept apart: `N/A` (no such
// credential / never used), `no_information` (never used, or before 2014-10-20) and
// `not_supported` (root's password fields). None of these is a date or a boolean.
// A real CSV parser: quoted fields, commas inside user names, CRLF.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/diagnostics.h"
#include "core/result.h"

namespace rg::posture {

struct CredValue {
  enum class Kind { True, False, Date, NA, NoInformation, NotSupported, Empty, Missing, Other };
  Kind kind = Kind::Missing;
  std::int64_t ms = 0;  // for Date
  std::string raw;      // exactly as in the CSV ("" for Missing)

  bool is_true() const { return kind == Kind::True; }
  bool is_false() const { return kind == Kind::False; }
  bool is_date() const { return kind == Kind::Date; }
  bool known_bool() const { return kind == Kind::True || kind == Kind::False; }
};

// Classifies one raw CSV cell.
CredValue classify_cred_value(std::string_view raw);

struct CredentialRow {
  std::vector<std::string> cells;  // in file order
  std::size_t line = 0;            // 1-based line in the CSV
};

class CredentialReport {
 public:
  std::string generated_time;        // GetCredentialReport "GeneratedTime" (shown with findings)
  std::vector<std::string> columns;  // header, in file order
  std::vector<CredentialRow> rows;   // data rows with the right column count

  // Index of the root row ("<root_account>" user, or an ARN ending ":root"), or -1.
  int root_index() const;
  // The value of `column` in row `row`; Missing when the column is absent from the header.
  CredValue get(std::size_t row, std::string_view column) const;
  CredValue root(std::string_view column) const;
  bool has_column(std::string_view column) const;
};

// The 22 columns AWS writes, in AWS's order.
const std::vector<std::string>& credential_report_columns();

// Parses CSV text. `where` names the input in messages ("snap/iam.GetCredentialReport.json").
// Problems (missing header, missing columns, wrong column counts) go to `diag`, one line each,
// with the CSV line number; what can be read is kept. Fails only when there is no header.
Result<CredentialReport> parse_credential_csv(std::string_view csv, const std::string& where,
                                              Diagnostics& diag);

// Parses a GetCredentialReport response: {"Content": "<base64 CSV>", "GeneratedTime": ...}.
// A Content that is not base64 but already CSV text (some collectors decode it) is accepted.
Result<CredentialReport> parse_credential_response(simdjson::dom::element response,
                                                   const std::string& where, Diagnostics& diag);

// Standard base64 (RFC 4648, padding optional, whitespace ignored); nullopt if invalid.
std::optional<std::string> base64_decode(std::string_view in);
std::string base64_encode(std::string_view in);

}  // namespace rg::posture
