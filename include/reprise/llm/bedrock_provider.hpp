#pragma once
// Amazon Bedrock InvokeModel as a provider: the fallback of the shared client.
// The same Request as the Anthropic provider, sent as
//
//   POST <endpoint>/model/<inference profile id, percent-encoded>/invoke
//   content-type, accept: application/json; SigV4 (service "bedrock")
//   body: the Messages API request without "model" and "stream", plus
//         "anthropic_version": "bedrock-2023-05-31"
//
// and answered with the Messages API response body, parsed by the same
// response_from_json. A Response from here says provider == "bedrock", so the
// call log and the caller can tell a fallback answer from a primary one.
//
// Errors: Bedrock's error body is {"message": "..."} and the error's name is
// in the x-amzn-ErrorType header ("ThrottlingException:http://internal...";
// only the part before ':' is kept, as api_error_type). The name decides the
// category, because Bedrock's status codes do not: ServiceQuotaExceeded is a
// 400 and ModelNotReady a 429. A name this code does not know falls back to
// category_for_status. The request id is the x-amzn-RequestId header.
//
// Streaming is not offered: InvokeModel answers with one body
// (invoke-with-response-stream, an AWS event stream, is not implemented), so
// Request::stream is dropped, not sent.
#include <map>
#include <string>
#include <string_view>

#include "reprise/llm/errors.hpp"
#include "reprise/llm/http.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/llm/models.hpp"
#include "reprise/llm/sigv4.hpp"
#include "reprise/llm/wall_clock.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

inline constexpr const char* kBedrockAnthropicVersion = "bedrock-2023-05-31";
inline constexpr const char* kBedrockSigningService = "bedrock";

struct BedrockConfig {
  std::string region;          // "us-east-1"
  std::string endpoint;        // empty: https://bedrock-runtime.<region>.amazonaws.com; tests point it at a loopback fake
  AwsCredentials credentials;  // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
  std::map<std::string, std::string> profiles;  // Anthropic model id -> inference profile id
};

// The cross-region inference profile of each role's model:
// "<geo>.anthropic.<model>-v1:0", e.g. us.anthropic.claude-sonnet-4-5-20250929-v1:0.
//
// The rule holds for the dated Claude 4.5 model ids of ModelRoles' defaults
// (Bedrock base ids anthropic.claude-{sonnet-4-5-20250929,opus-4-5-20251101,
// haiku-4-5-20251001}-v1:0); later models broke it (anthropic.claude-opus-4-6-v1,
// anthropic.claude-sonnet-4-6), so a model bump may need BedrockConfig::profiles
// written by hand. Not every geo offers every model: "us", "eu" and "global"
// offer all three defaults, "apac" none of them (for Asia Pacific, AWS lists
// some of them under "jp" or "au"; see fixtures/api/SOURCE.md). The geo is not
// checked here: a profile that does not exist is Bedrock's 400
// ValidationException at the first call.
std::map<std::string, std::string> bedrock_profiles_for(const ModelRoles& roles, std::string_view geo);

// "https://bedrock-runtime.<region>.amazonaws.com"
std::string bedrock_default_endpoint(std::string_view region);

class BedrockProvider {
 public:
  BedrockProvider(BedrockConfig config, WallClock now = std::chrono::system_clock::now);

  // A model without a profile in the config is invalid_request naming the
  // model; a request that cannot be signed (empty credentials or region) is
  // auth. Neither reaches the network.
  util::Expected<HttpRequest, LlmError> build_http_request(const Request& request) const;
  // A transport failure is network or timeout, as AnthropicProvider maps it;
  // a non-2xx answer is classified as above; a 2xx body that is not a
  // Messages API response is parse.
  util::Expected<Response, LlmError> parse_http_response(const HttpResponse& http) const;

 private:
  BedrockConfig config_;
  WallClock now_;
};

}  // namespace reprise::llm
