#include "reprise/llm/message_stream.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <utility>

#include "reprise/llm/json_codec.hpp"

namespace reprise::llm {
namespace {

using util::unexpected;

const std::string* string_in(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// Reads a field that is a string or null: absent leaves `out` alone, null clears it.
std::string read_nullable(const Json& object, const char* key, std::optional<std::string>& out) {
  auto it = object.find(key);
  if (it == object.end()) return "";
  if (it->is_null()) {
    out.reset();
  } else if (it->is_string()) {
    out = it->get<std::string>();
  } else {
    return fmt::format("/delta/{}: expected a string or null", key);
  }
  return "";
}

// message_delta's usage is cumulative, not an increment: each count present
// replaces the one held (output_tokens always; the input and cache counts
// when the API sends them again).
std::string replace_usage(Usage& usage, const Json& json) {
  if (!json.is_object()) return "/usage: expected an object";
  struct Count {
    const char* key;
    std::int64_t Usage::*field;
  };
  static constexpr Count kCounts[] = {
      {"input_tokens", &Usage::input_tokens},
      {"output_tokens", &Usage::output_tokens},
      {"cache_creation_input_tokens", &Usage::cache_creation_input_tokens},
      {"cache_read_input_tokens", &Usage::cache_read_input_tokens},
  };
  for (const auto& count : kCounts) {
    auto it = json.find(count.key);
    if (it == json.end() || it->is_null()) continue;
    if (!it->is_number_integer()) return fmt::format("/usage/{}: expected an integer", count.key);
    usage.*count.field = it->get<std::int64_t>();
  }
  if (auto it = json.find("cache_creation"); it != json.end() && !it->is_null()) {
    auto parsed = usage_from_json(Json{{"cache_creation", *it}});
    if (!parsed) return parsed.error();
    usage.cache_creation = parsed->cache_creation;
  }
  return "";
}

void append_to(Json& raw, const char* key, const std::string& piece) {
  Json& field = raw[key];
  if (!field.is_string()) field = "";
  field.get_ref<std::string&>() += piece;
}

// The deltas of blocks json_codec keeps verbatim (thinking, server tools,
// citations on them), applied to `raw` so it ends as the non-streamed block
// would be. Known blocks have no place for them: the codec drops citations
// on text blocks too. Delta types not listed here are ignored.
std::string apply_verbatim_delta(Json& raw, const std::string& type, const Json& delta) {
  if (!raw.is_object()) return "";
  if (type == "thinking_delta") {
    const std::string* piece = string_in(delta, "thinking");
    if (!piece) return "/delta/thinking: expected a string";
    append_to(raw, "thinking", *piece);
  } else if (type == "signature_delta") {
    const std::string* signature = string_in(delta, "signature");
    if (!signature) return "/delta/signature: expected a string";
    raw["signature"] = *signature;
  } else if (type == "citations_delta") {
    auto citation = delta.find("citation");
    if (citation == delta.end() || !citation->is_object()) return "/delta/citation: expected an object";
    if (!raw["citations"].is_array()) raw["citations"] = Json::array();
    raw["citations"].push_back(*citation);
  }
  return "";
}

util::Expected<int, std::string> index_in(const Json& data) {
  auto it = data.find("index");
  if (it == data.end() || !it->is_number_integer()) return unexpected(std::string("/index: expected an integer"));
  std::int64_t index = it->get<std::int64_t>();
  if (index < 0 || index > std::numeric_limits<int>::max()) return unexpected(fmt::format("/index: {} is out of range", index));
  return static_cast<int>(index);
}

}  // namespace

MessageStream::MessageStream(DeltaCallback on_delta) : on_delta_(std::move(on_delta)) {}

void MessageStream::feed(std::string_view body_chunk) {
  if (error_ || stopped_) return;
  for (const SseEvent& event : decoder_.feed(body_chunk)) {
    take_event(event);
    if (error_ || stopped_) return;  // the first error wins; nothing after message_stop counts
  }
}

util::Expected<Response, LlmError> MessageStream::finish() {
  if (!error_ && !stopped_) {
    std::optional<SseEvent> cut = decoder_.finish();
    std::string message = fmt::format("stream ended before message_stop ({} event{} received", events_, events_ == 1 ? "" : "s");
    if (events_ > 0) message += fmt::format(", the last '{}'", last_event_);
    if (cut) message += fmt::format("; cut inside a '{}' event", cut->event);
    fail(ErrorCategory::network, message + ")");
  }
  if (error_) return unexpected(*error_);
  return response_;
}

MessageStream::Handler MessageStream::handler_for(std::string_view type) {
  struct Entry {
    std::string_view type;
    Handler handler;
  };
  static const Entry kHandlers[] = {
      {"message_start", &MessageStream::on_message_start},
      {"content_block_start", &MessageStream::on_block_start},
      {"content_block_delta", &MessageStream::on_block_delta},
      {"content_block_stop", &MessageStream::on_block_stop},
      {"message_delta", &MessageStream::on_message_delta},
      {"message_stop", &MessageStream::on_message_stop},
      {"error", &MessageStream::on_error},
  };
  for (const auto& entry : kHandlers) {
    if (entry.type == type) return entry.handler;
  }
  return nullptr;
}

void MessageStream::take_event(const SseEvent& event) {
  ++events_;
  last_event_ = event.event;
  // The API names every event; "message" is the SSE name of an unnamed one,
  // which is then known by the `type` in its data.
  bool named = event.event != "message";
  Handler handler = named ? handler_for(event.event) : nullptr;
  if (named && handler == nullptr) return;  // ping, and event types newer than this code
  Json data = Json::parse(event.data, nullptr, false);
  if (data.is_discarded() || !data.is_object()) {
    return fail(ErrorCategory::parse, fmt::format("stream event #{} '{}': data is not a JSON object", events_, event.event));
  }
  if (!named) {
    const std::string* type = string_in(data, "type");
    handler = type ? handler_for(*type) : nullptr;
    if (handler == nullptr) return;
    last_event_ = *type;
  }
  std::string problem = (this->*handler)(data);
  if (!problem.empty()) fail(ErrorCategory::parse, fmt::format("stream event #{} '{}': {}", events_, last_event_, problem));
}

std::string MessageStream::on_message_start(const Json& data) {
  if (started_) return "a second message_start";
  auto message = data.find("message");
  if (message == data.end() || !message->is_object()) return "/message: expected an object";
  auto parsed = response_from_json(*message);
  if (!parsed) return "/message" + parsed.error();
  started_ = true;
  response_ = std::move(*parsed);
  // Always empty in practice; any block it has is complete and comes first.
  for (auto& block : response_.content) blocks_.push_back({std::move(block), "", true});
  response_.content.clear();
  return "";
}

std::string MessageStream::on_block_start(const Json& data) {
  if (!started_) return "before message_start";
  auto index = index_in(data);
  if (!index) return index.error();
  if (static_cast<std::size_t>(*index) != blocks_.size()) {
    return fmt::format("/index: block {} started where block {} was next", *index, blocks_.size());
  }
  auto found = data.find("content_block");
  if (found == data.end() || !found->is_object()) return "/content_block: expected an object";
  Json start = *found;
  // A tool_use block starts with "input": {} and gets its input from the deltas.
  if (const std::string* type = string_in(start, "type"); type && *type == "tool_use" && !start.contains("input")) {
    start["input"] = Json::object();
  }
  // The non-streaming parser reads the block, so both paths read it alike.
  auto block = block_from_json(start);
  if (!block) return "/content_block" + block.error();
  blocks_.push_back({std::move(*block), "", false});
  return "";
}

util::Expected<int, std::string> MessageStream::open_block_index(const Json& data) const {
  auto index = index_in(data);
  if (!index) return index;
  auto at = static_cast<std::size_t>(*index);
  if (at >= blocks_.size()) return unexpected(fmt::format("/index: block {} was never started", *index));
  if (blocks_[at].stopped) return unexpected(fmt::format("/index: block {} has already stopped", *index));
  return index;
}

std::string MessageStream::on_block_delta(const Json& data) {
  auto index = open_block_index(data);
  if (!index) return index.error();
  auto found = data.find("delta");
  if (found == data.end() || !found->is_object()) return "/delta: expected an object";
  const Json& delta = *found;
  const std::string* type = string_in(delta, "type");
  if (!type) return "/delta/type: expected a string";
  Block& open = blocks_[static_cast<std::size_t>(*index)];
  bool verbatim = open.block.raw.is_object();
  if (*type == "text_delta") {
    const std::string* text = string_in(delta, "text");
    if (!text) return "/delta/text: expected a string";
    if (verbatim) append_to(open.block.raw, "text", *text);
    else if (open.block.type == "text") open.block.text += *text;
    else return fmt::format("text_delta for a {} block", open.block.type);
    deliver(*index, StreamDelta::Kind::text, *text);
  } else if (*type == "input_json_delta") {
    const std::string* json = string_in(delta, "partial_json");
    if (!json) return "/delta/partial_json: expected a string";
    if (!verbatim && open.block.type != "tool_use") return fmt::format("input_json_delta for a {} block", open.block.type);
    open.partial_json += *json;
    deliver(*index, StreamDelta::Kind::input_json, *json);
  } else {
    return apply_verbatim_delta(open.block.raw, *type, delta);
  }
  return "";
}

std::string MessageStream::on_block_stop(const Json& data) {
  auto index = open_block_index(data);
  if (!index) return index.error();
  Block& open = blocks_[static_cast<std::size_t>(*index)];
  open.stopped = true;
  // No input_json_delta at all: the input is the one content_block_start gave, `{}`.
  if (open.partial_json.empty()) return "";
  Json input = Json::parse(open.partial_json, nullptr, false);
  if (input.is_discarded() || !input.is_object()) {
    return fmt::format("block {}: the input_json_delta pieces do not make a JSON object", *index);
  }
  if (open.block.raw.is_object()) open.block.raw["input"] = std::move(input);
  else open.block.input = std::move(input);
  open.partial_json.clear();
  return "";
}

std::string MessageStream::on_message_delta(const Json& data) {
  if (!started_) return "before message_start";
  if (auto delta = data.find("delta"); delta != data.end() && !delta->is_null()) {
    if (!delta->is_object()) return "/delta: expected an object";
    std::optional<std::string> reason;
    if (!response_.stop_reason.empty()) reason = response_.stop_reason;
    if (auto problem = read_nullable(*delta, "stop_reason", reason); !problem.empty()) return problem;
    response_.stop_reason = reason.value_or("");
    if (auto problem = read_nullable(*delta, "stop_sequence", response_.stop_sequence); !problem.empty()) return problem;
  }
  if (auto usage = data.find("usage"); usage != data.end() && !usage->is_null()) return replace_usage(response_.usage, *usage);
  return "";
}

std::string MessageStream::on_message_stop(const Json&) {
  if (!started_) return "before message_start";
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    if (!blocks_[i].stopped) return fmt::format("block {} was never stopped", i);
  }
  stopped_ = true;
  for (auto& open : blocks_) response_.content.push_back(std::move(open.block));
  blocks_.clear();
  return "";
}

std::string MessageStream::on_error(const Json& data) {
  auto detail = data.find("error");
  if (detail == data.end() || !detail->is_object()) return "/error: expected an object";
  const std::string* type = string_in(*detail, "type");
  const std::string* message = string_in(*detail, "message");
  std::string api_error_type = type ? *type : "";
  fail(category_for_api_error_type(api_error_type), message ? *message : "", api_error_type);
  return "";
}

void MessageStream::deliver(int index, StreamDelta::Kind kind, const std::string& text) {
  if (!on_delta_) return;
  delivered_delta_ = true;
  on_delta_(StreamDelta{index, kind, text});
}

void MessageStream::fail(ErrorCategory category, std::string message, std::string api_error_type) {
  if (error_) return;
  // Only a 2xx answer is streamed: an error inside it came with status 200.
  error_ = LlmError{category, 200, std::move(api_error_type), std::move(message), ""};
}

}  // namespace reprise::llm
