// Fuzz target: the case loader, YAML text -> Case or positioned errors
// (eval::parse_case, with each error rendered as the run prints it).
// Properties: nothing throws; every error names the file; a line shown under
// an error is a bounded window, whatever the line's length.
#include <string>

#include "fuzz_target.hpp"
#include "reprise/eval/case_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using reprise::fuzz::require;
  const auto text = reprise::fuzz::as_text(data, size);
  const auto parsed = reprise::eval::parse_case(text, {"eval/coach_narrative/cases/fuzz.yaml", "coach_narrative", "fuzz"});
  for (const auto& error : parsed.errors) {
    const std::string rendered = error.render();
    require(rendered.starts_with("eval/coach_narrative/cases/fuzz.yaml"), "every error names the case file");
    require(rendered.size() <= error.message.size() + 1024, "an error shows a bounded window of its line");
  }
  return 0;
}
