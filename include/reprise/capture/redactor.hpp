#pragma once
// Secrets out of everything capture writes.
//
// The built-in detectors are util::find_secrets' (Anthropic keys, AWS access
// key ids and secret keys, bearer tokens, x-api-key values); a team adds its
// own as ECMAScript regular expressions (--secret-pattern). Redaction runs
// on every string (and key) of the logged input, requests and answers before
// a case is built; the scan runs again over each finished file, because
// redacting pieces does not prove the whole is clean (two text blocks that
// each look harmless can join into a key in the completion file).
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "reprise/util/expected.hpp"

namespace reprise::capture {

using Json = nlohmann::json;

class Redactor {
 public:
  // Error: the first pattern that is not a valid regular expression, named.
  static util::Expected<Redactor, std::string> with_patterns(const std::vector<std::string>& patterns);

  std::string redact(std::string_view text) const;
  // Every string value and object key, redacted.
  Json redact(const Json& value) const;
  // The first secret-looking string in `text`, never the secret itself.
  struct Found {
    std::size_t line = 1, column = 1;  // 1-based, the column in bytes
    std::string what;                  // "anthropic_key", "matches --secret-pattern '...'"
    std::string describe() const;      // "line 3, column 14: anthropic_key"
  };
  std::optional<Found> find(std::string_view text) const;

 private:
  std::vector<std::regex> patterns_;
  std::vector<std::string> sources_;
};

}  // namespace reprise::capture
