#include "harden/password.h"

#include <sys/random.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

namespace rg::harden {

namespace {

Status getrandom_all(std::uint8_t* p, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::getrandom(p + done, size - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorKind::Io, "getrandom", std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return ok_status();
}

}  // namespace

OsRandom::~OsRandom() {
  volatile std::uint8_t* p = pool_;
  for (std::size_t i = 0; i < sizeof pool_; ++i) p[i] = 0;
}

Status OsRandom::fill(std::span<std::uint8_t> out) {
  for (std::uint8_t& b : out) {
    if (left_ == 0) {
      if (Status st = getrandom_all(pool_, sizeof pool_); !st) return st;
      left_ = sizeof pool_;
    }
    b = pool_[sizeof pool_ - left_];
    pool_[sizeof pool_ - left_] = 0;  // a served byte is not kept
    --left_;
  }
  return ok_status();
}

namespace {

constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kDigits = "0123456789";

std::string without(std::string_view set, bool no_ambiguous) {
  std::string out;
  for (char c : set)
    if (!no_ambiguous || kAmbiguous.find(c) == std::string_view::npos) out += c;
  return out;
}

// Sizes of the four classes in the alphabet.
std::vector<std::size_t> class_sizes(bool no_ambiguous) {
  return {without(kUpper, no_ambiguous).size(), without(kLower, no_ambiguous).size(),
          without(kDigits, no_ambiguous).size(), without(kAwsRootSymbols, no_ambiguous).size()};
}

}  // namespace

std::string password_alphabet(bool no_ambiguous) {
  return without(kUpper, no_ambiguous) + without(kLower, no_ambiguous) + without(kDigits, no_ambiguous) +
         without(kAwsRootSymbols, no_ambiguous);
}

int character_classes(std::string_view s) {
  bool seen[4] = {false, false, false, false};
  for (char c : s) {
    if (kUpper.find(c) != std::string_view::npos) seen[0] = true;
    else if (kLower.find(c) != std::string_view::npos) seen[1] = true;
    else if (kDigits.find(c) != std::string_view::npos) seen[2] = true;
    else if (kAwsRootSymbols.find(c) != std::string_view::npos) seen[3] = true;
  }
  return seen[0] + seen[1] + seen[2] + seen[3];
}

bool meets_aws_root_rules(std::string_view s) {
  if (s.size() < static_cast<std::size_t>(kMinPasswordLength) || s.size() > static_cast<std::size_t>(kMaxPasswordLength))
    return false;
  const std::string all = password_alphabet(false);
  for (char c : s)
    if (all.find(c) == std::string::npos) return false;
  return character_classes(s) >= 3;
}

Result<std::size_t> uniform_index(std::size_t n, RandomSource& rng) {
  if (n == 0 || n > 256) return make_error(ErrorKind::Invalid, "", "uniform_index: n out of range");
  const unsigned limit = 256u - (256u % static_cast<unsigned>(n));  // largest multiple of n <= 256
  std::uint8_t b = 0;
  for (;;) {
    Status st = rng.fill(std::span<std::uint8_t>(&b, 1));
    if (!st) return st.error();
    if (b < limit) return static_cast<std::size_t>(b % n);
  }
}

Status validate(const PasswordOptions& o) {
  if (o.length < kMinPasswordLength || o.length > kMaxPasswordLength)
    return make_error(ErrorKind::Invalid, "", "--length " + std::to_string(o.length) +
                                                  ": AWS root passwords must be 8 to 128 characters");
  return ok_status();
}

Result<std::string> generate_password(const PasswordOptions& o, RandomSource& rng) {
  Status v = validate(o);
  if (!v) return v.error();
  const std::string alphabet = password_alphabet(o.no_ambiguous);
  std::string pw(static_cast<std::size_t>(o.length), '\0');
  for (;;) {
    for (char& c : pw) {
      auto i = uniform_index(alphabet.size(), rng);
      if (!i) {
        wipe(pw);
        return i.error();
      }
      c = alphabet[*i];
    }
    if (character_classes(pw) >= 3) return pw;
    // Missing a class: draw the whole password again (keeps the result uniform).
  }
}

double password_entropy_bits(const PasswordOptions& o) {
  // Count of strings of length L with at least three classes, by inclusion-exclusion over
  // the classes used, as a fraction of all n^L strings (terms <= 1: no overflow).
  const auto sizes = class_sizes(o.no_ambiguous);
  const double n = static_cast<double>(sizes[0] + sizes[1] + sizes[2] + sizes[3]);
  const int L = o.length;
  // exactly[S] = number of strings (as fraction) using exactly the classes in S.
  double fraction_ok = 0;
  for (unsigned s = 0; s < 16; ++s) {
    if (__builtin_popcount(s) < 3) continue;
    double exactly = 0;
    for (unsigned t = s;; t = (t - 1) & s) {  // subsets of s
      double m = 0;
      for (int k = 0; k < 4; ++k)
        if (t & (1u << k)) m += static_cast<double>(sizes[static_cast<std::size_t>(k)]);
      const double term = std::pow(m / n, L);
      exactly += ((__builtin_popcount(s) - __builtin_popcount(t)) % 2 ? -term : term);
      if (t == 0) break;
    }
    fraction_ok += exactly;
  }
  return L * std::log2(n) + std::log2(fraction_ok);
}

void wipe(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

}  // namespace rg::harden
