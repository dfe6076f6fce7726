#pragma once
// The shared client: every model call of the product goes through
// Client::invoke, in production and in every replay mode alike; only the
// Transport differs.
//
// One call, in order:
// 1. The Anthropic provider builds the HTTP request; the transport sends it.
//    With a RetryPolicy, retryable failures are sent again as retry.hpp
//    decides, waiting on the Clock seam, within the policy's deadline. The
//    deadline bounds each attempt too (HttpRequest::timeout is what is left
//    of it). With a Bedrock fallback configured, the primary's attempts end
//    RetryPolicy::fallback_reserve before the deadline, and the fallback has
//    the rest.
//    With `stream: true` the SSE body is assembled as it arrives and each
//    delta is offered to the caller's callback.
// 2. When those attempts end on a retryable failure and a Bedrock fallback is
//    configured: one alert to the webhook (a failing alert is ignored), then
//    the same request through Bedrock, with the same retry policy. Its answer
//    is marked `fallback`; if it fails too, the original error is returned.
//    A stream that already gave deltas to the caller is not restarted on
//    Bedrock: the caller has seen part of an answer, so the error stands.
// 3. With a call log, one record per call (not per attempt).
// Every error message leaving the client has the configured secrets (API
// key, AWS secret and session token) and anything shaped like a key removed.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reprise/llm/anthropic_provider.hpp"
#include "reprise/llm/bedrock_provider.hpp"
#include "reprise/llm/call_log.hpp"
#include "reprise/llm/clock.hpp"
#include "reprise/llm/errors.hpp"
#include "reprise/llm/http.hpp"
#include "reprise/llm/message_stream.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/llm/models.hpp"
#include "reprise/llm/retry.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

// Who is calling, for logs and alerts. InvocationClient fills it in for agents.
struct CallContext {
  std::string agent;
  std::string invocation_id;   // shared by every call of one agent run
  int call_index = 0;          // 0-based position of the call within that run
  const Json* input = nullptr; // the agent's structured input, for non-prod call logs

  // A single call outside any agent run (tools, tests).
  static CallContext for_agent(std::string agent) {
    CallContext context;
    context.agent = std::move(agent);
    return context;
  }
};

using CallResult = util::Expected<Response, LlmError>;
// Told of every finished call: the request and what came of it (after
// retries and fallback). A live eval run records candidates with it.
using CallObserver = std::function<void(const Request& request, const CallResult& result)>;

struct ClientConfig {
  std::string base_url = kAnthropicDefaultBaseUrl;
  std::string api_key;  // empty in cached and dry-run modes
  ModelRoles models;
  // Live calls set this (RetryPolicy{} is the SDKs' default: 2 retries).
  // Unset means one attempt: cached replay and dry-run leave it unset, because
  // a replay miss asked again would only record a phantom extra call.
  std::optional<RetryPolicy> retry;
  std::optional<BedrockConfig> fallback;       // unset: no fallback
  std::string alert_webhook_url;               // empty: no alert
  std::shared_ptr<Transport> alert_transport;  // null: the client's transport
  std::string environment_name;                // named in alerts ("prod", "non-prod")
  std::optional<CallLog> call_log;             // unset: calls are not logged
  CallObserver observer;                       // empty: nobody is told
};


class Client {
 public:
  // clock, random and wall_clock are seams for tests: a FakeClock records the
  // waits, a fixed random source makes the jitter exact, a fixed wall clock
  // makes SigV4 signatures and log timestamps reproducible.
  Client(ClientConfig config, std::shared_ptr<Transport> transport,
         std::shared_ptr<Clock> clock = std::make_shared<SteadyClock>(), RandomSource random = default_random,
         WallClock wall_clock = std::chrono::system_clock::now);

  const std::string& model_for(ModelRole role) const { return config_.models.model_for(role); }
  CallResult invoke(const Request& request, const CallContext& context, const DeltaCallback& on_delta = {});

 private:
  struct Attempts;
  Attempts call_anthropic(const Request& request, Clock::time_point deadline, const DeltaCallback& on_delta);
  Attempts call_bedrock(const Request& request, Clock::time_point deadline, const DeltaCallback& on_delta);
  template <typename Build, typename Parse>
  Attempts send_with_retries(const Build& build, const Parse& parse, Clock::time_point deadline);
  void alert(const Request& request, const CallContext& context, const LlmError& error);
  void log(const Request& request, const CallContext& context, const CallResult& result, int attempts,
           bool fallback, std::chrono::system_clock::time_point started, double latency_ms);
  LlmError redacted(LlmError error) const;

  ClientConfig config_;
  AnthropicProvider anthropic_;
  std::optional<BedrockProvider> bedrock_;
  std::shared_ptr<Transport> transport_;
  std::shared_ptr<Clock> clock_;
  RandomSource random_;
  WallClock wall_clock_;
  std::vector<std::string> secrets_;  // removed from every error message
};

}  // namespace reprise::llm
