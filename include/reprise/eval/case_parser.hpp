#pragma once
// Case file text -> Case, or every schema problem found, each with its
// position. Pure: no file system access, so it can be unit tested and fuzzed
// on strings.
#include <string>
#include <string_view>
#include <vector>

#include "reprise/eval/case.hpp"
#include "reprise/eval/load_error.hpp"

namespace reprise::eval {

struct CaseLocation {
  std::string display_path;  // for messages
  std::string expected_agent;  // the <agent> folder the file is in
  std::string expected_id;     // the file name without .yaml
};

struct ParsedCase {
  Case value;
  std::vector<LoadError> errors;  // empty: the case is valid
};

ParsedCase parse_case(std::string_view text, const CaseLocation& location);

}  // namespace reprise::eval
