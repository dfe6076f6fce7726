#pragma once
// A cache of parsed case files, so a run where nothing changed skips YAML
// parsing (yaml-cpp reads about 7 MB/s; 10,000 cases take over a second).
//
// An entry is keyed by the case file's path and identity (size, mtime in
// nanoseconds, inode) and is valid only for the same reprise executable
// (its size and mtime), because parsing and agent input validation are code.
// Like ninja's and ccache's, the cache is an optimisation only: a missing,
// stale or corrupt cache file is ignored and rewritten, never an error. It
// is written atomically, once per run, and only when something changed.
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "reprise/eval/case.hpp"

namespace reprise::eval {

class CaseCache {
 public:
  CaseCache(std::filesystem::path cache_dir, const std::filesystem::path& eval_root);

  // Thread-safe.
  std::optional<Case> find(const std::filesystem::path& path);
  void store(const std::filesystem::path& path, const Case& parsed);

  std::size_t hits() const { return hits_; }
  // Writes the cache file when an entry was added or a file disappeared; failures are ignored.
  void save();

 private:
  struct Entry {
    std::string identity;
    Json parsed;
    bool used = false;
  };
  void load();

  std::filesystem::path file_;
  std::string executable_identity_;
  std::unordered_map<std::string, Entry> entries_;
  std::mutex mutex_;
  std::size_t hits_ = 0;
  bool dirty_ = false;
};

Json case_to_json(const Case& parsed);
Case case_from_json(const Json& json);

}  // namespace reprise::eval
