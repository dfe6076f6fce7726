#pragma once
// What running the selected cases in one mode (cached, dry run, live) hands
// to the Catch2 session: per case, the outcome its test reports and any
// notes the mode adds (a request that changed, a candidate written, a case
// the budget left unrun), and a report printed after Catch2's own output.
//
// The session registers the same test cases in every mode, so test specs,
// --list-tests and -r junit behave alike; only what each test reports differs.
#include <optional>
#include <string>
#include <vector>

#include "reprise/eval/case_runner.hpp"

namespace reprise::eval {

struct CaseNote {
  enum class Kind { info, warning, failure };
  Kind kind = Kind::info;
  std::string message;
};

struct ModeExecution {
  std::vector<std::optional<CaseOutcome>> outcomes;  // by suite index; unset: not selected
  std::vector<std::vector<CaseNote>> notes;          // by suite index
  std::vector<bool> not_run;                         // by suite index: selected but never started
  std::string report;                                // printed after Catch2's output (may hold ANSI colour)
  int failed_extra = 0;  // failures that are not a test's (a refused run): the process fails

  explicit ModeExecution(std::size_t cases) : outcomes(cases), notes(cases), not_run(cases, false) {}
};

}  // namespace reprise::eval
