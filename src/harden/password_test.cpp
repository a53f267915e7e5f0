#include "harden/password.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <map>
#include <set>

namespace rg::harden {
namespace {

// Serves the given bytes, then fails.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::deque<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  Status fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) {
      if (bytes_.empty()) return make_error(ErrorKind::Io, "scripted", "out of bytes");
      b = bytes_.front();
      bytes_.pop_front();
      ++used;
    }
    return ok_status();
  }
  std::size_t used = 0;

 private:
  std::deque<std::uint8_t> bytes_;
};

TEST(Password, AlphabetIsAwsRootSet) {
  const std::string a = password_alphabet(false);
  EXPECT_EQ(a.size(), 26u + 26u + 10u + 21u);
  for (char c : std::string("!@#$%^&*()<>[]{}|_+-=")) EXPECT_NE(a.find(c), std::string::npos) << c;
  for (char c : std::string("~`'\"\\/?.,:; ")) EXPECT_EQ(a.find(c), std::string::npos) << "AWS does not list '" << c << "'";
  const std::string clear = password_alphabet(true);
  for (char c : kAmbiguous) EXPECT_EQ(clear.find(c), std::string::npos) << c;
  EXPECT_EQ(clear.size(), a.size() - kAmbiguous.size());
}

TEST(Password, RejectionSamplingDropsBytesAboveTheLastFullBlock) {
  // n = 83: 256 % 83 = 7, so bytes 249..255 must be rejected; 248 is kept (248 % 83 = 82).
  ScriptedRandom rng({255, 249, 250, 248});
  auto i = uniform_index(83, rng);
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(*i, 82u);
  EXPECT_EQ(rng.used, 4u);
  ScriptedRandom rng2({7});
  EXPECT_EQ(*uniform_index(83, rng2), 7u);
  ScriptedRandom empty({});
  EXPECT_FALSE(uniform_index(83, empty).ok()) << "a failing source is an error, never a fallback";
}

TEST(Password, RedrawsAPasswordMissingTwoClasses) {
  // Alphabet order: A-Z (0-25), a-z (26-51), 0-9 (52-61), symbols (62-82).
  std::deque<std::uint8_t> bytes(8, 26);                 // "aaaaaaaa": one class only
  for (std::uint8_t b : {0, 26, 52, 62, 1, 27, 53, 63}) bytes.push_back(b);  // "Aa0!Bb1@"
  ScriptedRandom rng(bytes);
  auto pw = generate_password({.length = 8, .no_ambiguous = false}, rng);
  ASSERT_TRUE(pw.ok());
  EXPECT_EQ(*pw, "Aa0!Bb1@");
}

TEST(Password, LengthLimitsAreAws) {
  EXPECT_FALSE(validate(PasswordOptions{.length = 7, .no_ambiguous = false}).ok());
  EXPECT_FALSE(validate(PasswordOptions{.length = 129, .no_ambiguous = false}).ok());
  EXPECT_FALSE(validate(PasswordOptions{.length = 0, .no_ambiguous = false}).ok());
  OsRandom rng;
  for (int len : {8, 20, 128}) {
    auto pw = generate_password({.length = len, .no_ambiguous = false}, rng);
    ASSERT_TRUE(pw.ok());
    EXPECT_EQ(pw->size(), static_cast<std::size_t>(len));
  }
  EXPECT_FALSE(generate_password({.length = 200, .no_ambiguous = false}, rng).ok());
}

TEST(Password, EveryShortPasswordMeetsTheCompositionRules) {
  OsRandom rng;
  for (int i = 0; i < 3000; ++i) {
    auto pw = generate_password({.length = 8, .no_ambiguous = (i % 2 == 1)}, rng);
    ASSERT_TRUE(pw.ok());
    ASSERT_TRUE(meets_aws_root_rules(*pw)) << *pw;
    if (i % 2 == 1) {
      for (char c : *pw) ASSERT_EQ(kAmbiguous.find(c), std::string_view::npos) << *pw;
    }
  }
  EXPECT_FALSE(meets_aws_root_rules("abcdefgh")) << "one class";
  EXPECT_FALSE(meets_aws_root_rules("abcdEFGH")) << "two classes";
  EXPECT_TRUE(meets_aws_root_rules("abcdEF12"));
  EXPECT_FALSE(meets_aws_root_rules("abcD1!~x")) << "'~' is not in AWS's symbol list";
  EXPECT_FALSE(meets_aws_root_rules("aB1!")) << "too short";
}

