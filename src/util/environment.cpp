#include "reprise/util/environment.hpp"

#include <cstdlib>
#include <stdexcept>

namespace reprise::util {

std::optional<std::string> environment_value(std::string_view name) {
  bool listed = false;
  for (const auto& variable : kEnvironmentVariables) listed = listed || variable.name == name;
  if (!listed) throw std::logic_error("environment variable not in kEnvironmentVariables: " + std::string(name));
  const char* value = std::getenv(std::string(name).c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

}  // namespace reprise::util
