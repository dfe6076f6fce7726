#include "reprise/eval/fixture.hpp"

#include <fmt/format.h>

#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/util/text.hpp"

namespace reprise::eval {
namespace {

using util::unexpected;

// nlohmann reports a byte offset; people want a line and column.
SourcePos position_at_byte(std::string_view text, std::size_t byte) {
  SourcePos pos{1, 1};
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

std::string string_field(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The stored request must be the one request_sha256 was computed from; a
// hand edit of either would make a dry run diff against a request the answer
// was never recorded for. Returns the problem, or "" when there is none.
std::string checked_request(const Json& request, const std::string& request_sha256, const std::string& where,
                            std::size_t index) {
  if (!request.is_object()) return where + ".request must be the request body (a JSON object)";
  std::string fingerprint = llm::request_fingerprint(request);
  if (fingerprint == request_sha256) return "";
  return fmt::format(
      "{}.request (call {}) does not match its request_sha256: the stored request's fingerprint is {}, the sidecar says "
      "{}; the sidecar was edited by hand: restore it, or delete this call's \"request\" and run `reprise stamp` to record "
      "it again",
      where, index + 1, fingerprint.substr(0, 12), request_sha256.empty() ? "nothing" : request_sha256.substr(0, 12));
}

util::Expected<FixtureCall, std::string> call_from_json(const Json& json, std::size_t index) {
  std::string where = fmt::format("calls[{}]", index);
  if (!json.is_object()) return unexpected(where + " must be an object");
  FixtureCall call;
  call.extra = json;
  for (const char* known : {"request_sha256", "model", "stop_reason", "usage", "usage_estimated", "cost_usd", "tool_use",
                            "response_id", "request_id", "recorded", "restamps", "request"}) {
    call.extra.erase(known);
  }
  call.request_sha256 = string_field(json, "request_sha256");
  call.model = string_field(json, "model");
  call.stop_reason = string_field(json, "stop_reason");
  call.response_id = string_field(json, "response_id");
  call.request_id = string_field(json, "request_id");
  if (auto it = json.find("usage"); it != json.end()) {
    auto usage = llm::usage_from_json(*it);
    if (!usage) return unexpected(where + usage.error());
    call.usage = *usage;
  }
  if (auto it = json.find("usage_estimated"); it != json.end() && it->is_boolean()) call.usage_estimated = *it;
  if (auto it = json.find("tool_use"); it != json.end()) {
    if (!it->is_array()) return unexpected(where + ".tool_use must be an array of tool_use blocks");
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto block = llm::block_from_json((*it)[i]);
      if (!block || block->type != "tool_use") {
        return unexpected(fmt::format("{}.tool_use[{}] is not a tool_use block{}", where, i, block ? "" : ": " + block.error()));
      }
    }
    call.tool_use = *it;
  }
  if (auto it = json.find("cost_usd"); it != json.end() && !it->is_null()) {
    if (!it->is_number()) return unexpected(where + ".cost_usd must be a number (US dollars)");
    call.cost_usd = it->get<double>();
  }
  if (auto it = json.find("recorded"); it != json.end()) call.recorded = *it;
  if (auto it = json.find("restamps"); it != json.end() && it->is_array()) call.restamps = *it;
  if (auto it = json.find("request"); it != json.end() && !it->is_null()) {
    auto checked = checked_request(*it, call.request_sha256, where, index);
    if (!checked.empty()) return unexpected(checked);
    call.request = *it;
  }
  return call;
}

// How a call section's marker line starts: "=== reprise call k/N ===".
constexpr std::string_view kCallMarker = "=== reprise call ";

}  // namespace

util::Expected<Fixture, LoadError> parse_fixture(std::string_view text, const std::string& display_path) {
  Json json;
  try {
    json = Json::parse(text);
  } catch (const Json::parse_error& error) {
    SourcePos pos = position_at_byte(text, error.byte > 0 ? error.byte - 1 : 0);
    return unexpected(LoadError{display_path, pos, "fixture sidecar is not valid JSON: " + std::string(error.what()),
                                line_of(text, pos.line)});
  } catch (const Json::exception& error) {  // out_of_range: a number beyond a double (1e999), which has no byte offset
    return unexpected(LoadError{display_path, {}, "fixture sidecar is not valid JSON: " + util::excerpt(error.what(), 200), ""});
  }
  auto fail = [&](std::string message) { return unexpected(LoadError{display_path, {}, std::move(message), ""}); };
  if (!json.is_object()) return fail("fixture sidecar must be a JSON object with a 'calls' array");
  if (auto format = json.find("format"); format != json.end() && *format != kFixtureFormat) {
    return fail(fmt::format("fixture sidecar has format {}, this reprise reads {}", format->dump(), kFixtureFormat));
  }
  auto calls = json.find("calls");
  if (calls == json.end() || !calls->is_array() || calls->empty()) return fail("fixture sidecar needs a non-empty 'calls' array");
  Fixture fixture;
  for (std::size_t i = 0; i < calls->size(); ++i) {
    auto call = call_from_json((*calls)[i], i);
    if (!call) return fail("fixture sidecar: " + call.error());
    fixture.calls.push_back(std::move(*call));
  }
  return fixture;
}

std::string fixture_to_text(const Fixture& fixture) {
  // ordered_json keeps insertion order, so a reader meets the short fields
  // first and the long request last; nested objects keep Json's sorted keys.
  using Ordered = nlohmann::ordered_json;
  Ordered calls = Ordered::array();
  for (const auto& call : fixture.calls) {
    Ordered json = Ordered::object();
    json["request_sha256"] = call.request_sha256;
    json["model"] = call.model;
    json["stop_reason"] = call.stop_reason;
    json["usage"] = Ordered(llm::usage_to_json(call.usage));
    if (call.usage_estimated) json["usage_estimated"] = true;
    if (call.cost_usd) json["cost_usd"] = *call.cost_usd;
    if (!call.tool_use.empty()) json["tool_use"] = Ordered(call.tool_use);
    if (!call.response_id.empty()) json["response_id"] = call.response_id;
    if (!call.request_id.empty()) json["request_id"] = call.request_id;
    if (!call.recorded.is_null()) json["recorded"] = Ordered(call.recorded);
    if (!call.restamps.empty()) json["restamps"] = Ordered(call.restamps);
    if (call.extra.is_object()) {
      for (const auto& [key, value] : call.extra.items()) {
        if (!json.contains(key) && key != "request") json[key] = Ordered(value);
      }
    }
    if (!call.request.is_null()) json["request"] = Ordered(call.request);
    calls.push_back(std::move(json));
  }
  Ordered root = Ordered::object();
  root["format"] = kFixtureFormat;
  root["calls"] = std::move(calls);
  return root.dump(2, ' ', false, Ordered::error_handler_t::replace) + "\n";
}

util::Expected<std::vector<std::string>, LoadError> split_completion(std::string_view text, const std::string& display_path) {
  // The final LF, or CR LF (a file saved on Windows); a lone final CR is text.
  auto strip_final_newline = [](std::string section) {
    if (section.empty() || section.back() != '\n') return section;
    section.pop_back();
    if (!section.empty() && section.back() == '\r') section.pop_back();
    return section;
  };
  if (text.substr(0, kCallMarker.size()) != kCallMarker) return std::vector<std::string>{strip_final_newline(std::string(text))};

  std::vector<std::string> sections;
  int declared_total = 0;
  int line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    ++line_number;
    int index = 0, total = 0;
    char tail[8] = {};
    bool marker = line.substr(0, kCallMarker.size()) == kCallMarker &&
                  std::sscanf(std::string(line).c_str(), "=== reprise call %d/%d ===%7s", &index, &total, tail) == 2;
    if (marker) {
      if (index != static_cast<int>(sections.size()) + 1 || (declared_total != 0 && total != declared_total) || total < 1) {
        return unexpected(LoadError{display_path, {line_number, 1},
                                    fmt::format("call section marker out of order: expected call {}", sections.size() + 1),
                                    std::string(line)});
      }
      declared_total = total;
      sections.emplace_back();
    } else if (sections.empty()) {
      // The file starts like a marker ("=== reprise call 1 ===") but is not one.
      return unexpected(LoadError{display_path, {line_number, 1},
                                  "malformed call section marker: expected '=== reprise call 1/<number of calls> ==='",
                                  std::string(line)});
    } else {
      sections.back().append(line).append(end == std::string_view::npos ? "" : "\n");
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (static_cast<int>(sections.size()) != declared_total) {
    return unexpected(LoadError{display_path, {}, fmt::format("completion declares {} calls but has {} sections", declared_total, sections.size()), ""});
  }
  for (auto& section : sections) section = strip_final_newline(std::move(section));
  return sections;
}

std::string join_completion(const std::vector<std::string>& sections) {
  // One call is its bare text, unless that text starts like a marker: read
  // back bare, it would be taken for a (malformed) marker line.
  if (sections.size() == 1 && !sections[0].starts_with(kCallMarker)) return sections[0] + "\n";
  std::string text;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    text += fmt::format("=== reprise call {}/{} ===\n", i + 1, sections.size());
    // A call that answered only with tool_use blocks has no text: its marker
    // is followed directly by the next, as people write such files.
    if (!sections[i].empty()) text += sections[i] + "\n";
  }
  return text;
}

}  // namespace reprise::eval
