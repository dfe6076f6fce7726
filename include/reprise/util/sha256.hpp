#pragma once
// SHA-256 over bytes, as lowercase hex. The request fingerprint, the call
// log's prompt_sha256 and a fixture's request_sha256 are all this digest.
#include <string>
#include <string_view>

namespace reprise::util {

std::string sha256_hex(std::string_view bytes);

}  // namespace reprise::util
