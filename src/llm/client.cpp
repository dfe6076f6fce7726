#include "reprise/llm/client.hpp"

namespace reprise::llm {

Client::Client(ClientConfig config, std::shared_ptr<Transport> transport)
    : config_(std::move(config)), anthropic_(config_.base_url, config_.api_key), transport_(std::move(transport)) {}

CallResult Client::invoke(const Request& request, const CallContext& /*context: used by the call log*/) {
  HttpResponse http = transport_->send(anthropic_.build_http_request(request));
  return anthropic_.parse_http_response(http);
}

}  // namespace reprise::llm
