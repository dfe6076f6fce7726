#pragma once
#include "reprise/agents/agent.hpp"

namespace reprise::agents {
// Weekly finance metrics -> a short prose coaching narrative ending in a status line.
const Agent& coach_narrative_agent();
}  // namespace reprise::agents
