#include "reprise/llm/bedrock_provider.hpp"

#include <utility>

#include "reprise/llm/json_codec.hpp"

namespace reprise::llm {
namespace {

using util::unexpected;

struct NamedError {
  std::string_view name;
  ErrorCategory category;
};

// Bedrock Runtime's InvokeModel errors (botocore bedrock-runtime service-2.json)
// and the AWS-wide authentication errors (the APIs' "Common Errors").
constexpr NamedError kBedrockErrors[] = {
    {"ValidationException", ErrorCategory::invalid_request},            // 400
    {"AccessDeniedException", ErrorCategory::permission},               // 403
    {"UnrecognizedClientException", ErrorCategory::auth},               // 403: unknown access key id
    {"InvalidSignatureException", ErrorCategory::auth},                 // 403
    {"IncompleteSignature", ErrorCategory::auth},                       // 400 or 403
    {"ExpiredTokenException", ErrorCategory::auth},                     // 403: session token expired
    {"InvalidClientTokenId", ErrorCategory::auth},                      // 403
    {"MissingAuthenticationToken", ErrorCategory::auth},                // 403
    {"ResourceNotFoundException", ErrorCategory::not_found},            // 404
    {"ModelTimeoutException", ErrorCategory::timeout},                  // 408
    {"ModelErrorException", ErrorCategory::server},                     // 424
    {"ThrottlingException", ErrorCategory::rate_limited},               // 429
    {"ModelNotReadyException", ErrorCategory::rate_limited},            // 429: AWS SDKs retry it
    {"ServiceQuotaExceededException", ErrorCategory::rate_limited},     // 400, but a quota, not a bad request
    {"InternalServerException", ErrorCategory::server},                 // 500
    {"InternalFailure", ErrorCategory::server},                         // 500
    {"ServiceUnavailableException", ErrorCategory::overloaded},         // 503
    {"ServiceUnavailable", ErrorCategory::overloaded},                  // 503
};

ErrorCategory category_for(std::string_view error_type, int status) {
  for (const auto& known : kBedrockErrors) {
    if (known.name == error_type) return known.category;
  }
  return category_for_status(status);
}

// "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"
// -> "ThrottlingException". The JSON protocols may also send a namespace:
// "com.amazon.coral.service#ThrottlingException" -> "ThrottlingException".
std::string error_type_name(std::string_view raw) {
  raw = raw.substr(0, raw.find(':'));
  if (auto hash = raw.rfind('#'); hash != std::string_view::npos) raw.remove_prefix(hash + 1);
  while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
  return std::string(raw);
}

std::string string_field(const Json& json, const char* name) {
  auto found = json.find(name);
  return found != json.end() && found->is_string() ? found->get<std::string>() : std::string();
}

LlmError error_from_answer(const HttpResponse& http, std::string request_id) {
  Json body = Json::parse(http.body, nullptr, false);
  std::string raw_type = find_header(http.headers, "x-amzn-ErrorType").value_or("");
  if (raw_type.empty() && body.is_object()) raw_type = string_field(body, "__type");
  LlmError error;
  error.status = http.status;
  error.api_error_type = error_type_name(raw_type);
  error.category = category_for(error.api_error_type, http.status);
  error.request_id = std::move(request_id);
  if (body.is_object()) {
    error.message = string_field(body, "message");
    if (error.message.empty()) error.message = string_field(body, "Message");
  }
  if (error.message.empty()) {
    error.message = "HTTP " + std::to_string(http.status) + " with a body that is not a Bedrock error object";
  }
  return error;
}

std::string known_models(const std::map<std::string, std::string>& profiles) {
  std::string names;
  for (const auto& [model, profile] : profiles) names += (names.empty() ? "" : ", ") + model;
  return names.empty() ? "none" : names;
}

}  // namespace

std::map<std::string, std::string> bedrock_profiles_for(const ModelRoles& roles, std::string_view geo) {
  std::map<std::string, std::string> profiles;
  for (auto role : {ModelRole::workhorse, ModelRole::synthesis, ModelRole::routing}) {
    const std::string& model = roles.model_for(role);
    profiles[model] = std::string(geo) + ".anthropic." + model + "-v1:0";
  }
  return profiles;
}

std::string bedrock_default_endpoint(std::string_view region) {
  return "https://bedrock-runtime." + std::string(region) + ".amazonaws.com";
}

BedrockProvider::BedrockProvider(BedrockConfig config, WallClock now) : config_(std::move(config)), now_(std::move(now)) {
  if (config_.endpoint.empty()) config_.endpoint = bedrock_default_endpoint(config_.region);
  while (!config_.endpoint.empty() && config_.endpoint.back() == '/') config_.endpoint.pop_back();
}

util::Expected<HttpRequest, LlmError> BedrockProvider::build_http_request(const Request& request) const {
  auto profile = config_.profiles.find(request.model);
  if (profile == config_.profiles.end()) {
    return unexpected(LlmError{ErrorCategory::invalid_request, 0, "",
                               "Bedrock: no inference profile for model '" + request.model +
                                   "' (configured: " + known_models(config_.profiles) + ")",
                               ""});
  }
  Json body = request_to_json(request);
  body.erase("model");
  body.erase("stream");
  body["anthropic_version"] = kBedrockAnthropicVersion;

  SigV4Request to_sign;
  to_sign.method = "POST";
  to_sign.url = config_.endpoint + "/model/" + sigv4_uri_encode(profile->second) + "/invoke";
  to_sign.headers = {{"content-type", "application/json"}, {"accept", "application/json"}};
  to_sign.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  to_sign.region = config_.region;
  to_sign.service = kBedrockSigningService;
  to_sign.timestamp = sigv4_timestamp(now_());
  auto signature = sign_sigv4(to_sign, config_.credentials);
  if (!signature) {
    return unexpected(LlmError{ErrorCategory::auth, 0, "", "Bedrock: cannot sign the request: " + signature.error(), ""});
  }

  HttpRequest http;
  http.method = to_sign.method;
  http.url = std::move(to_sign.url);
  http.headers = std::move(to_sign.headers);
  http.headers.insert(http.headers.end(), signature->headers_to_add.begin(), signature->headers_to_add.end());
  http.body = std::move(to_sign.body);
  return http;
}

util::Expected<Response, LlmError> BedrockProvider::parse_http_response(const HttpResponse& http) const {
  std::string request_id = find_header(http.headers, "x-amzn-RequestId").value_or("");
  if (http.failure) {
    auto category = http.failure->kind == TransportFailure::Kind::timeout ? ErrorCategory::timeout : ErrorCategory::network;
    return unexpected(LlmError{category, 0, "", http.failure->message, request_id});
  }
  if (http.status < 200 || http.status >= 300) return unexpected(error_from_answer(http, request_id));
  Json json = Json::parse(http.body, nullptr, false);
  if (json.is_discarded()) {
    return unexpected(LlmError{ErrorCategory::parse, http.status, "", "Bedrock response body is not valid JSON", request_id});
  }
  auto response = response_from_json(json);
  if (!response) {
    return unexpected(
        LlmError{ErrorCategory::parse, http.status, "", "Bedrock response body: " + response.error(), request_id});
  }
  response->request_id = std::move(request_id);
  response->provider = "bedrock";
  return std::move(*response);
}

}  // namespace reprise::llm
