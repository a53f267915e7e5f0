// libcurl's own SigV4 (what goes on the wire) against rg::aws's reference signer: for
// requests sent to a loopback server, the Authorization header libcurl computed must equal
// the one computed here from what the server received.
#include "aws/http.h"

#include <gtest/gtest.h>

#include "core/strings.h"
#include "loopback_server.h"

using namespace rg::aws;
using rg::test::HttpCapture;
using rg::test::HttpReply;
using rg::test::LoopbackServer;

namespace {

// The header names libcurl listed in SignedHeaders=...
std::vector<std::string> listed_headers(const std::string& authz) {
  size_t a = authz.find("SignedHeaders=") + 14;
  size_t b = authz.find(',', a);
  return rg::split(authz.substr(a, b - a), ';');
}

std::string reference_authorization(const HttpCapture& cap, const SigV4Key& key, bool s3 = false) {
  SigningInput in;
  in.method = cap.method;
  in.path = cap.path;
  in.query = canonical_query(parse_query(cap.query));
  for (const std::string& name : listed_headers(cap.header("Authorization")))
    in.headers.emplace_back(name, cap.header(name));
  in.payload_hash = sha256_hex(cap.body);
  in.amz_date = cap.header("X-Amz-Date");
  in.region = key.region;
  in.service = key.service;
  in.normalize_path = !s3;
  return authorization(in, key.access_key_id, key.secret_access_key);
}

SigV4Key test_key(std::string token = {}) {
  return SigV4Key{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", std::move(token), "eu-west-1", "iam"};
}

}  // namespace

TEST(Http, LibcurlSignatureMatchesReferenceForQueryAndBody) {
  LoopbackServer server([](const HttpCapture&) { return HttpReply{200, {{"X-Test", "yes"}}, "hello"}; });
  struct Variant {
    std::string method, query, body, token;
    Headers headers;
  };
  std::vector<Variant> variants = {
      {"GET", canonical_query({{"Version", "2010-05-08"}, {"Action", "GetAccountSummary"}}), "", "", {}},
      {"GET", canonical_query({{"b", "x y"}, {"a", "~*+/"}, {"B", ""}}), "", "FQoGZXIvYXdzEXAMPLE/+token==", {}},
      {"POST", "", "Action=GetCredentialReport&Version=2010-05-08", "",
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}},
      {"POST", "", "{\"MaxResults\":20}", "tok",
       {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "CloudTrail_20131101.DescribeTrails"}}},
  };
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.method + " " + v.query + " " + v.body);
    HttpRequest req;
    req.method = v.method;
    req.url = server.url() + "/" + (v.query.empty() ? "" : "?" + v.query);
    req.body = v.body;
    req.headers = v.headers;
    req.sign = test_key(v.token);
    auto resp = http_perform(req);
    ASSERT_TRUE(resp.ok()) << resp.error().str();
    EXPECT_EQ(resp->status, 200);
    EXPECT_EQ(resp->body, "hello");
    EXPECT_EQ(resp->header("x-test"), "yes");
    HttpCapture cap = server.requests().back();
    ASSERT_FALSE(cap.header("Authorization").empty());
    EXPECT_EQ(cap.header("Authorization"), reference_authorization(cap, *req.sign));
    if (!v.token.empty()) {
      EXPECT_EQ(cap.header("X-Amz-Security-Token"), v.token);
      auto names = listed_headers(cap.header("Authorization"));
      EXPECT_NE(std::find(names.begin(), names.end(), "x-amz-security-token"), names.end());
    }
  }
}

TEST(Http, ConnectionFailureIsAnErrorNamingTheUrlWithoutSecrets) {
  int port;
  {
    LoopbackServer s([](const HttpCapture&) { return HttpReply{}; });
    port = s.port();
  }
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/?X-Amz-Security-Token=SECRETTOKEN";
  req.connect_timeout_ms = 1000;
  auto resp = http_perform(req);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.error().kind, rg::ErrorKind::Io);
  EXPECT_EQ(resp.error().str().find("SECRETTOKEN"), std::string::npos);
}

TEST(Http, StreamingBodyAndDroppedConnection) {
  LoopbackServer server([](const HttpCapture& c) {
    if (c.path == "/drop") return HttpReply{200, {}, "", true};
    return HttpReply{200, {}, std::string(100000, 'x')};
  });
  HttpRequest req;
  req.url = server.url() + "/big";
  size_t got = 0;
  req.on_body = [&](std::string_view piece) { got += piece.size(); return true; };
  auto resp = http_perform(req);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(got, 100000u);
  EXPECT_TRUE(resp->body.empty());
  req.url = server.url() + "/drop";
  EXPECT_FALSE(http_perform(req).ok());
}

// An answer kept in memory stops at max_body: an endpoint that sends without end cannot take
// all the memory, and the error says why the answer was not read.
TEST(Http, AnAnswerLargerThanTheLimitIsAnError) {
  LoopbackServer server([](const HttpCapture&) { return HttpReply{200, {}, std::string(300000, 'x')}; });
  HttpRequest req;
  req.url = server.url() + "/big";
  req.max_body = 200000;
  auto refused = http_perform(req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, rg::ErrorKind::Corrupt);
  EXPECT_NE(refused.error().what.find("larger than"), std::string::npos) << refused.error().what;
  req.max_body = 300000;
  auto kept = http_perform(req);
  ASSERT_TRUE(kept.ok()) << kept.error().str();
  EXPECT_EQ(kept->body.size(), 300000u);
}
