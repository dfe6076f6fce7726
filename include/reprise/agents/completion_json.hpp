#pragma once
// Models asked for JSON sometimes wrap it in a ```json fence or add a line
// before it. This finds the one JSON object in a completion, tolerating
// exactly those two habits and nothing else, so a real format drift fails.
#include <string>
#include <string_view>

#include "reprise/agents/agent.hpp"

namespace reprise::agents {

util::Expected<Json, std::string> extract_json_object(std::string_view completion);

}  // namespace reprise::agents
