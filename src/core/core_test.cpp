#include <gtest/gtest.h>

#include "core/diagnostics.h"
#include "core/dynlib.h"
#include "core/redact.h"
#include "core/result.h"
#include "core/severity.h"
#include "core/strings.h"
#include "core/time.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rg {
namespace {

// A library loaded on first use gives its functions; one that is missing ends the process
// with one line naming it and what it is for, and exit status 2.
TEST(DynLib, FindsALibrarysFunctionOrSaysWhichIsMissing) {
  auto len = dynlib::function<std::size_t (*)(const char*)>("libc.so.6", "a test", "strlen");
  EXPECT_EQ(len("rootguard"), 9u);
  EXPECT_EQ(len, dynlib::function<std::size_t (*)(const char*)>("libc.so.6", "a test", "strlen"));
  EXPECT_EXIT(dynlib::symbol("libnot-there.so.7", "the tests", "f"), testing::ExitedWithCode(2),
              "^rootguard: error: cannot load libnot-there.so.7 \\(the tests\\): .*libnot-there.so.7.*\n$");
  EXPECT_EXIT(dynlib::symbol("libc.so.6", "the tests", "no_such_function_here"), testing::ExitedWithCode(2),
              "cannot load libc.so.6 \\(the tests\\): .*no_such_function_here");
}

TEST(Time, ParsesCloudTrailAndCredentialReportForms) {
  EXPECT_EQ(parse_iso8601_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso8601_ms("2026-11-20T10:00:00Z"), parse_iso8601_ms("2026-11-20T10:00Z"));
  EXPECT_EQ(parse_iso8601_ms("2026-11-20T10:00:00+00:00"), parse_iso8601_ms("2026-11-20T10:00:00Z"));
  EXPECT_EQ(*parse_iso8601_ms("2026-11-20T10:00:00+01:00") + 3600000, *parse_iso8601_ms("2026-11-20T10:00:00Z"));
  EXPECT_EQ(*parse_iso8601_ms("2026-11-20T10:00:00.250Z") - 250, *parse_iso8601_ms("2026-11-20T10:00:00Z"));
  EXPECT_EQ(parse_iso8601_ms("2026-11-20"), parse_iso8601_ms("2026-11-20T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601_ms("N/A"));
  EXPECT_FALSE(parse_iso8601_ms("no_information"));
  EXPECT_FALSE(parse_iso8601_ms("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601_ms("2026-11-20T10:00:00Zjunk"));
}

TEST(Time, FormatRoundTrips) {
  for (const char* s : {"2026-11-20T10:00:00Z", "1999-12-31T23:59:59Z", "2024-02-29T12:34:56.789Z"})
    EXPECT_EQ(format_iso8601(*parse_iso8601_ms(s)), s);
}

TEST(Time, DurationsAndTimesBackFromNow) {
  EXPECT_EQ(parse_duration_ms("500ms"), 500);
  EXPECT_EQ(parse_duration_ms("60"), 60'000);
  EXPECT_EQ(parse_duration_ms("90m"), 90 * 60'000);
  EXPECT_EQ(parse_duration_ms("2w"), 14 * 86'400'000LL);
  for (const char* bad : {"", "h", "10x", "1.5h", "-3d", "1234567890s", "7 d"}) EXPECT_FALSE(parse_duration_ms(bad)) << bad;
  const std::int64_t now = *parse_iso8601_ms("2026-12-04T09:30:00Z");
  EXPECT_EQ(parse_time_or_ago_ms("24h", now), parse_iso8601_ms("2026-12-03T09:30:00Z"));
  EXPECT_EQ(parse_time_or_ago_ms("7d", now), parse_iso8601_ms("2026-11-27T09:30:00Z"));
  EXPECT_EQ(parse_time_or_ago_ms("2026-11-20", now), parse_iso8601_ms("2026-11-20T00:00:00Z"));
  EXPECT_FALSE(parse_time_or_ago_ms("3600", now));  // a bare number: seconds ago, or since the epoch?
  EXPECT_FALSE(parse_time_or_ago_ms("yesterday", now));
}

TEST(Severity, ParsesSigmaLevelsAndOrders) {
  EXPECT_EQ(parse_severity("informational"), Severity::Info);
  EXPECT_EQ(parse_severity("CRITICAL"), Severity::Critical);
  EXPECT_FALSE(parse_severity("severe"));
  EXPECT_LT(Severity::Medium, Severity::High);
  EXPECT_EQ(raise(Severity::High), Severity::Critical);
  EXPECT_EQ(raise(Severity::Critical), Severity::Critical);
}

TEST(Redact, NeverShowsSecretsButKeepsKeyIds) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  std::string out = redact_secrets("aws_secret_access_key = " + secret + " for AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(out.find(secret), std::string::npos) << out;
  EXPECT_NE(out.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << out;
  out = redact_secrets("bare " + secret + " here");
  EXPECT_EQ(out.find(secret), std::string::npos) << out;
  out = redact_secrets("X-Amz-Security-Token: FwoGZXIvYXdzEBYaDH7token");
  EXPECT_EQ(out.find("FwoGZXIvYXdzEBYaDH7token"), std::string::npos) << out;
  out = redact_url("https://hooks.slack.com/services/T000/B000/XXXXSECRET");
  EXPECT_EQ(out.find("XXXXSECRET"), std::string::npos) << out;
  EXPECT_NE(out.find("hooks.slack.com"), std::string::npos) << out;
  out = redact_secrets("posting to https://user:pa55@siem.example/ingest?key=abc failed");
  EXPECT_EQ(out.find("pa55"), std::string::npos) << out;
  EXPECT_EQ(out.find("key=abc"), std::string::npos) << out;
  // The punctuation of the sentence around a URL stays: "<url>: what went wrong".
  out = redact_secrets("http://127.0.0.1:1/bucket/?list-type=2&prefix=AWSLogs/: Failed to connect");
  EXPECT_EQ(out, "http://127.0.0.1:1/bucket/****?****: Failed to connect");
  out = redact_secrets("(see https://hooks.example/services/T0/SECRET), then retry.");
  EXPECT_EQ(out, "(see https://hooks.example/services/****), then retry.");
  // An S3 object's key names the file in an error: it stays whole.
  out = redact_secrets("s3://org-trail/AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/2026/11/20/f.json.gz: truncated");
  EXPECT_NE(out.find("s3://org-trail/AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/2026/11/20/f.json.gz"),
            std::string::npos)
      << out;
}

// redact_secrets passes over the patterns a line cannot match (for speed); what it returns must
// be what running every pattern returns, on lines made of the pieces each pattern looks for.
TEST(Redact, PassingOverPatternsChangesNothing) {
  const std::vector<std::string> pieces = {
      "aws_secret_access_key", "SecretAccessKey", "secretKey", "SESSION_TOKEN", "sessionToken", "X-Amz-Security-Token",
      "x-amz-security-token", "Password", "passwd", "Signature", "token", "Token", "Authorization:", "AUTHORIZATION: ",
      "=", ": ", "\"", "'", " ", "\n", "&", ",", ";", "}", "/", "+", "-", "\xc3\xa9",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",    // 40, a secret key's shape
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE",     // 39
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYS",   // 41
      "abcdefghijabcdefghijabcdefghijabcdefghij",    // 40, letters only
      "AKIAIOSFODNN7EXAMPLE", "hunter2", "s3://trail/AWSLogs/f.json.gz", "https://u:pa55@h.example/x/y?key=1",
      "t.json.gz:91233", "invalid JSON"};
  std::uint32_t seed = 11;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  std::size_t redacted = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string line;
    for (std::uint32_t k = 0, n = 1 + next() % 8; k < n; ++k) line += pieces[next() % pieces.size()];
    const std::string fast = redact_secrets(line), every = redact_secrets_with(line, true);
    ASSERT_EQ(fast, every) << "line: " << line;
    redacted += fast != line;
  }
  EXPECT_GT(redacted, 300u);  // the lines do hold secrets, and some not
  EXPECT_LT(redacted, 1400u);
}

TEST(Diagnostics, CountsErrorsAndRedactsLines) {
  std::vector<std::string> printed;
  Diagnostics d([&](Diagnostics::Level, const std::string& l) { printed.push_back(l); });
  d.error(ErrorKind::Corrupt, "t.json.gz:91233", "invalid JSON, record skipped");
  d.note("x.json", "CloudTrail digest file skipped");
  d.error(ErrorKind::Io, "creds", "password=hunter2hunter2 rejected");
  EXPECT_EQ(d.error_count(), 2u);
  ASSERT_EQ(printed.size(), 3u);
  EXPECT_EQ(printed[0], "t.json.gz:91233: invalid JSON, record skipped");
  EXPECT_EQ(printed[2].find("hunter2"), std::string::npos);
}

TEST(Result, HoldsValueOrError) {
  Result<int> good = 3;
  Result<int> bad = make_error(ErrorKind::Io, "f", "gone");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().str(), "f: gone");
  EXPECT_EQ(bad.value_or(7), 7);
}

}  // namespace
}  // namespace rg

TEST(Strings, FindGivesTheFirstOffsetLikeStdFind) {
  // Needles of every length up to 24 at every offset of haystacks up to 80 bytes, near misses
  // (one byte changed) beside them, and at the very end.
  const std::string alphabet = "\"ab:{}CT";
  std::uint32_t seed = 7;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  for (std::size_t m = 0; m <= 24; ++m) {
    std::string needle;
    for (std::size_t k = 0; k < m; ++k) needle += alphabet[next() % alphabet.size()];
    for (std::size_t n = 0; n <= 80; ++n) {
      for (int round = 0; round < 4; ++round) {
        std::string hay;
        for (std::size_t k = 0; k < n; ++k) hay += alphabet[next() % alphabet.size()];
        if (m > 0 && m <= n && round > 0) {
          const std::size_t at = round == 3 ? n - m : next() % (n - m + 1);
          hay.replace(at, m, needle);
          if (round == 2) hay[at + next() % m] ^= 1;  // a near miss
        }
        EXPECT_EQ(rg::find(hay, needle), hay.find(needle)) << "needle '" << needle << "' in '" << hay << "'";
        EXPECT_EQ(rg::contains(hay, needle), hay.find(needle) != std::string::npos);
      }
    }
  }
}

TEST(Strings, JsonEscapeEscapesEveryByteThatNeedsItWhereverItIs) {
  // Each byte value at every offset of strings up to 40 bytes (across the 16-byte steps and
  // the tail), beside plain text, UTF-8 and byte 0x7f, which need no escape.
  auto expect = [](unsigned char c) -> std::string {
    switch (c) {
      case '"': return "\\\"";
      case '\\': return "\\\\";
      case '\n': return "\\n";
      case '\r': return "\\r";
      case '\t': return "\\t";
      case '\b': return "\\b";
      case '\f': return "\\f";
      default: break;
    }
    if (c < 0x20) {
      const char* hex = "0123456789abcdef";
      return std::string("\\u00") + hex[c >> 4] + hex[c & 15];
    }
    return std::string(1, static_cast<char>(c));
  };
  const std::string filler = "Root signin \xc3\xa9t\xc3\xa9 \x7f arn:aws:iam::111122223333:root/x-y_z";
  for (int c = 0; c < 256; ++c) {
    for (std::size_t n = 1; n <= 40; ++n) {
      for (std::size_t at = 0; at < n; ++at) {
        std::string in = filler.substr(0, n);
        in[at] = static_cast<char>(c);
        std::string want;
        for (unsigned char b : in) want += expect(b);
        ASSERT_EQ(rg::json_escape(in), want) << "byte " << c << " at " << at << " of " << n;
      }
    }
  }
  EXPECT_EQ(rg::json_escape(""), "");
  EXPECT_EQ(rg::json_escape(std::string(100, '"')), [] {
    std::string s;
    for (int i = 0; i < 100; ++i) s += "\\\"";
    return s;
  }());
  std::string appended = "{";
  rg::append_json_escaped(appended, "a\"b");
  EXPECT_EQ(appended, "{a\\\"b");  // appended after what was there
}

TEST(Strings, CountedUsesTheSingularForOneOnly) {
  EXPECT_EQ(rg::counted(1, "event"), "1 event");
  EXPECT_EQ(rg::counted(0, "event"), "0 events");
  EXPECT_EQ(rg::counted(2, "match", "matches"), "2 matches");
  EXPECT_EQ(rg::counted(1, "match", "matches"), "1 match");
  EXPECT_EQ(rg::counted(18446744073709551615ULL, "file"), "18446744073709551615 files");
}

TEST(Strings, Utf8PrefixNeverCutsACharacter) {
  EXPECT_EQ(rg::utf8_prefix("abc", 5), "abc");
  EXPECT_EQ(rg::utf8_prefix("abcdef", 3), "abc");
  const std::string s = "ab\xC3\xA9z";  // "abéz": é is two bytes
  EXPECT_EQ(rg::utf8_prefix(s, 3), "ab") << "é would be cut in two";
  EXPECT_EQ(rg::utf8_prefix(s, 4), "ab\xC3\xA9");
  const std::string emoji = "x\xF0\x9F\x94\x91y";  // a four-byte character
  for (std::size_t n = 1; n < 5; ++n) EXPECT_EQ(rg::utf8_prefix(emoji, n), "x") << n;
  EXPECT_EQ(rg::utf8_prefix(emoji, 5), "x\xF0\x9F\x94\x91");
  EXPECT_EQ(rg::utf8_prefix(emoji, 0), "");
}

TEST(Strings, HtmlEscapeMakesMarkupText) {
  EXPECT_EQ(rg::html_escape("<script>alert('x' & \"y\")</script>"),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
  EXPECT_EQ(rg::html_escape("arn:aws:iam::111122223333:root \xc3\xa9"), "arn:aws:iam::111122223333:root \xc3\xa9");
  EXPECT_EQ(rg::html_escape("&amp;"), "&amp;amp;");  // escaped once more, not taken as an entity
  EXPECT_EQ(rg::html_escape(""), "");
}
