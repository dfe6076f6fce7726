#include "reprise/eval/case_parser.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <regex>
#include <set>

#include "reprise/agents/input_reader.hpp"
#include "reprise/agents/registry.hpp"
#include "reprise/eval/yaml_json.hpp"

namespace reprise::eval {
namespace {

const std::vector<std::string> kTopKeys = {"id", "agent", "description", "tags", "input", "expect"};
const std::vector<std::string> kExpectKeys = {"verdict", "assert", "request"};
const std::vector<std::string> kVerdictKeys = {"labels", "score"};
const std::vector<std::string> kBandKeys = {"min", "max"};
const std::vector<std::string> kCheckModifiers = {"at", "call"};
const std::vector<std::string> kRequestKeys = {
    "call", "model", "max_tokens", "temperature", "fields_present", "system_contains", "system_not_contains",
    "messages_contain", "messages_not_contain", "tools"};

std::vector<std::string> check_kind_names() {
  std::vector<std::string> keys;
  for (auto kind : {Check::Kind::contains, Check::Kind::not_contains, Check::Kind::icontains, Check::Kind::regex,
                    Check::Kind::min_words, Check::Kind::max_words, Check::Kind::is_json, Check::Kind::equals}) {
    keys.emplace_back(to_string(kind));
  }
  return keys;
}

bool is_name(const std::string& text) {
  if (text.empty() || text.size() > 100) return false;
  if (!((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= '0' && text[0] <= '9'))) return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

const char* kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    default: return "empty";
  }
}

// Walks one case document, collecting every problem with its position.
class Parser {
 public:
  Parser(std::string_view text, const CaseLocation& location) : text_(text), location_(location) {}

