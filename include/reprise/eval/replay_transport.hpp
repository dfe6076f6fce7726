#pragma once
// Cached mode's transport. It answers call k of a case with the case's
// recorded call k, as the real Messages API body (the call's text as a text
// block, then its tool_use blocks; model, stop reason, usage), so the
// provider's response parser runs exactly as in production. It never opens a
// socket. It also keeps what the agent sent, so the runner can tell a stale
// fixture (recorded for another request) and `reprise stamp` can record it.
#include <string>
#include <vector>

#include "reprise/eval/fixture.hpp"
#include "reprise/llm/http.hpp"

namespace reprise::eval {

struct ObservedCall {
  std::string fingerprint;  // of the request the agent built
  Json body;                // the request body as sent
};

class ReplayTransport final : public llm::Transport {
 public:
  // `fixture` may have fewer entries than `completions` (a seed sidecar) or be empty.
  ReplayTransport(const std::vector<std::string>& completions, const Fixture& fixture);

  llm::HttpResponse send(const llm::HttpRequest& request) override;
  const std::vector<ObservedCall>& observed() const { return observed_; }

 private:
  Json response_body(std::size_t index, const Json& request) const;

  const std::vector<std::string>& completions_;
  const Fixture& fixture_;
  std::vector<ObservedCall> observed_;
};

}  // namespace reprise::eval
