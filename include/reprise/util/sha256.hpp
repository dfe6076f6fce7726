#pragma once
// SHA-256 over bytes, as lowercase hex. The request fingerprint, the call
// log's prompt_sha256 and a fixture's request_sha256 are all this digest.
//
// hmac_sha256 returns raw bytes, not hex, because SigV4 chains it: each
// step's 32-byte result is the key of the next.
#include <string>
#include <string_view>

namespace reprise::util {

std::string sha256_hex(std::string_view bytes);

// HMAC-SHA256 (RFC 2104) of `data` under `key`: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Lowercase hex of any bytes.
std::string hex_lower(std::string_view bytes);

}  // namespace reprise::util
