#include "reprise/llm/client.hpp"

namespace reprise::llm {

Client::Client(ClientConfig config, std::shared_ptr<Transport> transport, std::shared_ptr<Clock> clock,
               RandomSource random)
    : config_(std::move(config)),
      anthropic_(config_.base_url, config_.api_key),
      transport_(std::move(transport)),
      clock_(std::move(clock)),
      random_(std::move(random)) {}

CallResult Client::invoke(const Request& request, const CallContext& /*context: used by the call log*/) {
  HttpRequest http_request = anthropic_.build_http_request(request);
  HttpResponse http = transport_->send(http_request);
  if (!config_.retry) return anthropic_.parse_http_response(http);

  const RetryPolicy& policy = *config_.retry;
  const auto deadline = clock_->now() + policy.deadline;
  for (int retry = 0; retry < policy.max_retries; ++retry) {
    if (http.status >= 200 && http.status < 300) break;
    if (!should_retry(http)) break;
    auto wait = retry_delay(policy, retry, http, random_);
    // A wait that would end past the deadline is not started: the last error is the answer.
    if (clock_->now() + wait >= deadline) break;
    clock_->sleep_for(wait);
    http = transport_->send(http_request);
  }
  return anthropic_.parse_http_response(http);
}

}  // namespace reprise::llm
