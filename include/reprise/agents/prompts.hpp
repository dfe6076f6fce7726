#pragma once
// The agents' prompts live as plain text in src/agents/prompts/<name>.md, so
// a prompt edit reads as an ordinary diff in review. The build embeds them
// (cmake/EmbedPrompts.cmake); nothing is read from disk at run time.
#include <string_view>

namespace reprise::agents {

// The prompt file's contents by file stem ("coach_narrative.system").
// Throws std::logic_error for an unknown name: that is a programming error.
std::string_view prompt(std::string_view name);

}  // namespace reprise::agents
