#include "reprise/capture/redactor.hpp"

#include <fmt/format.h>

#include "reprise/util/secrets_scan.hpp"

namespace reprise::capture {

util::Expected<Redactor, std::string> Redactor::with_patterns(const std::vector<std::string>& patterns) {
  Redactor redactor;
  for (const auto& pattern : patterns) {
    if (pattern.empty()) return util::unexpected(std::string("--secret-pattern: an empty pattern would match everywhere"));
    try {
      redactor.patterns_.emplace_back(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      return util::unexpected(fmt::format("--secret-pattern '{}': not a valid regular expression ({})", pattern, error.what()));
    }
    redactor.sources_.push_back(pattern);
  }
  return redactor;
}

std::string Redactor::redact(std::string_view text) const {
  std::string out = util::redact_secrets(text);
  for (const auto& pattern : patterns_) {
    std::string replaced;
    std::regex_replace(std::back_inserter(replaced), out.begin(), out.end(), pattern, std::string(util::kRedacted));
    out = std::move(replaced);
  }
  return out;
}

Json Redactor::redact(const Json& value) const {
  if (value.is_string()) return Json(redact(std::string_view(value.get_ref<const std::string&>())));
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& item : value) out.push_back(redact(item));
    return out;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[redact(std::string_view(it.key()))] = redact(it.value());
    return out;
  }
  return value;
}

std::string Redactor::Found::describe() const { return fmt::format("line {}, column {}: {}", line, column, what); }

std::optional<Redactor::Found> Redactor::find(std::string_view text) const {
  auto found = util::find_secrets(text);
  if (!found.empty()) {
    auto at = util::position_of(text, found.front().offset);
    return Found{at.line, at.column, std::string(util::to_string(found.front().kind))};
  }
  for (std::size_t i = 0; i < patterns_.size(); ++i) {
    std::match_results<std::string_view::const_iterator> match;
    if (std::regex_search(text.begin(), text.end(), match, patterns_[i]) && match.length(0) > 0) {
      auto at = util::position_of(text, static_cast<std::size_t>(match.position(0)));
      return Found{at.line, at.column, fmt::format("matches --secret-pattern '{}'", sources_[i])};
    }
  }
  return std::nullopt;
}

}  // namespace reprise::capture
