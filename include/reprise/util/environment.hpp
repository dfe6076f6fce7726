#pragma once
// The one place reprise reads environment variables. Every variable it reads
// is listed in kEnvironmentVariables with what it does, so `reprise config`
// can show them and nothing else reads getenv. An unset variable means
// production behaviour.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace reprise::util {

struct EnvironmentVariable {
  std::string_view name;
  std::string_view meaning;
};

inline constexpr std::array<EnvironmentVariable, 5> kEnvironmentVariables{{
    {"CI", "set: a CI run; stale fixtures fail by default (--stale=fail)"},
    {"REPRISE_CACHE_DIR", "folder of the parsed-case cache (default: $XDG_CACHE_HOME/reprise or ~/.cache/reprise)"},
    {"XDG_CACHE_HOME", "base folder for caches"},
    {"HOME", "home folder, for ~/.cache when XDG_CACHE_HOME is unset"},
    {"NO_COLOR", "set: no colour in terminal output"},
}};

// The value of a variable listed above (std::logic_error for any other name);
// nullopt when unset. An empty value counts as set.
std::optional<std::string> environment_value(std::string_view name);

}  // namespace reprise::util
