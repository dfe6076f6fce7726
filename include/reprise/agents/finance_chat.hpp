#pragma once
#include "reprise/agents/agent.hpp"

namespace reprise::agents {
// A conversation about the user's own money, answered with tools that the
// agent runs locally over the account snapshot in the input (balances,
// spending by category, transactions). Declines investment, tax and legal advice.
const Agent& finance_chat_agent();
}  // namespace reprise::agents
