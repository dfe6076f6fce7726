#include "reprise/util/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <climits>
#include <stdexcept>

namespace reprise::util {

namespace {

const unsigned char* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

}  // namespace

std::string hex_lower(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (char byte : bytes) {
    auto value = static_cast<unsigned char>(byte);
    hex.push_back(kHex[value >> 4]);
    hex.push_back(kHex[value & 0x0f]);
  }
  return hex;
}

std::string sha256_hex(std::string_view bytes) {
  // Fetched once: OpenSSL 3 looks the algorithm up in its provider tables on
  // every EVP_sha256() use, which cost more than hashing a small file.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (!sha256 || EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, sha256, nullptr) != 1) {
    throw std::runtime_error("sha256: OpenSSL EVP_Digest failed");
  }
  return hex_lower({reinterpret_cast<const char*>(digest.data()), length});
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  if (key.size() > static_cast<std::size_t>(INT_MAX)) throw std::length_error("hmac_sha256: key too long");
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes_of(data), data.size(), mac.data(), &length) ==
      nullptr) {
    throw std::runtime_error("hmac_sha256: OpenSSL HMAC failed");
  }
  return {reinterpret_cast<const char*>(mac.data()), length};
}

}  // namespace reprise::util
