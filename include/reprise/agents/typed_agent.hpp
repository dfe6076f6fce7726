#pragma once
// The shape every agent shares: read the JSON input into the agent's typed
// input struct, collecting every problem; validate() reports them, run()
// refuses to call the model on an input that has any, and otherwise runs on
// the typed input. An agent supplies only read() and run_typed().
#include <vector>

#include "reprise/agents/agent.hpp"
#include "reprise/llm/invocation_client.hpp"

namespace reprise::agents {

// The first input problem, as the error run() returns.
AgentError input_error(const std::vector<InputError>& errors);
// A failed model call, as the error an agent returns.
AgentError call_error(const llm::LlmError& error, int call_index);

template <typename Input>
class TypedAgent : public Agent {
 public:
  std::vector<InputError> validate(const Json& input) const final {
    std::vector<InputError> errors;
    read(input, errors);
    return errors;
  }

  AgentResult run(const Json& input, llm::Client& client) const final {
    std::vector<InputError> errors;
    Input parsed = read(input, errors);
    if (!errors.empty()) return util::unexpected(input_error(errors));
    llm::InvocationClient invocation(client, std::string(name()), input);
    return run_typed(parsed, invocation);
  }

 protected:
  virtual Input read(const Json& input, std::vector<InputError>& errors) const = 0;
  virtual AgentResult run_typed(const Input& input, llm::InvocationClient& client) const = 0;
};

}  // namespace reprise::agents
