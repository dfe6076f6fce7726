#include "reprise/llm/json_codec.hpp"

#include <fmt/format.h>

namespace reprise::llm {
namespace {

using util::unexpected;

// Reads fields of one JSON object and remembers the first problem, named by
// its JSON pointer, so parsers read straight through and report once.
class FieldReader {
 public:
  FieldReader(const Json& object, std::string pointer) : object_(object), pointer_(std::move(pointer)) {
    if (!object_.is_object()) fail("", "expected an object");
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void fail(const std::string& key, const std::string& message) {
    if (error_.empty()) error_ = fmt::format("{}{}: {}", pointer_.empty() ? "" : pointer_, key.empty() ? "" : "/" + key, message);
    if (error_.rfind(": ", 0) == 0) error_ = "(root)" + error_;
  }
  const Json* find(const std::string& key) const {
    if (!object_.is_object()) return nullptr;
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }
  std::string string(const std::string& key, bool required) {
    const Json* value = find(key);
    if (!value) {
      if (required) fail(key, "missing");
      return {};
    }
    if (!value->is_string()) {
      fail(key, "expected a string");
      return {};
    }
    return value->get<std::string>();
  }
  std::int64_t integer(const std::string& key, bool required) {
    const Json* value = find(key);
    if (!value) {
      if (required) fail(key, "missing");
      return 0;
    }
    if (!value->is_number_integer()) {
      fail(key, "expected an integer");
      return 0;
    }
    return value->get<std::int64_t>();
  }
  std::string child(const std::string& key) const { return pointer_ + "/" + key; }

 private:
  const Json& object_;
  std::string pointer_;
  std::string error_;
};

util::Expected<ContentBlock, std::string> block_at(const Json& json, const std::string& pointer) {
  FieldReader reader(json, pointer);
  ContentBlock block;
  block.type = reader.string("type", true);
  if (!reader.ok()) return unexpected(reader.error());
  if (const Json* cache = reader.find("cache_control")) block.cache_control = *cache;
  if (block.type == "text") {
    block.text = reader.string("text", true);
  } else if (block.type == "tool_use") {
    block.id = reader.string("id", true);
    block.name = reader.string("name", true);
    const Json* input = reader.find("input");
    if (!input || !input->is_object()) reader.fail("input", "expected an object");
    else block.input = *input;
  } else if (block.type == "tool_result") {
    block.tool_use_id = reader.string("tool_use_id", true);
    if (const Json* content = reader.find("content")) block.result_content = *content;
    if (const Json* is_error = reader.find("is_error")) block.is_error = is_error->is_boolean() && is_error->get<bool>();
  } else {
    block.raw = json;
  }
  if (!reader.ok()) return unexpected(reader.error());
  return block;
}

util::Expected<std::vector<ContentBlock>, std::string> blocks_at(const Json& json, const std::string& pointer) {
  if (!json.is_array()) return unexpected(pointer + ": expected an array of content blocks");
  std::vector<ContentBlock> blocks;
  blocks.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    auto block = block_at(json[i], fmt::format("{}/{}", pointer, i));
    if (!block) return unexpected(block.error());
    blocks.push_back(std::move(*block));
  }
  return blocks;
}

}  // namespace

Json block_to_json(const ContentBlock& block) {
  Json json;
  if (!block.raw.is_null()) {
    json = block.raw;
  } else if (block.type == "text") {
    json = {{"type", "text"}, {"text", block.text}};
  } else if (block.type == "tool_use") {
    json = {{"type", "tool_use"}, {"id", block.id}, {"name", block.name}, {"input", block.input.is_null() ? Json::object() : block.input}};
  } else if (block.type == "tool_result") {
    json = {{"type", "tool_result"}, {"tool_use_id", block.tool_use_id}};
    if (!block.result_content.is_null()) json["content"] = block.result_content;
    if (block.is_error) json["is_error"] = true;
  } else {
    json = {{"type", block.type}};
  }
  if (!block.cache_control.is_null()) json["cache_control"] = block.cache_control;
  return json;
}

Json request_to_json(const Request& request) {
  Json json = {{"model", request.model}, {"max_tokens", request.max_tokens}};
  if (request.system_text) {
    json["system"] = *request.system_text;
  } else if (!request.system_blocks.empty()) {
    Json system = Json::array();
    for (const auto& block : request.system_blocks) system.push_back(block_to_json(block));
    json["system"] = std::move(system);
  }
  Json messages = Json::array();
  for (const auto& message : request.messages) {
    Json content;
    if (message.content_is_string && message.content.size() == 1 && message.content[0].type == "text") {
      content = message.content[0].text;
    } else {
      content = Json::array();
      for (const auto& block : message.content) content.push_back(block_to_json(block));
    }
    messages.push_back({{"role", message.role}, {"content", std::move(content)}});
  }
  json["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    Json tools = Json::array();
    for (const auto& tool : request.tools) {
      Json entry = {{"name", tool.name}, {"description", tool.description}, {"input_schema", tool.input_schema}};
      if (!tool.cache_control.is_null()) entry["cache_control"] = tool.cache_control;
      tools.push_back(std::move(entry));
    }
    json["tools"] = std::move(tools);
  }
  if (!request.tool_choice.is_null()) json["tool_choice"] = request.tool_choice;
  if (request.temperature) json["temperature"] = *request.temperature;
  if (request.top_p) json["top_p"] = *request.top_p;
  if (request.top_k) json["top_k"] = *request.top_k;
  if (!request.stop_sequences.empty()) json["stop_sequences"] = request.stop_sequences;
  if (!request.metadata.is_null()) json["metadata"] = request.metadata;
  if (request.stream) json["stream"] = true;
  return json;
}

Json usage_to_json(const Usage& usage) {
  Json json = {{"input_tokens", usage.input_tokens},
               {"output_tokens", usage.output_tokens},
               {"cache_creation_input_tokens", usage.cache_creation_input_tokens},
               {"cache_read_input_tokens", usage.cache_read_input_tokens}};
  if (usage.cache_creation) {
    json["cache_creation"] = {{"ephemeral_5m_input_tokens", usage.cache_creation->ephemeral_5m_input_tokens},
                              {"ephemeral_1h_input_tokens", usage.cache_creation->ephemeral_1h_input_tokens}};
  }
  return json;
}

Json response_to_json(const Response& response) {
  Json content = Json::array();
  for (const auto& block : response.content) content.push_back(block_to_json(block));
  return {{"id", response.id},
          {"type", "message"},
          {"role", response.role},
          {"model", response.model},
          {"content", std::move(content)},
          {"stop_reason", response.stop_reason.empty() ? Json() : Json(response.stop_reason)},
          {"stop_sequence", response.stop_sequence ? Json(*response.stop_sequence) : Json()},
          {"usage", usage_to_json(response.usage)}};
}

util::Expected<ContentBlock, std::string> block_from_json(const Json& json) { return block_at(json, ""); }

util::Expected<Usage, std::string> usage_from_json(const Json& json) {
  FieldReader reader(json, "/usage");
  Usage usage;
  usage.input_tokens = reader.integer("input_tokens", false);
  usage.output_tokens = reader.integer("output_tokens", false);
  usage.cache_creation_input_tokens = reader.integer("cache_creation_input_tokens", false);
  usage.cache_read_input_tokens = reader.integer("cache_read_input_tokens", false);
  if (const Json* creation = reader.find("cache_creation")) {
    FieldReader nested(*creation, "/usage/cache_creation");
    usage.cache_creation = CacheCreation{nested.integer("ephemeral_5m_input_tokens", false),
                                         nested.integer("ephemeral_1h_input_tokens", false)};
    if (!nested.ok()) return unexpected(nested.error());
  }
  if (!reader.ok()) return unexpected(reader.error());
  return usage;
}

util::Expected<Response, std::string> response_from_json(const Json& json) {
  FieldReader reader(json, "");
  Response response;
  if (reader.string("type", true) != "message" && reader.ok()) reader.fail("type", "expected \"message\"");
  response.id = reader.string("id", true);
  response.model = reader.string("model", true);
  response.role = reader.string("role", false);
  response.stop_reason = reader.string("stop_reason", false);
  if (const Json* sequence = reader.find("stop_sequence"); sequence && sequence->is_string()) {
    response.stop_sequence = sequence->get<std::string>();
  }
  if (!reader.ok()) return unexpected(reader.error());
  const Json* content = reader.find("content");
  if (!content) return unexpected(std::string("/content: missing"));
  auto blocks = blocks_at(*content, "/content");
  if (!blocks) return unexpected(blocks.error());
  response.content = std::move(*blocks);
  if (const Json* usage = reader.find("usage")) {
    auto parsed = usage_from_json(*usage);
    if (!parsed) return unexpected(parsed.error());
    response.usage = *parsed;
  }
  return response;
}

util::Expected<Request, std::string> request_from_json(const Json& json) {
  FieldReader reader(json, "");
  Request request;
  request.model = reader.string("model", true);
  request.max_tokens = static_cast<int>(reader.integer("max_tokens", true));
  if (!reader.ok()) return unexpected(reader.error());
  if (const Json* system = reader.find("system")) {
    if (system->is_string()) {
      request.system_text = system->get<std::string>();
    } else {
      auto blocks = blocks_at(*system, "/system");
      if (!blocks) return unexpected(blocks.error());
      request.system_blocks = std::move(*blocks);
    }
  }
  const Json* messages = reader.find("messages");
  if (!messages || !messages->is_array()) return unexpected(std::string("/messages: expected an array"));
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const Json& entry = (*messages)[i];
    std::string pointer = fmt::format("/messages/{}", i);
    FieldReader message_reader(entry, pointer);
    Message message;
    message.role = message_reader.string("role", true);
    if (!message_reader.ok()) return unexpected(message_reader.error());
    const Json* content = message_reader.find("content");
    if (content && content->is_string()) {
      message.content = {ContentBlock::make_text(content->get<std::string>())};
      message.content_is_string = true;
    } else {
      auto blocks = blocks_at(content ? *content : Json(), pointer + "/content");
      if (!blocks) return unexpected(blocks.error());
      message.content = std::move(*blocks);
    }
    request.messages.push_back(std::move(message));
  }
  if (const Json* tools = reader.find("tools")) {
    if (!tools->is_array()) return unexpected(std::string("/tools: expected an array"));
    for (std::size_t i = 0; i < tools->size(); ++i) {
      FieldReader tool_reader((*tools)[i], fmt::format("/tools/{}", i));
      Tool tool;
      tool.name = tool_reader.string("name", true);
      tool.description = tool_reader.string("description", false);
      if (const Json* schema = tool_reader.find("input_schema")) tool.input_schema = *schema;
      if (const Json* cache = tool_reader.find("cache_control")) tool.cache_control = *cache;
      if (!tool_reader.ok()) return unexpected(tool_reader.error());
      request.tools.push_back(std::move(tool));
    }
  }
  if (const Json* choice = reader.find("tool_choice")) request.tool_choice = *choice;
  if (const Json* value = reader.find("temperature"); value && value->is_number()) request.temperature = value->get<double>();
  if (const Json* value = reader.find("top_p"); value && value->is_number()) request.top_p = value->get<double>();
  if (const Json* value = reader.find("top_k"); value && value->is_number_integer()) request.top_k = value->get<int>();
  if (const Json* value = reader.find("stop_sequences"); value && value->is_array()) {
    for (const auto& sequence : *value) {
      if (sequence.is_string()) request.stop_sequences.push_back(sequence.get<std::string>());
    }
  }
  if (const Json* metadata = reader.find("metadata")) request.metadata = *metadata;
  if (const Json* stream = reader.find("stream"); stream && stream->is_boolean()) request.stream = stream->get<bool>();
  return request;
}

}  // namespace reprise::llm
