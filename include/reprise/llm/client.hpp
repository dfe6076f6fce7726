#pragma once
// The shared client: every model call of the product goes through
// Client::invoke, in production and in every replay mode alike; only the
// Transport differs.
//
// This is the single-attempt core: build the HTTP request with the provider,
// send it, parse the answer or return a typed error. Retries, Bedrock
// fallback, alerts, call logging and pricing wrap this same call.
#include <memory>
#include <string>

#include "reprise/llm/anthropic_provider.hpp"
#include "reprise/llm/errors.hpp"
#include "reprise/llm/http.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/llm/models.hpp"
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
};

using CallResult = util::Expected<Response, LlmError>;

class Client {
 public:
  Client(ClientConfig config, std::shared_ptr<Transport> transport);

  const std::string& model_for(ModelRole role) const { return config_.models.model_for(role); }
  CallResult invoke(const Request& request, const CallContext& context);

 private:
  ClientConfig config_;
  AnthropicProvider anthropic_;
  std::shared_ptr<Transport> transport_;
};

}  // namespace reprise::llm
