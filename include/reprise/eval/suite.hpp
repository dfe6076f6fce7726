#pragma once
// Discovering and loading every case under an eval root.
//
// Every file is loaded independently: a broken case never stops the others.
// All problems are collected (BrokenCase) before anything runs, and a broken
// case is still reported as a failing test so no run can pass while a case is
// silently missing.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "reprise/eval/case.hpp"
#include "reprise/eval/fixture.hpp"
#include "reprise/eval/load_error.hpp"

namespace reprise::eval {

struct LoadedCase {
  Case spec;
  std::vector<std::string> completions;  // one per call
  Fixture fixture;                       // may be empty when loaded without requiring one
  std::string inputs_digest;             // SHA-256 over the case file, completion and sidecar bytes
  // The cache holds this case's outcome for exactly these inputs, and the run
  // reuses it: completions and fixture were not parsed, and `spec` holds only
  // what reporting reads (id, agent, tags, paths, the id's position).
  bool outcome_cached = false;
};

struct BrokenCase {
  std::string test_name;  // <agent>/<id> when the path says so, else invalid/<path>
  std::string display_path;
  std::vector<LoadError> errors;
};

class CaseCache;

struct Suite {
  std::vector<LoadedCase> cases;
  std::vector<BrokenCase> broken;
  std::size_t cache_hits = 0;
  std::shared_ptr<CaseCache> cache;  // kept for the run to reuse and record outcomes; null without a cache
};

struct LoadOptions {
  bool require_fixture = true;  // false for `reprise stamp`, which writes the missing ones
  unsigned jobs = 0;            // 0: one per core
  std::filesystem::path cache_dir;  // empty: no case and outcome cache
  // Write the cache when loading ends. A caller that records outcomes into
  // Suite::cache afterwards saves once itself, so a cold run writes it once.
  bool save_cache = true;
  // false for dry-run and live: a new case without an accepted completion
  // still builds its first request, and a live run records its first candidate.
  bool require_completion = true;
};

Suite load_suite(const std::filesystem::path& eval_root, const LoadOptions& options);

// How messages name a path: relative to the working folder when inside it.
std::string display_path(const std::filesystem::path& path);

}  // namespace reprise::eval
