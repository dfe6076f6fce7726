#include "reprise/capture/extractor.hpp"

#include <fmt/format.h>

#include <chrono>

#include "reprise/capture/json_skim.hpp"
#include "reprise/capture/payload.hpp"
#include "reprise/util/clock.hpp"
#include "reprise/util/text.hpp"

namespace reprise::capture {
namespace {

// Shapes nest (a Lambda line in a CloudWatch event in a subscription); a
// deeper nesting is not a log shape but a trap.
constexpr int kMaxDepth = 6;

bool mentions_record(std::string_view text) { return text.find("llm_call") != std::string_view::npos; }
bool mentions_subscription(std::string_view text) { return text.find("\"awslogs\"") != std::string_view::npos; }

std::string_view trim_left(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return text;
}

// Up to `count` tab-separated fields, the last holding the rest of the line.
std::vector<std::string_view> split_tabs(std::string_view text, std::size_t count) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < count) {
    auto tab = text.find('\t');
    if (tab == std::string_view::npos) break;
    fields.push_back(text.substr(0, tab));
    text.remove_prefix(tab + 1);
  }
  fields.push_back(text);
  return fields;
}

// 2026-11-22T01:02:03... : four digits, '-', and a 'T' at 10.
bool looks_like_iso_time(std::string_view text) {
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

std::string string_field(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return {};
}

}  // namespace

std::string Origin::describe() const {
  std::string text = fmt::format("{}:{}", source, line);
  if (!log_group.empty() || !log_stream.empty()) text += fmt::format(" ({}{}{})", log_group, log_group.empty() || log_stream.empty() ? "" : " ", log_stream);
  if (!event_id.empty()) text += " event " + event_id;
  return text;
}

std::string iso_from_epoch_ms(long long milliseconds) {
  constexpr long long kYear2262 = 9214646400000;  // 2262-01-01T00:00:00Z
  if (milliseconds < 0 || milliseconds >= kYear2262) return {};
  return util::utc_timestamp_ms(std::chrono::system_clock::time_point(std::chrono::milliseconds(milliseconds)));
}

Extractor::Extractor(RecordSink on_record, ProblemSink on_problem, ExtractorLimits limits)
    : on_record_(std::move(on_record)), on_problem_(std::move(on_problem)), limits_(limits) {}

void Extractor::line(std::string_view text, const Origin& origin) { this->text(text, origin, 0); }
void Extractor::object(const Json& value, const Origin& origin) { this->value(Json(value), origin, 0); }
void Extractor::cloudwatch_event(const Json& event, const Origin& origin) { this->event(event, origin, 0); }

void Extractor::text(std::string_view input, Origin origin, int depth) {
  std::string_view rest = input;
  if (depth > kMaxDepth) return on_problem_(origin, "log shapes nested too deeply");
  if (!mentions_record(rest) && !(depth == 0 && mentions_subscription(rest))) return;  // an ordinary line
  rest = trim_left(rest);
  auto shape = [&](const char* name) {
    if (origin.shape.empty()) origin.shape = name;
  };
  if (rest.starts_with('[')) {
    auto fields = split_tabs(rest, 4);  // [LEVEL] time request-id message
    if (fields.size() == 4 && fields[0].ends_with(']') && looks_like_iso_time(fields[1])) {
      shape("lambda-python");
      origin.log_time = std::string(fields[1]);
      origin.lambda_request_id = std::string(fields[2]);
      return text(fields[3], std::move(origin), depth + 1);
    }
  }
  if (looks_like_iso_time(rest)) {
    auto fields = split_tabs(rest, 4);  // time request-id LEVEL message
    if (fields.size() == 4) {
      shape("lambda-node");
      origin.log_time = std::string(fields[0]);
      origin.lambda_request_id = std::string(fields[1]);
      return text(fields[3], std::move(origin), depth + 1);
    }
  }
  auto brace = rest.find('{');
  if (brace == std::string_view::npos) {
    shape("plain");
    return on_problem_(origin, "mentions llm_call but holds no JSON object");
  }
  std::string_view json_text = rest.substr(brace);
  Json parsed;
  try {
    if (limits_.headers_only && json_text.find("\"request\"") != std::string_view::npos) {
      // A record with payloads: parse its header only (see json_skim.hpp).
      auto skimmed = skim_object(json_text, {"request", "response", "input"});
      if (!skimmed) {
        shape("plain");
        return on_problem_(origin, "malformed JSON: " + skimmed.error());
      }
      parsed = Json::parse(skimmed->header);
    } else {
      parsed = Json::parse(json_text);
    }
  } catch (const Json::exception& error) {  // parse_error, or out_of_range for a number beyond a double (1e999)
    shape("plain");
    return on_problem_(origin, "malformed JSON: " + util::excerpt(error.what(), 200));
  }
  value(std::move(parsed), std::move(origin), depth);
}

