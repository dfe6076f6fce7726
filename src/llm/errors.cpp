#include "reprise/llm/errors.hpp"

#include <fmt/format.h>

namespace reprise::llm {

std::string_view to_string(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::invalid_request: return "invalid_request";
    case ErrorCategory::auth: return "auth";
    case ErrorCategory::permission: return "permission";
    case ErrorCategory::not_found: return "not_found";
    case ErrorCategory::timeout: return "timeout";
    case ErrorCategory::conflict: return "conflict";
    case ErrorCategory::too_large: return "too_large";
    case ErrorCategory::rate_limited: return "rate_limited";
    case ErrorCategory::server: return "server";
    case ErrorCategory::overloaded: return "overloaded";
    case ErrorCategory::network: return "network";
    case ErrorCategory::parse: return "parse";
  }
  return "unknown";
}

ErrorCategory category_for_status(int status) {
  switch (status) {
    case 400: return ErrorCategory::invalid_request;
    case 401: return ErrorCategory::auth;
    case 403: return ErrorCategory::permission;
    case 404: return ErrorCategory::not_found;
    case 408: return ErrorCategory::timeout;
    case 409: return ErrorCategory::conflict;
    case 413: return ErrorCategory::too_large;
    case 429: return ErrorCategory::rate_limited;
    case 504: return ErrorCategory::timeout;
    case 529: return ErrorCategory::overloaded;
    default: return status >= 500 ? ErrorCategory::server : ErrorCategory::invalid_request;
  }
}

ErrorCategory category_for_api_error_type(std::string_view type) {
  // The error types of Anthropic's errors documentation, each with the
  // category its documented HTTP status has.
  struct Entry {
    std::string_view type;
    ErrorCategory category;
  };
  static constexpr Entry kTypes[] = {
      {"invalid_request_error", ErrorCategory::invalid_request},
      {"authentication_error", ErrorCategory::auth},
      {"permission_error", ErrorCategory::permission},
      {"not_found_error", ErrorCategory::not_found},
      {"request_too_large", ErrorCategory::too_large},
      {"rate_limit_error", ErrorCategory::rate_limited},
      {"api_error", ErrorCategory::server},
      {"overloaded_error", ErrorCategory::overloaded},
      {"timeout_error", ErrorCategory::timeout},
  };
  for (const auto& entry : kTypes) {
    if (entry.type == type) return entry.category;
  }
  return ErrorCategory::server;
}

std::string LlmError::describe() const {
  std::string text = fmt::format("{}", to_string(category));
  if (status != 0) text += fmt::format(" (HTTP {})", status);
  if (!api_error_type.empty()) text += fmt::format(" {}", api_error_type);
  if (!message.empty()) text += fmt::format(": {}", message);
  if (!request_id.empty()) text += fmt::format(" [request-id {}]", request_id);
  return text;
}

}  // namespace reprise::llm
