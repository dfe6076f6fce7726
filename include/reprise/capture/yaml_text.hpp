#pragma once
// JSON values as block-style YAML a person reads in a pull request, for the
// case files capture writes. The loader (eval/yaml_json) must read each
// value back equal to the JSON it came from, so the writer is conservative:
// a string is plain only when it cannot be mistaken for anything else (a
// number, a boolean, null, a comment, a mapping key); a multi-line string
// is a literal block when that keeps it exact, otherwise double-quoted with
// JSON escapes (which YAML's double-quoted style shares).
#include <string>

#include <nlohmann/json.hpp>

namespace reprise::capture {

using Json = nlohmann::json;

// A scalar on one line: plain, or double-quoted.
std::string yaml_scalar(const Json& value);
// `key: value` lines at `indent` spaces, ending in a newline; nested
// mappings and lists in block style, empty ones as {} and [].
std::string yaml_entry(const std::string& key, const Json& value, int indent);

}  // namespace reprise::capture
