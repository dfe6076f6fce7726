#pragma once
// An agent is one LLM-calling code path of the product. It validates a typed
// input, builds its request(s) through the shared client, and parses the
// completion into a structured output and a verdict. The eval harness calls
// agents exactly as production does; only the client's transport differs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reprise/llm/client.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::agents {

using Json = nlohmann::json;

// One problem with an agent's input. `pointer` is a JSON pointer into the
// input ("/metrics/savings_rate"), so the case loader can point at the YAML line.
struct InputError {
  std::string pointer;
  std::string message;
};

// The judgement a case's verdict band is checked against: a label, a score, or both.
struct Verdict {
  std::optional<std::string> label;
  std::optional<double> score;
};

struct AgentOutput {
  Json output;                       // the parsed, structured result (what the product uses)
  Verdict verdict;
  std::vector<std::string> completions;  // each call's completion text, in call order
};

struct AgentError {
  enum class Kind { input, call, parse };
  Kind kind = Kind::parse;
  std::string message;
  int call_index = 0;  // 1-based call that failed, 0 when not tied to a call
};

std::string_view to_string(AgentError::Kind kind);

using AgentResult = util::Expected<AgentOutput, AgentError>;

class Agent {
 public:
  virtual ~Agent() = default;
  virtual std::string_view name() const = 0;
  // Every problem with the input, or none. run() must not be called with an input that has problems.
  virtual std::vector<InputError> validate(const Json& input) const = 0;
  virtual AgentResult run(const Json& input, llm::Client& client) const = 0;
};

}  // namespace reprise::agents
