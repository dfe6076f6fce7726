#pragma once
// YAML -> JSON for a case's `input`, keeping where each value came from so an
// agent's input error ("/metrics/savings_rate: must be a number") can be shown
// at its YAML line.
//
// Scalars follow the YAML 1.2 core schema: a plain scalar is null, a bool, an
// integer or a float when it looks like one, else a string; a quoted or block
// scalar is always a string.
#include <string>
#include <unordered_map>

#include <yaml-cpp/yaml.h>

#include "reprise/eval/case.hpp"

namespace reprise::eval {

using PositionMap = std::unordered_map<std::string, SourcePos>;  // JSON pointer -> position

SourcePos position_of(const YAML::Node& node);
// Throws std::runtime_error for an alias cycle, nesting deeper than 64 levels,
// or more than 100,000 values once aliases are expanded (an alias bomb).
Json yaml_to_json(const YAML::Node& node, const std::string& pointer, PositionMap* positions);
// A scalar converted alone (for check operands).
Json scalar_to_json(const YAML::Node& node);

}  // namespace reprise::eval
