#pragma once
// The case model: what a case file says, with where it says it. Every
// expectation keeps its position so a failure points at the YAML line that
// asked for it.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace reprise::eval {

using Json = nlohmann::json;

// 1-based; line 0 means "no position" (the file as a whole).
struct SourcePos {
  int line = 0;
  int column = 0;
};

// One assertion on a completion text or on a field of the parsed output.
struct Check {
  enum class Kind { contains, not_contains, icontains, regex, min_words, max_words, is_json, equals };
  Kind kind = Kind::contains;
  Json operand;        // the check key's value: a string, a number, true, or any value for equals
  std::string at;      // JSON pointer into the parsed output; empty: a completion text
  int call = 0;        // 1-based call whose completion is checked; 0: the final call
  SourcePos pos;       // the check's key
  std::string source;  // the YAML line, for the failure message
};

std::string_view to_string(Check::Kind kind);
std::optional<Check::Kind> check_kind_from_string(std::string_view name);

struct NumberBand {
  std::optional<double> min;
  std::optional<double> max;
  bool contains(double value) const { return (!min || value >= *min) && (!max || value <= *max); }
};

struct VerdictBand {
  bool present = false;
  std::vector<std::string> labels;  // empty: any label
  std::optional<NumberBand> score;
  SourcePos pos;
  std::string source;
};

// Checks on a request the agent builds (model, sampling, prompt text, tools).
struct RequestExpectation {
  int call = 0;  // 1-based; 0: every call
  std::optional<std::string> model;
  std::optional<NumberBand> max_tokens;
  std::optional<NumberBand> temperature;
  std::vector<std::string> fields_present;
  std::vector<std::string> system_contains;
  std::vector<std::string> system_not_contains;
  std::vector<std::string> messages_contain;
  std::vector<std::string> messages_not_contain;
  std::optional<std::vector<std::string>> tools;
  SourcePos pos;  // the block (the `request:` mapping)
  std::string source;
  // Where each key of the block is written, so a failed check points at its
  // own line ("messages_contain"), not at the block's first.
  std::map<std::string, SourcePos, std::less<>> key_pos;

  SourcePos pos_of(std::string_view key) const {
    auto found = key_pos.find(key);
    return found == key_pos.end() ? pos : found->second;
  }
};

// The files beside a case file <id>.yaml: its accepted completion and its sidecar.
std::filesystem::path completion_path_for(const std::filesystem::path& case_file);
std::filesystem::path fixture_path_for(const std::filesystem::path& case_file);
// A live run's proposal, beside the accepted fixture until review accepts
// (renames it over the fixture) or rejects (deletes) it: the completion in the
// completion file's format, and a sidecar in the fixture sidecar's format.
std::filesystem::path candidate_completion_path_for(const std::filesystem::path& case_file);
std::filesystem::path candidate_sidecar_path_for(const std::filesystem::path& case_file);

struct Case {
  std::string id;
  std::string agent;
  std::string description;
  std::vector<std::string> tags;
  Json input;
  VerdictBand verdict;
  std::vector<Check> checks;
  std::vector<RequestExpectation> requests;

  std::filesystem::path path;  // the YAML file as found
  std::string display_path;    // how messages name it: relative to the working folder where possible
  SourcePos id_pos;            // for the test case's own location
  std::string id_source;       // the line holding the id, for messages

  std::string test_name() const { return agent + "/" + id; }
  std::filesystem::path completion_path() const;
  std::filesystem::path fixture_path() const;
};

}  // namespace reprise::eval
