#include "server/access_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>

namespace norotriage::server {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

bool IsLowerHex(std::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<std::string> NewAccessToken() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Status::Unavailable("the random number generator failed");
  }
  std::string token = Hex(bytes.data(), bytes.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    return "";  // never matches: AccessTokenMatches rejects a hash that is not 64 characters
  }
  return Hex(digest.data(), length);
}

bool AccessTokenMatches(std::string_view token, std::string_view stored_hash) {
  // Hash even an empty token, so that a missing token, a wrong one and an
  // episode without a token cost about the same time.
  const std::string hash = AccessTokenHash(token);
  static const std::string kNoHash(64, '-');
  const bool usable = !token.empty() && IsLowerHex(stored_hash, 64) && hash.size() == 64;
  const std::string_view expected = usable ? stored_hash : std::string_view(kNoHash);
  const bool equal = hash.size() == expected.size() &&
                     CRYPTO_memcmp(hash.data(), expected.data(), expected.size()) == 0;
  return usable && equal;
}

bool IsEpisodeId(std::string_view id) { return IsLowerHex(id, 32); }

}  // namespace norotriage::server
