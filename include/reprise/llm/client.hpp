#pragma once
// The shared client: every model call of the product goes through
// Client::invoke, in production and in every replay mode alike; only the
// Transport differs.
//
// The core: build the HTTP request with the provider, send it, parse the
// answer or return a typed error; with a RetryPolicy configured, retryable
// failures are sent again as retry.hpp decides, waiting on the Clock seam.
// Bedrock fallback, alerts, call logging and pricing wrap this same call.
#include <memory>
#include <optional>
#include <string>

#include "reprise/llm/anthropic_provider.hpp"
#include "reprise/llm/clock.hpp"
#include "reprise/llm/errors.hpp"
#include "reprise/llm/http.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/llm/models.hpp"
#include "reprise/llm/retry.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

// Who is calling, for logs and alerts.
struct CallContext {
  std::string agent;
};

struct ClientConfig {
  std::string base_url = kAnthropicDefaultBaseUrl;
  std::string api_key;  // empty in cached and dry-run modes
  ModelRoles models;
  // Live calls set this (RetryPolicy{} is the SDKs' default: 2 retries).
  // Unset means one attempt: cached replay and dry-run leave it unset, because
  // a replay miss asked again would only record a phantom extra call.
  std::optional<RetryPolicy> retry;
};

using CallResult = util::Expected<Response, LlmError>;

class Client {
 public:
  // clock and random are seams for tests: a FakeClock records the waits, a
  // fixed random source makes the jitter exact.
  Client(ClientConfig config, std::shared_ptr<Transport> transport,
         std::shared_ptr<Clock> clock = std::make_shared<SteadyClock>(), RandomSource random = default_random);

  const std::string& model_for(ModelRole role) const { return config_.models.model_for(role); }
  CallResult invoke(const Request& request, const CallContext& context);

 private:
  ClientConfig config_;
  AnthropicProvider anthropic_;
  std::shared_ptr<Transport> transport_;
  std::shared_ptr<Clock> clock_;
  RandomSource random_;
};

}  // namespace reprise::llm
