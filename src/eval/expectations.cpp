#include "reprise/eval/expectations.hpp"

#include <fmt/format.h>

#include <regex>
#include <unordered_map>

#include "reprise/util/text.hpp"

namespace reprise::eval {
namespace {

constexpr std::size_t kExcerpt = 400;

std::string quote_text(const std::string& text) { return Json(util::excerpt(text, kExcerpt)).dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string number_text(double value) { return fmt::format("{:g}", value); }

std::string band_text(const NumberBand& band) {
  if (band.min && band.max) return fmt::format("{} to {}", number_text(*band.min), number_text(*band.max));
  if (band.min) return "at least " + number_text(*band.min);
  return "at most " + number_text(band.max.value_or(0));
}

CheckResult result(bool passed, SourcePos pos, std::string expression, std::string expected, std::string actual) {
  return {passed, pos, std::move(expression), passed ? "" : fmt::format("expected: {}\n  actual: {}", expected, actual)};
}

// As result(), with `expected` and `actual` built only for a failure: quoting
// a completion or a whole prompt is most of what a passing check would cost.
template <typename Expected, typename Actual>
CheckResult lazy_result(bool passed, SourcePos pos, std::string expression, const Expected& expected, const Actual& actual) {
  if (passed) return {true, pos, std::move(expression), ""};
  std::string expected_text = expected();
  std::string actual_text = actual();
  return result(false, pos, std::move(expression), std::move(expected_text), std::move(actual_text));
}

// Compiling a std::regex costs far more than a search over a completion, and
// a suite repeats its patterns: each thread keeps the ones it compiled. The
// loader has already rejected patterns that do not compile.
const std::regex& compiled_regex(const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::regex> cache;
  if (auto it = cache.find(pattern); it != cache.end()) return it->second;
  if (cache.size() >= 256) cache.clear();
  return cache.emplace(pattern, std::regex(pattern)).first->second;
}

// The text or value a check looks at, or an explanation of why there is none.
struct Target {
  const Json* value = nullptr;  // an output field (for `at`)
  std::string text;             // the text checked: a completion, or a string field
  std::string missing;          // non-empty: there is nothing to check
  std::string name;             // "completion of call 2", "/verdict/label"
};

Target target_of(const Check& check, const agents::AgentOutput& output) {
  Target target;
  if (!check.at.empty()) {
    target.name = "output field " + check.at;
    Json::json_pointer pointer;
    try {
      pointer = Json::json_pointer(check.at);
    } catch (const Json::exception&) {
      target.missing = "'" + check.at + "' is not a valid JSON pointer";
      return target;
    }
    if (!output.output.contains(pointer)) {
      target.missing = "the output has no field " + check.at;
      return target;
    }
    target.value = &output.output.at(pointer);
    target.text = target.value->is_string() ? target.value->get<std::string>() : target.value->dump();
    return target;
  }
  std::size_t calls = output.completions.size();
  std::size_t index = check.call > 0 ? static_cast<std::size_t>(check.call) - 1 : calls - 1;
  target.name = check.call > 0 ? fmt::format("completion of call {}", check.call) : "completion";
  if (calls == 0 || index >= calls) {
    target.missing = fmt::format("the case made {} call(s)", calls);
    return target;
  }
  target.text = output.completions[index];
  return target;
}

std::string expression_of(const Check& check) {
  std::string expression = fmt::format("{}: {}", to_string(check.kind), check.operand.dump(-1, ' ', false, Json::error_handler_t::replace));
  if (!check.at.empty()) expression += fmt::format(" (at {})", check.at);
  if (check.call > 0) expression += fmt::format(" (call {})", check.call);
  return expression;
}

CheckResult evaluate(const Check& check, const agents::AgentOutput& output) {
  std::string expression = expression_of(check);
  Target target = target_of(check, output);
  if (!target.missing.empty()) return result(false, check.pos, expression, "a value to check", target.missing);
  auto actual = [&] { return target.name + " " + quote_text(target.text); };
  switch (check.kind) {
    case Check::Kind::contains: {
      auto needle = check.operand.get<std::string>();
      return lazy_result(target.text.find(needle) != std::string::npos, check.pos, expression,
                         [&] { return "text containing " + quote_text(needle); }, actual);
    }
    case Check::Kind::not_contains: {
      auto needle = check.operand.get<std::string>();
      return lazy_result(target.text.find(needle) == std::string::npos, check.pos, expression,
                         [&] { return "text not containing " + quote_text(needle); }, actual);
    }
    case Check::Kind::icontains: {
      auto needle = check.operand.get<std::string>();
      bool found = util::to_lower_ascii(target.text).find(util::to_lower_ascii(needle)) != std::string::npos;
      return lazy_result(found, check.pos, expression, [&] { return "text containing " + quote_text(needle) + " in any case"; },
                         actual);
    }
    case Check::Kind::regex: {
      auto pattern = check.operand.get<std::string>();
      bool found = std::regex_search(target.text, compiled_regex(pattern));
      return lazy_result(found, check.pos, expression, [&] { return "text matching /" + pattern + "/"; }, actual);
    }
    case Check::Kind::min_words:
    case Check::Kind::max_words: {
      auto words = util::count_words(target.text);
      auto bound = check.operand.get<std::size_t>();
      bool minimum = check.kind == Check::Kind::min_words;
      bool passed = minimum ? words >= bound : words <= bound;
      return result(passed, check.pos, expression, fmt::format("{} {} words", minimum ? "at least" : "at most", bound),
                    fmt::format("{} words in {}", words, target.name));
    }
    case Check::Kind::is_json: {
      bool parses = target.value ? !target.value->is_string() || !Json::parse(target.text, nullptr, false).is_discarded()
                                 : !Json::parse(target.text, nullptr, false).is_discarded();
      bool wanted = check.operand.get<bool>();
      return lazy_result(parses == wanted, check.pos, expression, [&] { return std::string(wanted ? "valid JSON" : "text that is not JSON"); },
                         actual);
    }
    case Check::Kind::equals: {
      bool same = *target.value == check.operand;
      // Eager, as before: dump() throws on invalid UTF-8, and that must not start depending on the outcome.
      return result(same, check.pos, expression, check.operand.dump(), target.value->dump());
    }
  }
  return result(false, check.pos, expression, "a known check", "an unknown check kind");
}

// The words a system prompt or the messages say: every string value, but not
// the API's own markers (roles, block types, ids), so that
// `messages_contain: [user]` means the text says "user".
std::string all_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string text;
  if (value.is_array()) {
    for (const auto& item : value) text += all_text(item) + "\n";
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (key == "role" || key == "type" || key == "id" || key == "tool_use_id" || key == "cache_control") continue;
      text += all_text(item) + "\n";
    }
  }
  return text;
}

void check_one_request(const RequestExpectation& expect, const Json& body, int call, std::vector<CheckResult>& results) {
  // `what` is the check's key in the case file: a result is reported at that key's line.
  auto add = [&](bool passed, std::string what, std::string expected, std::string actual) {
    results.push_back(result(passed, expect.pos_of(what), fmt::format("request (call {}): {}", call, what), std::move(expected), std::move(actual)));
  };
  // For the checks whose failure message quotes a whole prompt: built only on a failure.
  auto add_lazy = [&](bool passed, const char* what, const auto& expected, const auto& actual) {
    results.push_back(lazy_result(passed, expect.pos_of(what), fmt::format("request (call {}): {}", call, what), expected, actual));
  };
  if (expect.model) {
    std::string model = body.value("model", "");
    add(model == *expect.model, "model", quote_text(*expect.model), quote_text(model));
  }
  auto band_check = [&](const std::optional<NumberBand>& band, const char* field) {
    if (!band) return;
    if (!body.contains(field) || !body[field].is_number()) {
      add(false, field, band_text(*band), std::string(field) + " not set");
      return;
    }
    double value = body[field].get<double>();
    add(band->contains(value), field, band_text(*band), number_text(value));
  };
  band_check(expect.max_tokens, "max_tokens");
  band_check(expect.temperature, "temperature");
  for (const auto& field : expect.fields_present) {
    add(body.contains(field), "fields_present", "field '" + field + "' present", "absent");
  }
  std::string system = body.contains("system") ? all_text(body["system"]) : "";
  std::string messages = body.contains("messages") ? all_text(body["messages"]) : "";
  auto there = [] { return std::string("it is there"); };
  for (const auto& text : expect.system_contains) {
    add_lazy(system.find(text) != std::string::npos, "system_contains", [&] { return "system prompt containing " + quote_text(text); },
             [&] { return "system prompt " + quote_text(system); });
  }
  for (const auto& text : expect.system_not_contains) {
    add_lazy(system.find(text) == std::string::npos, "system_not_contains", [&] { return "system prompt without " + quote_text(text); },
             there);
  }
  for (const auto& text : expect.messages_contain) {
    add_lazy(messages.find(text) != std::string::npos, "messages_contain", [&] { return "messages containing " + quote_text(text); },
             [&] { return "messages " + quote_text(messages); });
  }
  for (const auto& text : expect.messages_not_contain) {
    add_lazy(messages.find(text) == std::string::npos, "messages_not_contain", [&] { return "messages without " + quote_text(text); },
             there);
  }
  if (expect.tools) {
    std::vector<std::string> offered;
    if (body.contains("tools")) {
      for (const auto& tool : body["tools"]) offered.push_back(tool.value("name", ""));
    }
    std::vector<std::string> wanted = *expect.tools;
    std::sort(offered.begin(), offered.end());
    std::sort(wanted.begin(), wanted.end());
    add(offered == wanted, "tools", Json(wanted).dump(), Json(offered).dump());
  }
}

}  // namespace