// Pearson's chi-square statistic of counts against a uniform distribution.
double chi_square(const std::map<char, std::size_t>& counts, std::size_t k, std::size_t total) {
  const double expected = static_cast<double>(total) / static_cast<double>(k);
  double chi = 0;
  for (const auto& [c, n] : counts) chi += (static_cast<double>(n) - expected) * (static_cast<double>(n) - expected) / expected;
  chi += static_cast<double>(k - counts.size()) * expected;  // symbols never drawn
  return chi;
}

// Upper critical value of chi-square with df degrees of freedom at z standard deviations
// (Wilson-Hilferty). z = 6 is a false-alarm probability near 1e-9: the test cannot flake,
// yet modulo bias (some characters 4/3 as likely) gives a statistic in the thousands.
double chi_square_critical(double df, double z) {
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3);
}

TEST(Password, CharactersAreUniformChiSquare) {
  OsRandom rng;
  const std::string alphabet = password_alphabet(false);
  std::map<char, std::size_t> counts;
  std::size_t total = 0;
  for (int i = 0; i < 20000; ++i) {
    auto pw = generate_password({.length = 20, .no_ambiguous = false}, rng);
    ASSERT_TRUE(pw.ok());
    for (char c : *pw) ++counts[c];
    total += pw->size();
  }
  const double limit = chi_square_critical(static_cast<double>(alphabet.size() - 1), 6.0);
  EXPECT_GT(limit, 150.0);
  EXPECT_LT(limit, 200.0);
  const double chi = chi_square(counts, alphabet.size(), total);
  EXPECT_LT(chi, limit) << "character distribution is not uniform (df " << alphabet.size() - 1 << ")";
  EXPECT_EQ(counts.size(), alphabet.size()) << "some character never appeared in " << total << " draws";

  // The same test on a modulo-biased generator must fail, or the test has no power.
  std::map<char, std::size_t> biased;
  std::uint8_t b = 0;
  for (std::size_t i = 0; i < total; ++i) {
    ASSERT_TRUE(rng.fill(std::span<std::uint8_t>(&b, 1)).ok());
    ++biased[alphabet[b % alphabet.size()]];
  }
  EXPECT_GT(chi_square(biased, alphabet.size(), total), limit);
}

// Exact count of valid passwords by dynamic programming over the set of classes used so far
// (an independent way to the entropy than the inclusion-exclusion in the library).
double entropy_by_dp(int length, bool no_ambiguous) {
  const std::string a = password_alphabet(no_ambiguous);
  std::size_t size[4] = {0, 0, 0, 0};
  for (char c : a) {
    const int cls = std::isupper(static_cast<unsigned char>(c)) ? 0 : std::islower(static_cast<unsigned char>(c)) ? 1
                    : std::isdigit(static_cast<unsigned char>(c)) ? 2 : 3;
    ++size[cls];
  }
  const double n = static_cast<double>(a.size());
  std::vector<double> p(16, 0.0);  // probability of each used-class mask
  p[0] = 1.0;
  for (int i = 0; i < length; ++i) {
    std::vector<double> q(16, 0.0);
    for (int m = 0; m < 16; ++m)
      for (int c = 0; c < 4; ++c) q[static_cast<std::size_t>(m | (1 << c))] += p[static_cast<std::size_t>(m)] * static_cast<double>(size[c]) / n;
    p = q;
  }
  double ok = 0;
  for (int m = 0; m < 16; ++m)
    if (__builtin_popcount(static_cast<unsigned>(m)) >= 3) ok += p[static_cast<std::size_t>(m)];
  return length * std::log2(n) + std::log2(ok);
}

TEST(Password, EntropyCountsOnlyValidPasswords) {
  for (int len : {8, 9, 12, 20, 64, 128})
    for (bool na : {false, true}) {
      const double lib = password_entropy_bits({.length = len, .no_ambiguous = na});
      EXPECT_NEAR(lib, entropy_by_dp(len, na), 1e-6) << len;
      EXPECT_LT(lib, len * std::log2(static_cast<double>(password_alphabet(na).size())) + 1e-9);
    }
  // 20 characters: about 127.5 bits, well past the 80 bits a guess-by-network attack needs.
  EXPECT_NEAR(password_entropy_bits({.length = 20, .no_ambiguous = false}), 127.5, 0.05);
}

TEST(Password, WipeClearsTheBytes) {
  std::string s = "Secret-123!";
  wipe(s);
  EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace rg::harden
