// Fuzz target: the recorded answers, a sidecar (eval::parse_fixture) and a
// completion file (eval::split_completion).
// Properties: nothing throws; errors name the file; what the writers make of
// an accepted input reads back to the same thing (reprise rewrites sidecars
// when it stamps and completions when a candidate is accepted), except a
// section ending in CR, which the completion format cannot keep.
#include <algorithm>
#include <string>

#include "fuzz_target.hpp"
#include "reprise/eval/fixture.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using reprise::fuzz::require;
  namespace eval = reprise::eval;
  const auto text = reprise::fuzz::as_text(data, size);

  const auto fixture = eval::parse_fixture(text, "fuzz.fixture.json");
  if (fixture) {
    const std::string written = eval::fixture_to_text(*fixture);
    const auto again = eval::parse_fixture(written, "fuzz.fixture.json");
    require(again.has_value(), "a sidecar fixture_to_text wrote reads back");
    require(eval::fixture_to_text(*again) == written, "a rewritten sidecar is stable");
  } else {
    require(fixture.error().file == "fuzz.fixture.json", "a sidecar error names the file");
  }

  const auto sections = eval::split_completion(text, "fuzz.completion.txt");
  // A section ending in CR is the one text the format cannot keep (fixture.hpp).
  const auto ends_in_cr = [](const std::string& section) { return section.ends_with('\r'); };
  if (sections && std::none_of(sections->begin(), sections->end(), ends_in_cr)) {
    const auto again = eval::split_completion(eval::join_completion(*sections), "fuzz.completion.txt");
    require(again.has_value() && *again == *sections, "a completion join_completion wrote splits into the same sections");
  } else if (!sections) {
    require(sections.error().file == "fuzz.completion.txt", "a completion error names the file");
  }
  return 0;
}
