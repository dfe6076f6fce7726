#pragma once
// A cache of parsed case files and of case outcomes, so a run where nothing
// changed neither parses YAML (yaml-cpp reads about 7 MB/s) nor replays.
//
// Keys are content, not file times: a parsed case is keyed by the SHA-256 of
// the case file's bytes; an outcome by the digest of the case file, its
// completion and its sidecar together. The whole cache is valid only for the
// same reprise build (its GNU build-id, util::executable_identity), because
// parsing, the agents and their prompts are code. Content keys cannot be fooled by an edit
// that keeps a file's size and lands in the same clock tick, which keys made
// of size and mtime can (git's "racily clean" problem).
//
// As with ccache, the cache is an optimisation only: a missing, foreign or
// corrupt cache file is ignored and rewritten, never an error. It is written
// atomically, once per save, and only when something changed.
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

  // What find decodes: the whole case, or only what reporting reads (id,
  // agent, tags, the id's position and line), for a case whose outcome is reused.
  enum class Part { whole, header };

  // All thread-safe. `digest` is the SHA-256 of the case file's bytes.
  std::optional<Case> find(const std::filesystem::path& path, const std::string& digest, Part part);
  void store(const std::filesystem::path& path, const std::string& digest, const Case& parsed);
  // `inputs_digest` covers the case file, completion and sidecar.
  std::optional<Json> find_outcome(const std::filesystem::path& path, const std::string& inputs_digest);
  // Whether find_outcome would find one, without decoding it.
  bool has_outcome(const std::filesystem::path& path, const std::string& inputs_digest);
  void store_outcome(const std::filesystem::path& path, const std::string& inputs_digest, Json outcome);

  std::size_t hits() const { return hits_; }
  // Writes the cache file when an entry was added or one went unused; failures are ignored.
  void save();

 private:
  struct Entry {
    std::string digest;
    std::string parsed;  // msgpack of case_to_json
    std::string header;  // msgpack of case_header_to_json
    bool used = false;
    std::string outcome_digest;
    std::string outcome;  // msgpack of the outcome, or empty
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
Json case_header_to_json(const Case& parsed);
Case case_header_from_json(const Json& json);

}  // namespace reprise::eval
