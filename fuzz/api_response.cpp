// Fuzz target: the Messages API response parser, an HTTP body as the
// Anthropic API or Bedrock answers it -> Response or a typed LlmError
// (AnthropicProvider and BedrockProvider::parse_http_response).
// The body is read as a success (200) and as one error status, chosen by the
// input's size so each input always takes the same paths.
// Properties: nothing throws; an error carries the status and the request id;
// an accepted response survives response_to_json -> response_from_json.
#include <array>

#include "fuzz_target.hpp"
#include "reprise/llm/anthropic_provider.hpp"
#include "reprise/llm/bedrock_provider.hpp"
#include "reprise/llm/json_codec.hpp"

namespace {

using reprise::fuzz::require;
namespace llm = reprise::llm;

template <typename Provider>
void parse_as(const Provider& provider, int status, std::string_view body) {
  llm::HttpResponse http;
  http.status = status;
  http.headers = {{"request-id", "req_fuzz"}, {"x-amzn-requestid", "req_fuzz"}, {"content-type", "application/json"}};
  http.body = std::string(body);
  const auto parsed = provider.parse_http_response(http);
  if (!parsed) {
    require(parsed.error().status == status, "an error keeps the HTTP status");
    require(parsed.error().request_id == "req_fuzz", "an error keeps the request id");
    return;
  }
  require(status / 100 == 2, "only a 2xx answer is a response");
  const auto json = llm::response_to_json(*parsed);
  const auto again = llm::response_from_json(json);
  require(again.has_value(), "an accepted response reads back from its JSON");
  require(llm::response_to_json(*again) == json, "a response's JSON round trip is exact");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const llm::AnthropicProvider anthropic("https://api.anthropic.com", "");
  static const llm::BedrockProvider bedrock(llm::BedrockConfig{"us-east-1", "", {"AKIDFUZZ", "fuzz-secret", ""}, {}});
  constexpr std::array<int, 5> error_statuses{400, 401, 429, 500, 529};
  const auto body = reprise::fuzz::as_text(data, size);
  const int error_status = error_statuses[size % error_statuses.size()];
  parse_as(anthropic, 200, body);
  parse_as(anthropic, error_status, body);
  parse_as(bedrock, 200, body);
  parse_as(bedrock, error_status, body);
  return 0;
}
