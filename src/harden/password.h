// Root passwords that nobody keeps: random, from the OS CSPRNG, meeting AWS's root password
// rules (IAM User Guide, "Changing the AWS account root user password"):
//   - 8 to 128 characters;
//   - at least three of: uppercase, lowercase, digits, and the symbols
//     ! @ # $ % ^ & * ( ) < > [ ] { } | _ + - =
//
// Every character is drawn uniformly from the alphabet with rejection sampling (no modulo
// bias); a password that misses the three-classes rule is drawn again whole, so the result
// is uniform over all passwords that satisfy the rules. The caller owns the output and
// should wipe it (wipe()) after printing; nothing here logs or stores it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace rg::harden {

inline constexpr int kMinPasswordLength = 8;
inline constexpr int kMaxPasswordLength = 128;
inline constexpr int kDefaultPasswordLength = 20;
inline constexpr std::string_view kAwsRootSymbols = "!@#$%^&*()<>[]{}|_+-=";
// Characters easy to misread or mistype from a printout: 0 O o 1 l I |.
inline constexpr std::string_view kAmbiguous = "0Oo1lI|";

// Where random bytes come from. fill() either fills all of out or fails.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual Status fill(std::span<std::uint8_t> out) = 0;
};

// getrandom(2), blocking until the kernel pool is initialised; retries EINTR and short reads.
// Keeps a small pool so that one-byte requests do not cost a system call each; the pool is
// wiped when the object dies.
class OsRandom final : public RandomSource {
 public:
  OsRandom() = default;
  OsRandom(const OsRandom&) = delete;
  OsRandom& operator=(const OsRandom&) = delete;
  ~OsRandom() override;
  Status fill(std::span<std::uint8_t> out) override;

 private:
  std::uint8_t pool_[64] = {};
  std::size_t left_ = 0;  // unread bytes at the end of pool_
};

struct PasswordOptions {
  int length = kDefaultPasswordLength;
  bool no_ambiguous = false;
};

// The alphabet in use, grouped: upper, lower, digits, symbols.
std::string password_alphabet(bool no_ambiguous);

// Which of the four classes (upper, lower, digit, AWS symbol) s uses, as a count 0..4.
int character_classes(std::string_view s);
// AWS's rules: length 8..128, only characters AWS accepts here, >= 3 classes.
bool meets_aws_root_rules(std::string_view s);

// A uniform index in [0, n) (1 <= n <= 256) from single random bytes; bytes at or above
// the largest multiple of n that fits in 256 are rejected and drawn again.
Result<std::size_t> uniform_index(std::size_t n, RandomSource& rng);

// Checks the options (length within AWS's limits); the message names the flag.
Status validate(const PasswordOptions& opts);

Result<std::string> generate_password(const PasswordOptions& opts, RandomSource& rng);

// log2 of the number of passwords generate_password() can return (all equally likely).
double password_entropy_bits(const PasswordOptions& opts);

// Overwrites a string's bytes in a way the compiler may not elide.
void wipe(std::string& s);

}  // namespace rg::harden
