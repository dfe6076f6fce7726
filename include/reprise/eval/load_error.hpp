#pragma once
// A problem with a case, named by file, line and column, rendered as
//
//   eval/coach_narrative/cases/late.yaml:14:3: 'expect.verdict' must be a mapping
//      14 |   verdict: [watch]
//         |   ^
//
// Errors are values: the loader collects all of them, a run prints them all
// before executing anything.
#include <string>

#include "reprise/eval/case.hpp"

namespace reprise::eval {

struct LoadError {
  std::string file;  // display path
  SourcePos pos;     // line 0: the file as a whole
  std::string message;
  std::string source_line;  // the offending line's text, when known

  std::string render() const;
};

// The text of 1-based `line` of `text` (no newline), or "" when out of range.
std::string line_of(std::string_view text, int line);

}  // namespace reprise::eval
