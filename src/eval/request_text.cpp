#include "reprise/eval/request_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace reprise::eval {
namespace {

using Json = nlohmann::json;
using Lines = std::vector<std::string>;

constexpr std::size_t kLongLine = 120;
constexpr std::array<std::string_view, 5> kSettingsFirst = {"model", "max_tokens", "temperature", "top_p", "top_k"};

std::string dump(const Json& value, int indent = -1) { return value.dump(indent, ' ', false, Json::error_handler_t::replace); }

// Control characters other than tab, escaped, so a stray "\r" shows.
std::string visible(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

// A short line is one piece; a long one breaks after each sentence end (the
// space after the mark is dropped; one at the very end stays).
std::vector<std::string_view> sentences(std::string_view line) {
  if (line.size() <= kLongLine) return {line};
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  for (std::size_t i = start; i + 2 < line.size(); ++i) {
    bool mark = line[i] == '.' || line[i] == '?' || line[i] == '!';
    if (mark && line[i + 1] == ' ') {
      pieces.push_back(line.substr(start, i + 1 - start));
      start = i + 2;
    }
  }
  pieces.push_back(line.substr(start));
  return pieces;
}

// Text line by line at `indent`; the pieces of a broken long line after the first two spaces deeper.
void add_text(Lines& out, std::string_view text, const std::string& indent) {
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    auto pieces = sentences(line);
    for (std::size_t i = 0; i < pieces.size(); ++i) out.push_back(indent + (i == 0 ? "" : "  ") + visible(pieces[i]));
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

// "header:" then the text; an empty text stays on the header line as "".
void add_titled_text(Lines& out, const std::string& header, const std::string& text, const std::string& indent) {
  if (text.empty()) {
    out.push_back(header + ": \"\"");
    return;
  }
  out.push_back(header + ":");
  add_text(out, text, indent);
}

void add_pretty(Lines& out, const Json& value, const std::string& indent) {
  std::string text = dump(value, 2);
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find('\n', start);
    out.push_back(indent + text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return;
    start = end + 1;
  }
}

// One-line JSON with a space after each ':' and ','.
std::string compact(const Json& value) {
  if (!value.is_structured() || value.empty()) return dump(value);
  std::string out = value.is_object() ? "{" : "[";
  bool first = true;
  for (const auto& [key, item] : value.items()) {
    out += first ? "" : ", ";
    if (value.is_object()) out += dump(Json(key)) + ": ";
    out += compact(item);
    first = false;
  }
  return out + (value.is_object() ? "}" : "]");
}

std::string string_or_json(const Json& value) { return value.is_string() ? value.get<std::string>() : compact(value); }

Json without(Json object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) object.erase(key);
  return object;
}

// A tool result is usually a compact JSON document (what `dump()` gives):
// pretty-printed, one changed number is one changed line. Only a string that
// is exactly the compact dump of what it parses to is shown so, so the lines
// still tell every two different strings apart.
void add_content_text(Lines& out, const std::string& text, const std::string& indent) {
  Json parsed = Json::parse(text, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_structured() && dump(parsed) == text) {
    add_pretty(out, parsed, indent);
  } else {
    add_text(out, text, indent);
  }
}

void add_block(Lines& out, const std::string& label, const Json& block, const std::string& indent);

// What a block holds under "text" (a text block) or "content" (a tool result).
void add_block_body(Lines& out, const Json& body, bool content, const std::string& indent) {
  if (body.is_string() && content) {
    add_content_text(out, body.get<std::string>(), indent);
  } else if (body.is_string()) {
    add_text(out, body.get<std::string>(), indent);
  } else if (body.is_array()) {
    for (std::size_t i = 0; i < body.size(); ++i) add_block(out, fmt::format("{}[{}]", indent, i), body[i], indent + "  ");
  } else {
    add_pretty(out, body, indent);
  }
}

// "<label> <type> {what is not its text, compact}:" then its text or content.
void add_block(Lines& out, const std::string& label, const Json& block, const std::string& indent) {
  if (!block.is_object()) {
    out.push_back(label + " " + compact(block));
    return;
  }
  auto type = block.find("type");
  std::string header = label + (type == block.end() ? "" : " " + string_or_json(*type));
  std::string body_key = type != block.end() && *type == "tool_result" ? "content" : "text";
  Json rest = without(block, {"type", body_key.c_str()});
  if (!rest.empty()) header += " " + compact(rest);
  auto body = block.find(body_key);
  if (body == block.end()) {
    out.push_back(header);
    return;
  }
  if (body->is_string() && body->get<std::string>().empty()) {
    out.push_back(header + ": \"\"");
    return;
  }
  out.push_back(header + ":");
  add_block_body(out, *body, body_key == "content", indent);
}

void add_system(Lines& out, const Json& system) {
  if (system.is_string()) {
    add_titled_text(out, "system", system.get<std::string>(), "  ");
  } else if (system.is_array()) {
    for (std::size_t i = 0; i < system.size(); ++i) add_block(out, fmt::format("system[{}]", i), system[i], "  ");
  } else {
    out.push_back("system:");
    add_pretty(out, system, "  ");
  }
}

void add_message(Lines& out, std::size_t index, const Json& message) {
  std::string header = fmt::format("messages[{}]", index);
  if (!message.is_object()) {
    out.push_back(header + ":");
    add_pretty(out, message, "  ");
    return;
  }
  if (auto role = message.find("role"); role != message.end()) header += " " + string_or_json(*role);
  if (Json rest = without(message, {"role", "content"}); !rest.empty()) header += " " + compact(rest);
  auto content = message.find("content");
  if (content != message.end() && content->is_string()) {
    add_titled_text(out, header, content->get<std::string>(), "  ");
    return;
  }
  out.push_back(header + ":");
  if (content == message.end()) return;
  if (!content->is_array()) {
    add_pretty(out, *content, "  ");
    return;
  }
  for (std::size_t i = 0; i < content->size(); ++i) add_block(out, fmt::format("  [{}]", i), (*content)[i], "    ");
}

void add_messages(Lines& out, const Json& messages) {
  if (!messages.is_array()) {
    out.push_back("messages:");
    add_pretty(out, messages, "  ");
    return;
  }
  for (std::size_t i = 0; i < messages.size(); ++i) add_message(out, i, messages[i]);
}

// "  <name>: <description's first line>", its other lines, other fields, then the input schema.
void add_tool(Lines& out, const Json& tool) {
  if (!tool.is_object()) {
    add_pretty(out, tool, "  ");
    return;
  }
  std::string name = tool.contains("name") ? string_or_json(tool["name"]) : "(no name)";
  Lines description;
  if (auto text = tool.find("description"); text != tool.end()) add_text(description, string_or_json(*text), "    ");
  out.push_back("  " + name + ":" + (description.empty() ? "" : " " + description[0].substr(4)));
  out.insert(out.end(), description.begin() + (description.empty() ? 0 : 1), description.end());
  if (Json rest = without(tool, {"name", "description", "input_schema"}); !rest.empty()) out.push_back("    " + compact(rest));
  if (auto schema = tool.find("input_schema"); schema != tool.end()) {
    out.push_back("    input_schema:");
    add_pretty(out, *schema, "      ");
  }
}

void add_tools(Lines& out, const Json& tools) {
  out.push_back("tools:");
  if (!tools.is_array()) {
    add_pretty(out, tools, "  ");
    return;
  }
  for (const auto& tool : tools) add_tool(out, tool);
}

// "key: value" for a number, boolean, null or one-line string (as JSON, so
// 700 and "700" differ); a string with line breaks is shown as text.
void add_setting(Lines& out, const std::string& key, const Json& value) {
  if (value.is_string() && value.get<std::string>().find('\n') != std::string::npos) {
    add_titled_text(out, key, value.get<std::string>(), "  ");
  } else {
    out.push_back(key + ": " + dump(value));
  }
}

bool is_section(std::string_view key) { return key == "system" || key == "messages" || key == "tools"; }

bool is_first_setting(std::string_view key) {
  return std::find(kSettingsFirst.begin(), kSettingsFirst.end(), key) != kSettingsFirst.end();
}

}  // namespace

std::vector<std::string> request_lines(const Json& body) {
  Lines out;
  if (!body.is_object()) {
    add_pretty(out, body, "");
    return out;
  }
  for (std::string_view key : kSettingsFirst) {
    auto it = body.find(std::string(key));
    if (it != body.end() && !it->is_structured()) add_setting(out, std::string(key), *it);
  }
  for (const auto& [key, value] : body.items()) {
    if (!value.is_structured() && !is_first_setting(key) && !is_section(key)) add_setting(out, key, value);
  }
  if (auto it = body.find("system"); it != body.end()) add_system(out, *it);
  if (auto it = body.find("messages"); it != body.end()) add_messages(out, *it);
  if (auto it = body.find("tools"); it != body.end()) add_tools(out, *it);
  for (const auto& [key, value] : body.items()) {
    if (value.is_structured() && !is_section(key)) {
      out.push_back(key + ":");
      add_pretty(out, value, "  ");
    }
  }
  return out;
}

}  // namespace reprise::eval