  ParsedCase run() {
    ParsedCase result;
    result.value.display_path = location_.display_path;
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text_));
    } catch (const YAML::Exception& error) {
      error_at({error.mark.line + 1, error.mark.column + 1}, "YAML syntax error: " + error.msg);
      result.errors = std::move(errors_);
      return result;
    }
    if (!root.IsMap()) {
      error_at(position_of(root), fmt::format("a case file must be a mapping with keys id, agent, description, input, expect; found {}", kind_name(root)));
      result.errors = std::move(errors_);
      return result;
    }
    read_case(root, result.value);
    result.errors = std::move(errors_);
    return result;
  }

 private:
  void error_at(SourcePos pos, std::string message) {
    errors_.push_back({location_.display_path, pos, std::move(message), line_of(text_, pos.line)});
  }
  void error_at(const YAML::Node& node, std::string message) { error_at(position_of(node), std::move(message)); }

  // Checks a mapping's keys: unknown ones (with a suggestion) and duplicates.
  // Returns the keys suggested for misspelt ones, so a "needs X" check on the
  // same mapping does not report the same mistake a second time.
  std::set<std::string> check_keys(const YAML::Node& map, const std::vector<std::string>& known, const std::string& where) {
    std::set<std::string> seen, suggestions;
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      if (!seen.insert(key).second) {
        error_at(entry.first, fmt::format("duplicate key '{}'{}", key, where));
        continue;
      }
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string suggestion = agents::closest_match(key, known);
      if (!suggestion.empty()) suggestions.insert(suggestion);
      error_at(entry.first, suggestion.empty()
                                ? fmt::format("unknown key '{}'{}", key, where)
                                : fmt::format("unknown key '{}'{} (did you mean '{}'?)", key, where, suggestion));
    }
    return suggestions;
  }

  std::optional<std::string> string_at(const YAML::Node& node, const std::string& what) {
    if (!node.IsScalar()) {
      error_at(node, fmt::format("'{}' must be a string, not {}", what, kind_name(node)));
      return std::nullopt;
    }
    return node.Scalar();
  }

  std::optional<double> number_at(const YAML::Node& node, const std::string& what) {
    Json value = scalar_to_json(node);
    if (!value.is_number()) {
      error_at(node, fmt::format("'{}' must be a number", what));
      return std::nullopt;
    }
    return value.get<double>();
  }

  std::vector<std::string> strings_at(const YAML::Node& node, const std::string& what) {
    std::vector<std::string> items;
    if (node.IsScalar()) {  // a single string is accepted for a one-item list
      items.push_back(node.Scalar());
      return items;
    }
    if (!node.IsSequence()) {
      error_at(node, fmt::format("'{}' must be a list of strings, not {}", what, kind_name(node)));
      return items;
    }
    for (const auto& item : node) {
      if (auto text = string_at(item, what + " item")) items.push_back(*text);
    }
    return items;
  }

  std::optional<NumberBand> band_at(const YAML::Node& node, const std::string& what) {
    if (node.IsScalar()) {  // an exact value is a band of width zero
      auto value = number_at(node, what);
      if (!value) return std::nullopt;
      return NumberBand{value, value};
    }
    if (!node.IsMap()) {
      error_at(node, fmt::format("'{}' must be a number or a mapping with min and/or max", what));
      return std::nullopt;
    }
    auto suggested = check_keys(node, kBandKeys, " in '" + what + "'");
    NumberBand band;
    if (node["min"]) band.min = number_at(node["min"], what + ".min");
    if (node["max"]) band.max = number_at(node["max"], what + ".max");
    // A present but bad bound, or a misspelt one, was already reported.
    if (!node["min"] && !node["max"] && suggested.empty()) error_at(node, fmt::format("'{}' needs min or max", what));
    if (band.min && band.max && *band.min > *band.max) error_at(node, fmt::format("'{}': min is greater than max", what));
    return band;
  }

  void read_case(const YAML::Node& root, Case& value) {
    auto suggested = check_keys(root, kTopKeys, "");
    for (const char* required : {"id", "agent", "description", "input", "expect"}) {
      // A misspelt key was already reported with the right spelling; saying it is missing too is noise.
      if (!root[required] && !suggested.count(required)) error_at(SourcePos{1, 1}, fmt::format("missing required key '{}'", required));
    }
    if (auto node = root["id"]) read_id(node, value);
    if (auto node = root["agent"]) read_agent(node, value);
    if (auto node = root["description"]) {
      value.description = string_at(node, "description").value_or("");
      if (node.IsScalar() && value.description.empty()) error_at(node, "'description' must not be empty");
    }
    if (auto node = root["tags"]) read_tags(node, value);
    if (auto node = root["input"]) read_input(node, value);
    if (auto node = root["expect"]) read_expect(node, value);
  }

  void read_id(const YAML::Node& node, Case& value) {
    value.id_pos = position_of(node);
    value.id_source = line_of(text_, value.id_pos.line);
    value.id = string_at(node, "id").value_or("");
    if (!node.IsScalar()) return;
    if (!is_name(value.id)) {
      error_at(node, fmt::format("'id' must be lowercase letters, digits, '-' or '_' (at most 100), got '{}'", value.id));
    } else if (value.id != location_.expected_id) {
      error_at(node, fmt::format("'id' is '{}' but the file is named '{}.yaml': they must match", value.id, location_.expected_id));
    }
  }

  void read_agent(const YAML::Node& node, Case& value) {
    value.agent = string_at(node, "agent").value_or("");
    if (!node.IsScalar()) return;
    if (value.agent != location_.expected_agent) {
      error_at(node, fmt::format("'agent' is '{}' but the case is in eval/{}/cases/: they must match", value.agent,
                                 location_.expected_agent));
    }
    agent_ = agents::find_agent(value.agent);
    if (!agent_) {
      std::vector<std::string> names;
      for (auto name : agents::agent_names()) names.emplace_back(name);
      std::string suggestion = agents::closest_match(value.agent, names);
      error_at(node, fmt::format("unknown agent '{}'{}", value.agent,
                                 suggestion.empty() ? "" : fmt::format(" (did you mean '{}'?)", suggestion)));
    }
  }

  void read_tags(const YAML::Node& node, Case& value) {
    if (!node.IsSequence()) {
      error_at(node, fmt::format("'tags' must be a list of names, not {}", kind_name(node)));
      return;
    }
    for (const auto& tag : node) {
      auto text = string_at(tag, "tags item");
      if (!text) continue;
      if (!is_name(*text)) error_at(tag, fmt::format("tag '{}' must be lowercase letters, digits, '-' or '_'", *text));
      else value.tags.push_back(*text);
    }
  }

  void read_input(const YAML::Node& node, Case& value) {
    PositionMap positions;
    try {
      value.input = yaml_to_json(node, "", &positions);
    } catch (const std::exception& error) {
      error_at(node, std::string("'input': ") + error.what());
      return;
    }
    if (!agent_) return;  // unknown agent: already reported, nothing to validate against
    for (const auto& problem : agent_->validate(value.input)) {
      error_at(nearest_position(positions, problem.pointer, position_of(node)),
               fmt::format("input{}: {}", problem.pointer, problem.message));
    }
  }

  // The position of `pointer`, else of its closest existing parent.
  static SourcePos nearest_position(const PositionMap& positions, std::string pointer, SourcePos fallback) {
    while (true) {
      if (auto it = positions.find(pointer); it != positions.end()) return it->second;
      auto slash = pointer.rfind('/');
      if (slash == std::string::npos) return fallback;
      pointer.resize(slash);
    }
  }

  void read_expect(const YAML::Node& node, Case& value) {
    if (!node.IsMap()) {
      error_at(node, fmt::format("'expect' must be a mapping with verdict, assert and/or request, not {}", kind_name(node)));
      return;
    }
    auto suggested = check_keys(node, kExpectKeys, " in 'expect'");
    if (auto verdict = node["verdict"]) read_verdict(verdict, value.verdict);
    if (auto checks = node["assert"]) read_checks(checks, value.checks);
    if (auto request = node["request"]) {
      if (request.IsSequence()) {
        for (const auto& item : request) read_request(item, value.requests);
      } else {
        read_request(request, value.requests);
      }
    }
    if (!value.verdict.present && value.checks.empty() && !suggested.count("verdict") && !suggested.count("assert")) {
      error_at(node, "'expect' needs a verdict band or at least one assertion: a case that checks nothing cannot fail");
    }
  }

  void read_verdict(const YAML::Node& node, VerdictBand& band) {
    band.pos = position_of(node);
    band.source = line_of(text_, band.pos.line);
    if (!node.IsMap()) {
      error_at(node, fmt::format("'expect.verdict' must be a mapping with labels and/or score, not {}", kind_name(node)));
      return;
    }
    band.present = true;
    auto suggested = check_keys(node, kVerdictKeys, " in 'expect.verdict'");
    if (auto labels = node["labels"]) band.labels = strings_at(labels, "expect.verdict.labels");
    if (auto score = node["score"]) band.score = band_at(score, "expect.verdict.score");
    if (band.labels.empty() && !band.score && suggested.empty()) error_at(node, "'expect.verdict' needs labels or score");
  }

  void read_checks(const YAML::Node& node, std::vector<Check>& checks) {
    if (!node.IsSequence()) {
      error_at(node, fmt::format("'expect.assert' must be a list of checks, not {}", kind_name(node)));
      return;
    }
    static const std::vector<std::string> kinds = check_kind_names();
    std::vector<std::string> allowed = kinds;
    allowed.insert(allowed.end(), kCheckModifiers.begin(), kCheckModifiers.end());
    for (const auto& item : node) {
      if (!item.IsMap()) {
        error_at(item, fmt::format("each check must be a mapping like '- contains: text', not {}", kind_name(item)));
        continue;
      }
      check_keys(item, allowed, " in a check");
      Check check;
      int found = 0;
      for (const auto& entry : item) {
        auto kind = check_kind_from_string(entry.first.Scalar());
        if (!kind) continue;
        ++found;
        check.kind = *kind;
        check.pos = position_of(entry.first);
        read_operand(entry.second, check);
      }
      if (found != 1) {
        error_at(item, fmt::format("a check needs exactly one of contains, not_contains, icontains, regex, min_words, max_words, is_json, equals; found {}", found));
        continue;
      }
      if (auto at = item["at"]) {
        check.at = string_at(at, "at").value_or("");
        if (at.IsScalar() && (check.at.empty() || check.at[0] != '/')) error_at(at, "'at' must be a JSON pointer starting with '/'");
      }
      if (auto call = item["call"]) {
        Json number = scalar_to_json(call);
        if (!number.is_number_integer() || number.get<long long>() < 1) error_at(call, "'call' must be a call number, 1 or more");
        else check.call = static_cast<int>(number.get<long long>());
      }
      if (check.kind == Check::Kind::equals && check.at.empty()) {
        error_at(check.pos, "'equals' needs 'at': the JSON pointer of the output field it compares");
      }
      check.source = line_of(text_, check.pos.line);
      checks.push_back(std::move(check));
    }
  }

  void read_operand(const YAML::Node& node, Check& check) {
    std::string name(to_string(check.kind));
    switch (check.kind) {
      case Check::Kind::contains:
      case Check::Kind::not_contains:
      case Check::Kind::icontains:
      case Check::Kind::regex:
        if (!node.IsScalar() || node.Scalar().empty()) {
          error_at(node, fmt::format("'{}' needs a non-empty string", name));
          return;
        }
        check.operand = node.Scalar();
        if (check.kind == Check::Kind::regex) {
          try {
            std::regex compiled(node.Scalar());
          } catch (const std::regex_error& error) {
            error_at(node, fmt::format("'regex' does not compile: {}", error.what()));
          }
        }
        return;
      case Check::Kind::min_words:
      case Check::Kind::max_words:
        check.operand = scalar_to_json(node);
        if (!check.operand.is_number_integer() || check.operand.get<long long>() < 0) {
          error_at(node, fmt::format("'{}' needs a whole number, 0 or more", name));
        }
        return;
      case Check::Kind::is_json:
        check.operand = scalar_to_json(node);
        if (!check.operand.is_boolean()) error_at(node, "'is_json' needs true or false");
        return;
      case Check::Kind::equals:
        try {
          check.operand = yaml_to_json(node, "", nullptr);
        } catch (const std::exception& error) {
          error_at(node, std::string("'equals': ") + error.what());
        }
        return;
    }
  }

  void read_request(const YAML::Node& node, std::vector<RequestExpectation>& requests) {
    if (!node.IsMap()) {
      error_at(node, fmt::format("'expect.request' must be a mapping (or a list of them), not {}", kind_name(node)));
      return;
    }
    check_keys(node, kRequestKeys, " in 'expect.request'");
    RequestExpectation expectation;
    expectation.pos = position_of(node);
    expectation.source = line_of(text_, expectation.pos.line);
    for (auto key = node.begin(); key != node.end(); ++key) {
      if (key->first.IsScalar()) expectation.key_pos[key->first.Scalar()] = position_of(key->first);
    }
    if (auto call = node["call"]) {
      Json number = scalar_to_json(call);
      if (!number.is_number_integer() || number.get<long long>() < 1) error_at(call, "'call' must be a call number, 1 or more");
      else expectation.call = static_cast<int>(number.get<long long>());
    }
    if (auto model = node["model"]) expectation.model = string_at(model, "model");
    if (auto max_tokens = node["max_tokens"]) expectation.max_tokens = band_at(max_tokens, "max_tokens");
    if (auto temperature = node["temperature"]) expectation.temperature = band_at(temperature, "temperature");
    auto list = [&](const char* key, std::vector<std::string>& into) {
      if (auto item = node[key]) into = strings_at(item, key);
    };
    list("fields_present", expectation.fields_present);
    list("system_contains", expectation.system_contains);
    list("system_not_contains", expectation.system_not_contains);
    list("messages_contain", expectation.messages_contain);
    list("messages_not_contain", expectation.messages_not_contain);
    if (auto tools = node["tools"]) expectation.tools = strings_at(tools, "tools");
    requests.push_back(std::move(expectation));
  }

  std::string_view text_;
  const CaseLocation& location_;
  const agents::Agent* agent_ = nullptr;
  std::vector<LoadError> errors_;
};

}  // namespace

ParsedCase parse_case(std::string_view text, const CaseLocation& location) { return Parser(text, location).run(); }

}  // namespace reprise::eval
