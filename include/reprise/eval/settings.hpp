#pragma once
// Settings of a replay run. Defaults come from the environment (read once,
// here); flags override them. Each setting records where its value came from.
#include <filesystem>
#include <optional>
#include <string>

namespace reprise::eval {

enum class StalePolicy { fail, warn };

// cached: replay the accepted fixtures, no network (the default).
// dry_run: --live without EVAL_LIVE_EXECUTE=1: build every request, never connect.
// live: --live with EVAL_LIVE_EXECUTE=1: real calls, candidates written.
enum class RunMode { cached, dry_run, live };

struct RunSettings {
  std::filesystem::path eval_root = "eval";
  StalePolicy stale = StalePolicy::warn;
  std::string stale_origin = "default";  // "default", "environment (CI)", "flag"
  bool use_cache = true;
  std::filesystem::path cache_dir;
  unsigned jobs = 0;  // 0: one per core (cached, dry run); 4 for live calls
  RunMode mode = RunMode::cached;
  bool live_execute = false;  // EVAL_LIVE_EXECUTE=1: --live makes real calls
  bool ci = false;            // CI is set: live calls need --force-live
  bool no_colour = false;     // NO_COLOR is set
  bool force_live = false;    // --force-live: live calls even when CI is set
  std::optional<double> max_usd;  // --max-usd: no live case starts once this is spent
};

// Defaults: --stale=fail when CI is set, warn otherwise; the cache folder from
// REPRISE_CACHE_DIR, XDG_CACHE_HOME or HOME.
RunSettings settings_from_environment();

}  // namespace reprise::eval
