// rg::aws's signer against AWS's own JavaScript signer (@smithy/signature-v4) on a few
// hundred randomised requests: methods, paths, queries with any characters, headers with
// odd spacing, bodies, session tokens, S3 and non-S3 path rules.
#include <gtest/gtest.h>

#include <random>

#include "aws/sigv4.h"
#include "core/strings.h"
#include "node_tools.h"
#include "test_util.h"

using namespace rg::aws;

namespace {
// Characters are drawn whole: ASCII from `alphabet`, plus (when `utf8`) a few multi-byte ones.
std::string random_string(std::mt19937& rng, const std::string& alphabet, size_t min, size_t max, bool utf8 = false) {
  static const char* wide[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x94\x91", "\xe1\x88\xb4"};
  std::uniform_int_distribution<size_t> len(min, max), pick(0, alphabet.size() - 1 + (utf8 ? 4 : 0));
  std::string s;
  for (size_t n = len(rng); n > 0; --n) {
    size_t i = pick(rng);
    if (i < alphabet.size()) s.push_back(alphabet[i]);
    else s += wide[i - alphabet.size()];
  }
  return s;
}
}  // namespace

TEST(SigV4, AgreesWithSmithySignerOnRandomRequests) {
  if (!rg::test::node_ready()) GTEST_SKIP() << "node or tests/node/node_modules absent (scripts/install-deps.sh)";
  std::mt19937 rng(20261122);
  const std::string key_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~";
  const std::string any_chars = key_chars + " !\"#$%&'()*+,/:;<=>?@[\\]^`{|}";
  const std::string seg_chars = key_chars + " !$&'()*+,;=:@";
  const char* services[] = {"iam", "sts", "logs", "monitoring", "organizations", "s3"};
  const int kCount = 300;

  std::string json = "[";
  std::vector<SigningInput> inputs;
  std::vector<std::string> tokens;
  for (int i = 0; i < kCount; ++i) {
    SigningInput in;
    in.method = (rng() % 2) ? "GET" : "POST";
    in.service = services[rng() % 6];
    in.region = (rng() % 2) ? "us-east-1" : "eu-central-2";
    in.normalize_path = in.service != "s3";
    std::string path;
    for (size_t n = rng() % 4; n > 0; --n) path += "/" + random_string(rng, seg_chars, 1, 8, true);
    if (path.empty() || rng() % 3 == 0) path += "/";
    if (in.service == "s3") path = uri_encode(path, true);  // S3 paths go out encoded and are signed so
    in.path = path;
    Params params;
    std::string query_json = "{";
    for (size_t n = rng() % 5, k = 0; k < n; ++k) {
      std::string name = random_string(rng, key_chars, 1, 6) + std::to_string(k);  // unique keys
      std::string value = random_string(rng, any_chars, 0, 10, true);
      params.emplace_back(name, value);
      query_json += std::string(k ? "," : "") + "\"" + rg::json_escape(name) + "\":\"" + rg::json_escape(value) + "\"";
    }
    query_json += "}";
    in.query = canonical_query(params);
    std::string host = "example.amazonaws.com";
    in.headers.emplace_back("host", host);
    std::string headers_json = "{";
    for (size_t n = rng() % 4, k = 0; k < n; ++k) {
      std::string name = "x-h" + random_string(rng, "abcdefghijklmnopqrstuvwxyz-", 1, 6) + std::to_string(k);
      std::string value = random_string(rng, "ab c  d\t1", 1, 12);
      in.headers.emplace_back(name, value);
      headers_json += std::string(k ? "," : "") + "\"" + name + "\":\"" + rg::json_escape(value) + "\"";
    }
    headers_json += "}";
    std::string body = in.method == "POST" ? random_string(rng, any_chars, 0, 64, true) : "";
    in.payload_hash = sha256_hex(body);
    long long t = 1700000000LL + static_cast<long long>(rng() % 100000000);
    in.amz_date = amz_date(t);
    std::string token = (rng() % 2) ? random_string(rng, key_chars + "/+=", 40, 80) : "";
    in.headers.emplace_back("x-amz-date", in.amz_date);
    if (!token.empty()) in.headers.emplace_back("x-amz-security-token", token);
    inputs.push_back(in);
    tokens.push_back(token);
    std::string iso = in.amz_date.substr(0, 4) + "-" + in.amz_date.substr(4, 2) + "-" + in.amz_date.substr(6, 2) + "T" +
                      in.amz_date.substr(9, 2) + ":" + in.amz_date.substr(11, 2) + ":" + in.amz_date.substr(13, 2) + "Z";
    json += std::string(i ? "," : "") + "{\"method\":\"" + in.method + "\",\"host\":\"" + host + "\",\"path\":\"" +
            rg::json_escape(path) + "\",\"query\":" + query_json + ",\"headers\":" + headers_json + ",\"body\":\"" +
            rg::json_escape(body) + "\",\"region\":\"" + in.region + "\",\"service\":\"" + in.service +
            "\",\"date\":\"" + iso + "\",\"accessKeyId\":\"AKIDEXAMPLE\",\"secretAccessKey\":\"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"," +
            "\"sessionToken\":\"" + token + "\",\"s3\":" + (in.service == "s3" ? "true" : "false") + "}";
  }
  json += "]";
  rg::test::TempDir dir;
  rg::test::write_file(dir / "requests.json", json);
  auto r = rg::test::run_command({"node", (rg::test::node_dir() / "sign_with_smithy.mjs").string(), (dir / "requests.json").string()});
  ASSERT_EQ(r.status, 0);
  std::vector<std::string> lines = rg::split(r.out, '\n');
  ASSERT_GE(lines.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    SCOPED_TRACE("request " + std::to_string(i) + " path " + inputs[i].path + " query " + inputs[i].query);
    EXPECT_EQ(authorization(inputs[i], "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), lines[i]);
  }
}
