#include "reprise/eval/settings.hpp"

#include "reprise/util/environment.hpp"

namespace reprise::eval {

RunSettings settings_from_environment() {
  RunSettings settings;
  settings.live_execute = util::environment_value("EVAL_LIVE_EXECUTE") == std::optional<std::string>("1");
  settings.ci = util::environment_value("CI").has_value();
  settings.no_colour = util::environment_value("NO_COLOR").has_value();
  if (settings.ci) {
    settings.stale = StalePolicy::fail;
    settings.stale_origin = "environment (CI)";
  }
  if (auto dir = util::environment_value("REPRISE_CACHE_DIR"); dir && !dir->empty()) {
    settings.cache_dir = *dir;
  } else if (auto xdg = util::environment_value("XDG_CACHE_HOME"); xdg && !xdg->empty()) {
    settings.cache_dir = std::filesystem::path(*xdg) / "reprise";
  } else if (auto home = util::environment_value("HOME"); home && !home->empty()) {
    settings.cache_dir = std::filesystem::path(*home) / ".cache" / "reprise";
  } else {
    settings.use_cache = false;  // nowhere sensible to keep it
  }
  return settings;
}

}  // namespace reprise::eval
