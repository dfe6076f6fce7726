#pragma once
// Settings of a replay run. Defaults come from the environment (read once,
// here); flags override them. Each setting records where its value came from.
#include <filesystem>
#include <string>

namespace reprise::eval {

enum class StalePolicy { fail, warn };

struct RunSettings {
  std::filesystem::path eval_root = "eval";
  StalePolicy stale = StalePolicy::warn;
  std::string stale_origin = "default";  // "default", "environment (CI)", "flag"
  bool use_cache = true;
  std::filesystem::path cache_dir;
  unsigned jobs = 0;  // 0: one per core
};

// Defaults: --stale=fail when CI is set, warn otherwise; the cache folder from
// REPRISE_CACHE_DIR, XDG_CACHE_HOME or HOME.
RunSettings settings_from_environment();

}  // namespace reprise::eval
