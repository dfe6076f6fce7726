#pragma once
#include "reprise/agents/agent.hpp"

namespace reprise::agents {
// An investment proposal and a roster of 3 to 6 committee personas -> a JSON
// record of the committee meeting: each persona's position, the committee
// verdict (approve, approve_with_conditions, defer, reject) and a confidence.
const Agent& committee_narrator_agent();
}  // namespace reprise::agents