void Extractor::value(Json parsed, Origin origin, int depth) {
  if (depth > kMaxDepth) return on_problem_(origin, "log shapes nested too deeply");
  auto shape = [&](const char* name) {
    if (origin.shape.empty()) origin.shape = name;
  };
  if (!parsed.is_object()) {
    shape("plain");
    return on_problem_(origin, fmt::format("mentions llm_call but is a JSON {}, not an object", parsed.type_name()));
  }
  if (auto event = parsed.find("event"); event != parsed.end()) {
    if (*event != "llm_call") return;  // another event that mentions llm_call somewhere
    shape("plain");
    return on_record_(std::move(parsed), origin);
  }
  if (auto awslogs = parsed.find("awslogs"); awslogs != parsed.end()) {
    shape("subscription");
    return subscription(*awslogs, std::move(origin), depth + 1);
  }
  if (parsed.contains("logEvents")) {
    shape("subscription");
    return decoded_subscription(parsed, std::move(origin), depth + 1);
  }
  if (auto events = parsed.find("events"); events != parsed.end() && events->is_array()) {
    shape("events");
    for (const auto& item : *events) event(item, origin, depth + 1);
    return;
  }
  if (auto message = parsed.find("message"); message != parsed.end()) {
    shape("json-log");
    if (auto id = string_field(parsed, "requestId"); !id.empty()) origin.lambda_request_id = id;
    if (auto time = string_field(parsed, "timestamp"); !time.empty()) origin.log_time = time;
    if (message->is_string()) return text(message->get_ref<const std::string&>(), std::move(origin), depth + 1);
    return value(std::move(*message), std::move(origin), depth + 1);
  }
  // An object that mentions llm_call without being a record or a known
  // wrapper: someone else's log line. Not ours to judge.
}

void Extractor::event(const Json& item, Origin origin, int depth) {
  if (!item.is_object() || !item.contains("message") || !item["message"].is_string()) {
    if (origin.shape.empty()) origin.shape = "events";
    return on_problem_(origin, "a CloudWatch event without a string 'message'");
  }
  if (auto stream = string_field(item, "logStreamName"); !stream.empty()) origin.log_stream = stream;
  if (auto id = string_field(item, "eventId"); !id.empty()) origin.event_id = id;
  if (auto id = string_field(item, "id"); !id.empty()) origin.event_id = id;  // subscription logEvents
  if (auto time = item.find("timestamp"); time != item.end() && time->is_number_integer()) {
    origin.log_time = iso_from_epoch_ms(time->get<long long>());
  }
  text(item["message"].get_ref<const std::string&>(), std::move(origin), depth + 1);
}

void Extractor::subscription(const Json& awslogs, Origin origin, int depth) {
  if (!awslogs.is_object() || !awslogs.contains("data") || !awslogs["data"].is_string()) {
    return on_problem_(origin, "a subscription payload without a string 'awslogs.data'");
  }
  auto compressed = base64_decode(awslogs["data"].get_ref<const std::string&>());
  if (!compressed) return on_problem_(origin, "subscription payload: " + compressed.error());
  auto inflated = gunzip(*compressed, limits_.max_inflated_bytes);
  if (!inflated) return on_problem_(origin, "subscription payload: " + inflated.error());
  Json data;
  try {
    data = Json::parse(*inflated);
  } catch (const Json::exception& error) {  // parse_error, or out_of_range for a number beyond a double
    return on_problem_(origin, "subscription payload: the inflated data is not JSON: " + util::excerpt(error.what(), 200));
  }
  decoded_subscription(data, std::move(origin), depth);
}

void Extractor::decoded_subscription(const Json& data, Origin origin, int depth) {
  if (!data.is_object()) return on_problem_(origin, "subscription payload: the data is not a JSON object");
  if (data.value("messageType", "") == "CONTROL_MESSAGE") {
    ++control_messages_;
    return;
  }
  origin.log_group = string_field(data, "logGroup");
  origin.log_stream = string_field(data, "logStream");
  auto events = data.find("logEvents");
  if (events == data.end() || !events->is_array()) return on_problem_(origin, "subscription payload: no 'logEvents' list");
  for (const auto& item : *events) event(item, origin, depth + 1);
}

}  // namespace reprise::capture
