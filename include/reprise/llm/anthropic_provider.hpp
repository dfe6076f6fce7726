#pragma once
// The Anthropic Messages API as a provider: Request -> HttpRequest, and
// HttpResponse -> Response or a typed LlmError (the API's error body is
// {"type":"error","error":{"type":...,"message":...}}).
#include <string>

#include "reprise/llm/errors.hpp"
#include "reprise/llm/http.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

inline constexpr const char* kAnthropicDefaultBaseUrl = "https://api.anthropic.com";
inline constexpr const char* kAnthropicVersion = "2023-06-01";

class AnthropicProvider {
 public:
  // An empty api_key sends no x-api-key header (cached and dry-run modes need none).
  AnthropicProvider(std::string base_url, std::string api_key);

  HttpRequest build_http_request(const Request& request) const;
  util::Expected<Response, LlmError> parse_http_response(const HttpResponse& http) const;

 private:
  std::string base_url_;
  std::string api_key_;
};

}  // namespace reprise::llm
