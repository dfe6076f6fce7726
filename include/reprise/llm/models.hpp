#pragma once
// Models by role. Agents ask for a role; which model ID fills it is
// configuration, so a model bump is one edit here and every affected case
// turns stale (its request fingerprint changes) until it is refreshed.
#include <string>
#include <string_view>

namespace reprise::llm {

enum class ModelRole { workhorse, synthesis, routing };

std::string_view to_string(ModelRole role);

struct ModelRoles {
  std::string workhorse = "claude-sonnet-4-5-20250929";  // most agent calls
  std::string synthesis = "claude-opus-4-5-20251101";    // long-form reasoning over many inputs
  std::string routing = "claude-haiku-4-5-20251001";     // classification, routing and judging

  const std::string& model_for(ModelRole role) const;
};

}  // namespace reprise::llm
