// SigV4: AWS Signature Version 4, computed here with OpenSSL.
//
// Requests on the wire are signed by libcurl (CURLOPT_AWS_SIGV4, see aws/http.h). This file is
// the reference it is checked against (the official test suites, AWS's own JavaScript signer)
// and the place that builds what libcurl 7.88 does not: the canonical, sorted, RFC 3986
// encoded query string. libcurl signs the query exactly as it appears in the URL, so every URL
// rootguard sends carries canonical_query() output and the two signatures agree.
// Pure functions, no clock: the caller passes the timestamp.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rg::aws {

using Params = std::vector<std::pair<std::string, std::string>>;
using Headers = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper-case hex).
// With keep_slash, '/' stays (for URI paths).
std::string uri_encode(std::string_view s, bool keep_slash = false);
// Percent-decoding ('+' is kept as '+').
std::string uri_decode(std::string_view s);

// key=value pairs encoded and sorted by encoded key, then encoded value, joined with '&'.
std::string canonical_query(const Params& params);
// A raw query string ("b=2&a=1&c") parsed (decoded) into pairs; "c" gives ("c", "").
Params parse_query(std::string_view query);

std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw bytes
std::string hex(std::string_view bytes);

struct SigningInput {
  std::string method;          // "GET"
  std::string path;            // as in the request line: "/", "/a%20b" (S3 keys are sent encoded)
  std::string query;           // the canonical query (canonical_query() output), no '?'
  Headers headers;             // every header to sign, any case, any order (host included)
  std::string payload_hash;    // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
  std::string amz_date;        // "20150830T123600Z"
  std::string region;
  std::string service;
  // When true (every service but S3), the path is normalised (RFC 3986 dot segments,
  // repeated slashes) and each segment encoded once more ("double encoding"). When false
  // (S3) it is signed as sent, only characters not yet encoded being encoded.
  bool normalize_path = true;
};

// Canonical path for the signing (see normalize_path above).
std::string canonical_path(std::string_view path, bool normalize);
// "name:value\n" lines, names lower-cased and sorted, values trimmed and inner runs of
// spaces squeezed; duplicate names joined with ','.
std::string canonical_headers(const Headers& headers);
std::string signed_headers(const Headers& headers);  // "host;x-amz-date"

std::string canonical_request(const SigningInput& in);
std::string credential_scope(const SigningInput& in);  // "20150830/us-east-1/service/aws4_request"
std::string string_to_sign(const SigningInput& in);
std::string signature(const SigningInput& in, std::string_view secret_key);
// The full Authorization header value.
std::string authorization(const SigningInput& in, std::string_view access_key_id, std::string_view secret_key);

// "20150830T123600Z" for a Unix time in seconds.
std::string amz_date(long long epoch_seconds);

}  // namespace rg::aws
