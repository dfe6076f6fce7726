#pragma once
// Typed errors of a model call. Every failure has exactly one category; the
// retry decision and the call log read the category, never the message.
#include <optional>
#include <string>
#include <string_view>

namespace reprise::llm {

enum class ErrorCategory {
  invalid_request,  // 400
  auth,             // 401
  permission,       // 403
  not_found,        // 404
  timeout,          // 408, 504, or no answer in time
  conflict,         // 409
  too_large,        // 413
  rate_limited,     // 429
  server,           // 500 and other 5xx
  overloaded,       // 529
  network,          // no HTTP answer: connection refused, reset, DNS
  parse,            // an answer whose body is not what the API sends
};

std::string_view to_string(ErrorCategory category);
ErrorCategory category_for_status(int status);
// The category of an API error type ("overloaded_error", ...), for errors that
// arrive without their own status: an `event: error` inside a 200 stream.
// An unknown type is `server`.
ErrorCategory category_for_api_error_type(std::string_view type);

struct LlmError {
  ErrorCategory category = ErrorCategory::server;
  int status = 0;              // HTTP status, 0 when there was none
  std::string api_error_type;  // "overloaded_error", ... from the error body
  std::string message;         // the API's message or the transport's; never holds a key
  std::string request_id;      // the `request-id` response header, when there was one

  std::string describe() const;
};

}  // namespace reprise::llm
