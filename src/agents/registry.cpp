#include "reprise/agents/registry.hpp"

#include "reprise/agents/typed_agent.hpp"

#include <array>

#include "reprise/agents/coach_narrative.hpp"
#include "reprise/agents/content_generate.hpp"
#include "reprise/agents/content_polish.hpp"
#include "reprise/agents/committee_narrator.hpp"
#include "reprise/agents/finance_chat.hpp"

namespace reprise::agents {
namespace {

const std::vector<const Agent*>& all_agents() {
  static const std::vector<const Agent*> agents = {&coach_narrative_agent(), &content_generate_agent(), &content_polish_agent(), &committee_narrator_agent(), &finance_chat_agent()};
  return agents;
}

}  // namespace

std::string_view to_string(AgentError::Kind kind) {
  switch (kind) {
    case AgentError::Kind::input: return "input";
    case AgentError::Kind::call: return "call";
    case AgentError::Kind::parse: return "parse";
  }
  return "unknown";
}

AgentError input_error(const std::vector<InputError>& errors) {
  return AgentError{AgentError::Kind::input, errors.front().pointer + ": " + errors.front().message, 0};
}

AgentError call_error(const llm::LlmError& error, int call_index) {
  return AgentError{AgentError::Kind::call, error.describe(), call_index};
}

const Agent* find_agent(std::string_view name) {
  for (const Agent* agent : all_agents()) {
    if (agent->name() == name) return agent;
  }
  return nullptr;
}

std::vector<std::string_view> agent_names() {
  std::vector<std::string_view> names;
  for (const Agent* agent : all_agents()) names.push_back(agent->name());
  return names;
}

}  // namespace reprise::agents
