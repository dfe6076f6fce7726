#include "reprise/llm/anthropic_provider.hpp"

#include "reprise/llm/json_codec.hpp"

namespace reprise::llm {
namespace {

using util::unexpected;

LlmError error_from_body(int status, const std::string& body, std::string request_id) {
  LlmError error{category_for_status(status), status, "", "", std::move(request_id)};
  Json json = Json::parse(body, nullptr, false);
  const Json* detail = json.is_object() && json.contains("error") ? &json["error"] : nullptr;
  if (detail && detail->is_object()) {
    if (auto type = detail->find("type"); type != detail->end() && type->is_string()) error.api_error_type = *type;
    if (auto message = detail->find("message"); message != detail->end() && message->is_string()) error.message = *message;
  } else {
    error.message = "HTTP " + std::to_string(status) + " with a body that is not an API error object";
  }
  return error;
}

}  // namespace

AnthropicProvider::AnthropicProvider(std::string base_url, std::string api_key)
    : base_url_(std::move(base_url)), api_key_(std::move(api_key)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

HttpRequest AnthropicProvider::build_http_request(const Request& request) const {
  HttpRequest http;
  http.method = "POST";
  http.url = base_url_ + "/v1/messages";
  http.headers = {{"anthropic-version", kAnthropicVersion}, {"content-type", "application/json"}};
  if (request.stream) http.headers.emplace_back("accept", "text/event-stream");
  if (!api_key_.empty()) http.headers.emplace_back("x-api-key", api_key_);
  http.body = request_to_json(request).dump(-1, ' ', false, Json::error_handler_t::replace);
  return http;
}

util::Expected<Response, LlmError> AnthropicProvider::parse_http_response(const HttpResponse& http) const {
  std::string request_id = find_header(http.headers, "request-id").value_or("");
  if (http.failure) {
    auto category = http.failure->kind == TransportFailure::Kind::timeout ? ErrorCategory::timeout : ErrorCategory::network;
    return unexpected(LlmError{category, 0, "", http.failure->message, request_id});
  }
  if (http.status < 200 || http.status >= 300) return unexpected(error_from_body(http.status, http.body, request_id));
  Json json = Json::parse(http.body, nullptr, false);
  if (json.is_discarded()) {
    return unexpected(LlmError{ErrorCategory::parse, http.status, "", "response body is not valid JSON", request_id});
  }
  auto response = response_from_json(json);
  if (!response) {
    return unexpected(LlmError{ErrorCategory::parse, http.status, "", "response body: " + response.error(), request_id});
  }
  response->request_id = std::move(request_id);
  response->provider = "anthropic";
  return std::move(*response);
}

}  // namespace reprise::llm
