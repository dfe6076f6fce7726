#include "reprise/llm/messages.hpp"

namespace reprise::llm {

ContentBlock ContentBlock::make_text(std::string text) {
  ContentBlock block;
  block.type = "text";
  block.text = std::move(text);
  return block;
}

ContentBlock ContentBlock::make_tool_use(std::string id, std::string name, Json input) {
  ContentBlock block;
  block.type = "tool_use";
  block.id = std::move(id);
  block.name = std::move(name);
  block.input = std::move(input);
  return block;
}

ContentBlock ContentBlock::make_tool_result(std::string tool_use_id, Json content, bool is_error) {
  ContentBlock block;
  block.type = "tool_result";
  block.tool_use_id = std::move(tool_use_id);
  block.result_content = std::move(content);
  block.is_error = is_error;
  return block;
}

Message Message::user_text(std::string text) {
  return Message{"user", {ContentBlock::make_text(std::move(text))}, true};
}

Message Message::assistant_text(std::string text) {
  return Message{"assistant", {ContentBlock::make_text(std::move(text))}, true};
}

std::string Response::text() const {
  std::string joined;
  for (const auto& block : content) {
    if (block.type == "text") joined += block.text;
  }
  return joined;
}

std::vector<const ContentBlock*> Response::tool_uses() const {
  std::vector<const ContentBlock*> uses;
  for (const auto& block : content) {
    if (block.type == "tool_use") uses.push_back(&block);
  }
  return uses;
}

}  // namespace reprise::llm