std::vector<CheckResult> check_verdict(const VerdictBand& band, const agents::Verdict& verdict) {
  std::vector<CheckResult> results;
  if (!band.present) return results;
  if (!band.labels.empty()) {
    std::string allowed = Json(band.labels).dump();
    if (!verdict.label) {
      results.push_back(result(false, band.pos, "verdict.labels", "a label in " + allowed, "the agent gave no label"));
    } else {
      bool inside = std::find(band.labels.begin(), band.labels.end(), *verdict.label) != band.labels.end();
      results.push_back(result(inside, band.pos, "verdict.labels", "a label in " + allowed, quote_text(*verdict.label)));
    }
  }
  if (band.score) {
    if (!verdict.score) {
      results.push_back(result(false, band.pos, "verdict.score", "a score " + band_text(*band.score), "the agent gave no score"));
    } else {
      results.push_back(result(band.score->contains(*verdict.score), band.pos, "verdict.score",
                               "a score " + band_text(*band.score), number_text(*verdict.score)));
    }
  }
  return results;
}

std::vector<CheckResult> check_assertions(const std::vector<Check>& checks, const agents::AgentOutput& output) {
  std::vector<CheckResult> results;
  results.reserve(checks.size());
  for (const auto& check : checks) results.push_back(evaluate(check, output));
  return results;
}

std::vector<CheckResult> check_requests(const std::vector<RequestExpectation>& expectations,
                                        const std::vector<ObservedCall>& calls) {
  std::vector<CheckResult> results;
  for (const auto& expect : expectations) {
    if (expect.call > 0) {
      if (static_cast<std::size_t>(expect.call) > calls.size()) {
        results.push_back(result(false, expect.pos, fmt::format("request (call {})", expect.call),
                                 fmt::format("a call {}", expect.call), fmt::format("{} call(s) made", calls.size())));
      } else {
        check_one_request(expect, calls[static_cast<std::size_t>(expect.call) - 1].body, expect.call, results);
      }
      continue;
    }
    for (std::size_t i = 0; i < calls.size(); ++i) check_one_request(expect, calls[i].body, static_cast<int>(i) + 1, results);
  }
  return results;
}

}  // namespace reprise::eval
