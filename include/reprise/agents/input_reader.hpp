#pragma once
// Typed reading of an agent's JSON input, collecting every problem with its
// JSON pointer instead of stopping at the first. Agents parse their input
// struct with it; validate() and run() share that parse.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "reprise/agents/agent.hpp"

namespace reprise::agents {

class InputReader {
 public:
  InputReader(const Json& value, std::string pointer, std::vector<InputError>& errors);

  const Json& json() const { return value_; }
  const std::string& pointer() const { return pointer_; }
  bool is_object() const { return value_.is_object(); }
  bool has(const char* key) const;

  std::string string(const char* key);                       // required, non-empty
  std::optional<std::string> optional_string(const char* key);
  double number(const char* key, std::optional<double> min = {}, std::optional<double> max = {});
  std::optional<double> optional_number(const char* key, std::optional<double> min = {}, std::optional<double> max = {});
  std::int64_t integer(const char* key, std::optional<std::int64_t> min = {}, std::optional<std::int64_t> max = {});
  std::optional<bool> optional_bool(const char* key);
  // The value must be one of `allowed`.
  std::string one_of(const char* key, std::initializer_list<const char*> allowed);
  std::vector<std::string> strings(const char* key, bool required, std::size_t min_items = 0);
  // Readers for the elements of an array field (none when missing and not required).
  std::vector<InputReader> objects(const char* key, bool required, std::size_t min_items = 0);
  InputReader object(const char* key);
  // Reports every key not in `known`, suggesting the closest known key.
  void reject_unknown_keys(std::initializer_list<const char*> known);

  void fail(const std::string& key, std::string message);

 private:
  const Json* find(const char* key);
  static const Json& null_json();

  const Json& value_;
  std::string pointer_;
  std::vector<InputError>* errors_;
};

// Edit distance based "did you mean": the closest candidate within 2 edits, or "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace reprise::agents
