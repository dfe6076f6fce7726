#include "reprise/llm/fingerprint.hpp"

#include "reprise/llm/json_codec.hpp"
#include "reprise/util/sha256.hpp"

namespace reprise::llm {

// nlohmann's object is a std::map: keys are already sorted.
std::string canonical_request_json(const Json& body) {
  if (!body.is_object() || !body.contains("stream")) return body.dump(-1, ' ', false, Json::error_handler_t::replace);
  Json canonical = body;  // copied only to drop `stream`
  canonical.erase("stream");
  return canonical.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string request_fingerprint(const Json& body) { return util::sha256_hex(canonical_request_json(body)); }

std::string request_fingerprint(const Request& request) { return request_fingerprint(request_to_json(request)); }

}  // namespace reprise::llm
