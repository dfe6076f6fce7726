#include "reprise/eval/yaml_json.hpp"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace reprise::eval {
namespace {

constexpr int kMaxDepth = 64;
// Aliases share one node in yaml-cpp, but JSON copies it at every use: ten
// levels of nine aliases each ("billion laughs") would be 3.4 billion values
// and every gigabyte of memory. No case input comes near this many values.
constexpr std::size_t kMaxValues = 100'000;

bool is_plain(const YAML::Node& node) { return node.Tag() == "?" || node.Tag().empty(); }

// Escapes a mapping key for use in a JSON pointer (RFC 6901).
std::string pointer_token(const std::string& key) {
  std::string token;
  for (char c : key) {
    if (c == '~') token += "~0";
    else if (c == '/') token += "~1";
    else token.push_back(c);
  }
  return token;
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// YAML 1.2 core schema numbers: [-+]?[0-9]+ and [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool looks_like_float(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  std::size_t exponent = text.find_first_of("eE");
  std::string_view mantissa = text.substr(0, exponent);
  if (exponent != std::string_view::npos) {
    std::string_view power = text.substr(exponent + 1);
    if (!power.empty() && (power[0] == '-' || power[0] == '+')) power.remove_prefix(1);
    if (!all_digits(power)) return false;
  }
  std::size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return all_digits(mantissa);
  std::string_view whole = mantissa.substr(0, dot), fraction = mantissa.substr(dot + 1);
  return (whole.empty() || all_digits(whole)) && (fraction.empty() ? !whole.empty() : all_digits(fraction));
}

Json plain_scalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  std::string_view unsigned_part(text);
  if (unsigned_part[0] == '-' || unsigned_part[0] == '+') unsigned_part.remove_prefix(1);
  if (all_digits(unsigned_part)) {
    errno = 0;
    long long value = std::strtoll(text.c_str(), nullptr, 10);
    if (errno != ERANGE) return value;
  }
  if (looks_like_float(text)) return std::strtod(text.c_str(), nullptr);
  return text;
}

Json convert(const YAML::Node& node, const std::string& pointer, PositionMap* positions, int depth, std::size_t& values) {
  if (depth > kMaxDepth) throw std::runtime_error("nesting deeper than 64 levels");
  if (++values > kMaxValues) {
    throw std::runtime_error("more than 100000 values once aliases are expanded (an alias that repeats aliases?)");
  }
  if (positions) (*positions)[pointer] = position_of(node);
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      std::size_t index = 0;
      for (const auto& item : node) {
        array.push_back(convert(item, pointer + "/" + std::to_string(index++), positions, depth + 1, values));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& entry : node) {
        auto key = entry.first.Scalar();
        std::string child = pointer + "/" + pointer_token(key);
        object[key] = convert(entry.second, child, positions, depth + 1, values);
        // A key's own position is more useful than its value's for "unknown key" errors.
        if (positions && entry.second.IsScalar()) (*positions)[child] = position_of(entry.first);
      }
      return object;
    }
  }
  return nullptr;
}

}  // namespace

SourcePos position_of(const YAML::Node& node) {
  auto mark = node.Mark();
  if (mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

Json scalar_to_json(const YAML::Node& node) {
  if (!node.IsScalar()) return nullptr;
  return is_plain(node) ? plain_scalar(node.Scalar()) : Json(node.Scalar());
}

Json yaml_to_json(const YAML::Node& node, const std::string& pointer, PositionMap* positions) {
  std::size_t values = 0;
  return convert(node, pointer, positions, 0, values);
}

}  // namespace reprise::eval
