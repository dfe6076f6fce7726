#pragma once
// The product's agents by name. Cases name their agent; eval/<agent>/ folders
// must use one of these names.
#include <string_view>
#include <vector>

#include "reprise/agents/agent.hpp"

namespace reprise::agents {

// nullptr for an unknown name.
const Agent* find_agent(std::string_view name);
std::vector<std::string_view> agent_names();

}  // namespace reprise::agents
