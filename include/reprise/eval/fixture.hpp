#pragma once
// A case's recorded answers: the completion file (people read and diff it)
// and the sidecar `<id>.fixture.json` (tools write it), per call.
//
// Completion file: one section per call. A single-call case is the text as
// is; with several calls each section starts with a line
// "=== reprise call k/N ===". A final newline (LF, or CR LF) is not part of
// a section, so a section's own final CR does not survive a write and a read:
// an answer ending in CR is replayed without it.
//
// Sidecar: per call the fingerprint of the request the answer was recorded
// for and, since stamping records it, that request itself, so a dry run can
// show what a prompt edit changed in the payload. The stored request is the
// body as sent (request_to_json's output); its fingerprint must equal
// `request_sha256`, and parse_fixture refuses a sidecar where it does not
// (the request or the fingerprint was edited by hand).
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
  std::optional<double> cost_usd;  // what a live call cost; absent for hand-written answers
  Json request;                   // the request body recorded with the answer; null: not recorded
  Json extra = Json::object();    // fields of a newer format, kept on rewrite
};

struct Fixture {
  std::vector<FixtureCall> calls;
};

util::Expected<Fixture, LoadError> parse_fixture(std::string_view text, const std::string& display_path);
// Keys in a fixed order: "format", then "calls"; in a call the short fields
// first, any unknown fields (sorted), and the long "request" last.
std::string fixture_to_text(const Fixture& fixture);

util::Expected<std::vector<std::string>, LoadError> split_completion(std::string_view text, const std::string& display_path);
std::string join_completion(const std::vector<std::string>& sections);

}  // namespace reprise::eval
