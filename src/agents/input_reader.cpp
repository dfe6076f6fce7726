#include "reprise/agents/input_reader.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace reprise::agents {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      // A swap of two neighbours ("expcet") counts as one edit.
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], previous[j - 1]);
      }
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string type_name(const Json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_array()) return "a list";
  if (value.is_object()) return "a mapping";
  return "null";
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& candidate : candidates) {
    std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

InputReader::InputReader(const Json& value, std::string pointer, std::vector<InputError>& errors)
    : value_(value), pointer_(std::move(pointer)), errors_(&errors) {}

const Json& InputReader::null_json() {
  static const Json null;
  return null;
}

bool InputReader::has(const char* key) const {
  return value_.is_object() && value_.contains(key) && !value_.at(key).is_null();
}

void InputReader::fail(const std::string& key, std::string message) {
  errors_->push_back({key.empty() ? pointer_ : pointer_ + "/" + key, std::move(message)});
}

const Json* InputReader::find(const char* key) {
  if (!value_.is_object()) return nullptr;
  auto it = value_.find(key);
  return it == value_.end() || it->is_null() ? nullptr : &*it;
}

std::string InputReader::string(const char* key) {
  const Json* value = find(key);
  if (!value) {
    fail(key, fmt::format("'{}' is required", key));
    return {};
  }
  if (!value->is_string()) {
    fail(key, fmt::format("'{}' must be a string, not {}", key, type_name(*value)));
    return {};
  }
  auto text = value->get<std::string>();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) fail(key, fmt::format("'{}' must not be empty", key));
  return text;
}

std::optional<std::string> InputReader::optional_string(const char* key) {
  if (!find(key)) return std::nullopt;
  return string(key);
}

std::optional<double> InputReader::optional_number(const char* key, std::optional<double> min, std::optional<double> max) {
  const Json* value = find(key);
  if (!value) return std::nullopt;
  if (!value->is_number()) {
    fail(key, fmt::format("'{}' must be a number, not {}", key, type_name(*value)));
    return std::nullopt;
  }
  double number = value->get<double>();
  if (min && number < *min) fail(key, fmt::format("'{}' must be at least {}, got {}", key, *min, number));
  if (max && number > *max) fail(key, fmt::format("'{}' must be at most {}, got {}", key, *max, number));
  return number;
}

double InputReader::number(const char* key, std::optional<double> min, std::optional<double> max) {
  if (!find(key)) {
    fail(key, fmt::format("'{}' is required", key));
    return 0;
  }
  return optional_number(key, min, max).value_or(0);
}

std::int64_t InputReader::integer(const char* key, std::optional<std::int64_t> min, std::optional<std::int64_t> max) {
  const Json* value = find(key);
  if (!value) {
    fail(key, fmt::format("'{}' is required", key));
    return 0;
  }
  if (!value->is_number_integer()) {
    fail(key, fmt::format("'{}' must be a whole number, not {}", key, type_name(*value)));
    return 0;
  }
  auto number = value->get<std::int64_t>();
  if (min && number < *min) fail(key, fmt::format("'{}' must be at least {}, got {}", key, *min, number));
  if (max && number > *max) fail(key, fmt::format("'{}' must be at most {}, got {}", key, *max, number));
  return number;
}

std::optional<bool> InputReader::optional_bool(const char* key) {
  const Json* value = find(key);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) {
    fail(key, fmt::format("'{}' must be true or false, not {}", key, type_name(*value)));
    return std::nullopt;
  }
  return value->get<bool>();
}

std::string InputReader::one_of(const char* key, std::initializer_list<const char*> allowed) {
  std::string value = string(key);
  if (value.empty()) return value;
  for (const char* candidate : allowed) {
    if (value == candidate) return value;
  }
  std::string list;
  for (const char* candidate : allowed) list += (list.empty() ? "" : ", ") + std::string(candidate);
  fail(key, fmt::format("'{}' must be one of {}; got '{}'", key, list, value));
  return value;
}

std::vector<std::string> InputReader::strings(const char* key, bool required, std::size_t min_items) {
  std::vector<std::string> items;
  const Json* value = find(key);
  if (!value) {
    if (required) fail(key, fmt::format("'{}' is required", key));
    return items;
  }
  if (!value->is_array()) {
    fail(key, fmt::format("'{}' must be a list of strings, not {}", key, type_name(*value)));
    return items;
  }
  for (std::size_t i = 0; i < value->size(); ++i) {
    const Json& item = (*value)[i];
    if (!item.is_string()) fail(fmt::format("{}/{}", key, i), "must be a string, not " + type_name(item));
    else items.push_back(item.get<std::string>());
  }
  if (items.size() < min_items) fail(key, fmt::format("'{}' needs at least {} item(s)", key, min_items));
  return items;
}

std::vector<InputReader> InputReader::objects(const char* key, bool required, std::size_t min_items) {
  std::vector<InputReader> readers;
  const Json* value = find(key);
  if (!value) {
    if (required) fail(key, fmt::format("'{}' is required", key));
    return readers;
  }
  if (!value->is_array()) {
    fail(key, fmt::format("'{}' must be a list, not {}", key, type_name(*value)));
    return readers;
  }
  for (std::size_t i = 0; i < value->size(); ++i) {
    std::string pointer = fmt::format("{}/{}/{}", pointer_, key, i);
    if (!(*value)[i].is_object()) {
      errors_->push_back({pointer, "must be a mapping, not " + type_name((*value)[i])});
      continue;
    }
    readers.emplace_back((*value)[i], pointer, *errors_);
  }
  if (value->size() < min_items) fail(key, fmt::format("'{}' needs at least {} item(s)", key, min_items));
  return readers;
}

InputReader InputReader::object(const char* key) {
  const Json* value = find(key);
  if (!value) {
    fail(key, fmt::format("'{}' is required", key));
    return InputReader(null_json(), pointer_ + "/" + key, *errors_);
  }
  if (!value->is_object()) {
    fail(key, fmt::format("'{}' must be a mapping, not {}", key, type_name(*value)));
    return InputReader(null_json(), pointer_ + "/" + key, *errors_);
  }
  return InputReader(*value, pointer_ + "/" + key, *errors_);
}

void InputReader::reject_unknown_keys(std::initializer_list<const char*> known) {
  if (!value_.is_object()) return;
  std::vector<std::string> names(known.begin(), known.end());
  for (const auto& [key, unused] : value_.items()) {
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    std::string suggestion = closest_match(key, names);
    fail(key, suggestion.empty() ? fmt::format("unknown key '{}'", key)
                                 : fmt::format("unknown key '{}' (did you mean '{}'?)", key, suggestion));
  }
}

}  // namespace reprise::agents
