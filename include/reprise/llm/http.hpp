#pragma once
// The HTTP seam. A provider turns a Request into an HttpRequest and an
// HttpResponse back into a Response; a Transport moves the bytes.
//
// Transport is abstract because the three modes differ only here: live calls
// use libcurl, cached replay serves recorded fixtures, dry-run records the
// request and never connects. Nothing above the transport knows which one it has.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reprise::llm {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup, as HTTP header names are.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);
// HTTP header names compare without regard to case (RFC 9110).
bool same_header_name(std::string_view a, std::string_view b);

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  Headers headers;
  std::string body;
  // For streaming: called with each body chunk of a 2xx response as it
  // arrives (chunks split anywhere, even mid-event). The body is still
  // accumulated in HttpResponse::body. Not called for other statuses, whose
  // body is an error object read whole. Transports that have the whole body
  // at once (replay, dry-run) need not call it.
  std::function<void(std::string_view)> on_body_chunk;
  // The most the whole exchange may take: the client sets what is left of
  // the call's deadline. Unset: the transport's own limit. A transport
  // applies the smaller of the two; those that do no I/O ignore it.
  std::optional<std::chrono::milliseconds> timeout;
};

// A failure below HTTP: no status line was received.
struct TransportFailure {
  enum class Kind { network, timeout };
  Kind kind = Kind::network;
  std::string message;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
  std::optional<TransportFailure> failure;  // set when status is 0
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

}  // namespace reprise::llm
