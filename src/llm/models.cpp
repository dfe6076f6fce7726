#include "reprise/llm/models.hpp"

namespace reprise::llm {

std::string_view to_string(ModelRole role) {
  switch (role) {
    case ModelRole::workhorse: return "workhorse";
    case ModelRole::synthesis: return "synthesis";
    case ModelRole::routing: return "routing";
  }
  return "unknown";
}

const std::string& ModelRoles::model_for(ModelRole role) const {
  switch (role) {
    case ModelRole::synthesis: return synthesis;
    case ModelRole::routing: return routing;
    case ModelRole::workhorse: break;
  }
  return workhorse;
}

}  // namespace reprise::llm
