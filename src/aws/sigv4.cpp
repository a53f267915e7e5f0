#include "aws/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>

#include "core/strings.h"

namespace rg::aws {

namespace {
bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string lower(std::string_view s) { return rg::to_lower(s); }
}  // namespace

std::string uri_encode(std::string_view s, bool keep_slash) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

std::string uri_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string canonical_query(const Params& params) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(params.size());
  for (const auto& [k, v] : params) enc.emplace_back(uri_encode(k), uri_encode(v));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

Params parse_query(std::string_view query) {
  Params out;
  if (query.empty()) return out;
  for (const std::string& part : rg::split(query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string::npos) out.emplace_back(uri_decode(part), "");
    else out.emplace_back(uri_decode(part.substr(0, eq)), uri_decode(part.substr(eq + 1)));
  }
  return out;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return hex(std::string_view(reinterpret_cast<const char*>(md), sizeof md));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string canonical_path(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  if (!normalize) {
    // S3: the path is signed as sent; characters that were not encoded yet are encoded once.
    std::string out;
    for (char c : path) {
      if (c == '%' || c == '/') out.push_back(c);
      else out += uri_encode(std::string_view(&c, 1));
    }
    return out;
  }
  // RFC 3986 section 5.2.4 on segments; empty segments (repeated slashes) dropped.
  std::vector<std::string> out;
  std::vector<std::string> segs = rg::split(path, '/');
  for (const std::string& seg : segs) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(seg);
  }
  std::string result = "/";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) result.push_back('/');
    result += uri_encode(out[i]);
  }
  bool trailing = path.back() == '/' || path.ends_with("/.") || path.ends_with("/..");
  if (trailing && !out.empty()) result.push_back('/');
  return result;
}

namespace {
std::vector<std::pair<std::string, std::string>> canon_pairs(const Headers& headers) {
  std::vector<std::pair<std::string, std::string>> h;
  for (const auto& [name, value] : headers) {
    std::string v;
    bool space = false;
    for (char c : rg::trim(value)) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        space = true;
        continue;
      }
      if (space && !v.empty()) v.push_back(' ');
      space = false;
      v.push_back(c);
    }
    std::string n = lower(rg::trim(name));
    auto it = std::find_if(h.begin(), h.end(), [&](const auto& p) { return p.first == n; });
    if (it == h.end()) h.emplace_back(n, v);
    else it->second += "," + v;
  }
  std::stable_sort(h.begin(), h.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return h;
}
}  // namespace

std::string canonical_headers(const Headers& headers) {
  std::string out;
  for (const auto& [n, v] : canon_pairs(headers)) out += n + ":" + v + "\n";
  return out;
}

std::string signed_headers(const Headers& headers) {
  std::string out;
  for (const auto& [n, v] : canon_pairs(headers)) {
    if (!out.empty()) out.push_back(';');
    out += n;
  }
  return out;
}

std::string canonical_request(const SigningInput& in) {
  return in.method + "\n" + canonical_path(in.path, in.normalize_path) + "\n" + in.query + "\n" +
         canonical_headers(in.headers) + "\n" + signed_headers(in.headers) + "\n" + in.payload_hash;
}

std::string credential_scope(const SigningInput& in) {
  return in.amz_date.substr(0, 8) + "/" + in.region + "/" + in.service + "/aws4_request";
}

std::string string_to_sign(const SigningInput& in) {
  return "AWS4-HMAC-SHA256\n" + in.amz_date + "\n" + credential_scope(in) + "\n" + sha256_hex(canonical_request(in));
}

std::string signature(const SigningInput& in, std::string_view secret_key) {
  std::string k = hmac_sha256("AWS4" + std::string(secret_key), in.amz_date.substr(0, 8));
  k = hmac_sha256(k, in.region);
  k = hmac_sha256(k, in.service);
  k = hmac_sha256(k, "aws4_request");
  return hex(hmac_sha256(k, string_to_sign(in)));
}

std::string authorization(const SigningInput& in, std::string_view access_key_id, std::string_view secret_key) {
  return "AWS4-HMAC-SHA256 Credential=" + std::string(access_key_id) + "/" + credential_scope(in) +
         ", SignedHeaders=" + signed_headers(in.headers) + ", Signature=" + signature(in, secret_key);
}

std::string amz_date(long long epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace rg::aws
