#pragma once
// A case's recorded answers: the completion file (people read and diff it)
// and the sidecar `<id>.fixture.json` (tools write it), per call.
//
// Completion file: one section per call. A single-call case is the text as
// is; with several calls each section starts with a line
// "=== reprise call k/N ===". A final newline is not part of a section.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reprise/eval/load_error.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::eval {

inline constexpr const char* kFixtureFormat = "reprise.fixture/1";

struct FixtureCall {
  std::string request_sha256;  // empty: never stamped
  std::string model;
  std::string stop_reason;
  llm::Usage usage;
  bool usage_estimated = false;
  Json tool_use = Json::array();  // tool_use blocks after the text
  std::string response_id;
  std::string request_id;
  Json recorded;                  // {"how": ..., "at": ...}
  Json restamps = Json::array();  // [{"from", "at", "reason"}]
  Json extra = Json::object();    // fields of a newer format, kept on rewrite
};

struct Fixture {
  std::vector<FixtureCall> calls;
};

util::Expected<Fixture, LoadError> parse_fixture(std::string_view text, const std::string& display_path);
std::string fixture_to_text(const Fixture& fixture);

util::Expected<std::vector<std::string>, LoadError> split_completion(std::string_view text, const std::string& display_path);
std::string join_completion(const std::vector<std::string>& sections);

}  // namespace reprise::eval
