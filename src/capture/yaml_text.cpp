#include "reprise/capture/yaml_text.hpp"

#include <algorithm>

#include "reprise/util/text.hpp"

namespace reprise::capture {
namespace {

std::string quoted(const std::string& text) { return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace); }

bool reserved_word(const std::string& text) {
  static const char* const words[] = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"};
  std::string lower = util::to_lower_ascii(text);
  return std::any_of(std::begin(words), std::end(words), [&](const char* word) { return lower == word; });
}

bool plain_safe(const std::string& text, bool is_key) {
  if (text.empty() || text.size() > 200 || reserved_word(text)) return false;
  auto first = static_cast<unsigned char>(text.front());
  if (!std::isalpha(first) && !(is_key && first == '_')) return false;
  if (text.back() == ' ') return false;
  for (char c : text) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
              (!is_key && (c == ' ' || c == '.' || c == ',' || c == '(' || c == ')' || c == '/' || c == '\''));
    if (!ok) return false;
  }
  return true;
}

// A literal block keeps the text exactly when every line is printable, no
// line but possibly empty ones starts with a space, none ends in blanks,
// and the text does not end in a newline (the block is written `|-`).
bool literal_block_safe(const std::string& text) {
  if (text.find('\n') == std::string::npos || text.back() == '\n' || text.front() == ' ' || text.front() == '\n') return false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) return false;
    for (char c : line) {
      auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7f) return false;
    }
    start = end + 1;
  }
  return true;
}

void append_value(const Json& value, int indent, std::string& out);

void append_lines_of(const Json& value, int indent, std::string& out) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      out += pad + (plain_safe(it.key(), true) ? it.key() : quoted(it.key())) + ":";
      append_value(it.value(), indent, out);
    }
    return;
  }
  for (const auto& item : value) {
    out += pad + "-";
    if (item.is_object() && !item.empty()) {
      // The mapping's first key on the dash's line, the rest under it.
      std::string nested;
      append_lines_of(item, indent + 2, nested);
      out += " " + nested.substr(static_cast<std::size_t>(indent + 2));
    } else {
      append_value(item, indent, out);
    }
  }
}

// After "key:" or "-": the value on the same line, or block lines under it.
void append_value(const Json& value, int indent, std::string& out) {
  if ((value.is_object() || value.is_array()) && !value.empty()) {
    out += "\n";
    append_lines_of(value, indent + 2, out);
    return;
  }
  if (value.is_string() && literal_block_safe(value.get_ref<const std::string&>())) {
    std::string pad(static_cast<std::size_t>(indent + 2), ' ');
    out += " |-\n";
    const std::string& text = value.get_ref<const std::string&>();
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) out += pad + text.substr(start, end - start);
      out += "\n";
      start = end + 1;
    }
    return;
  }
  out += " " + yaml_scalar(value) + "\n";
}

}  // namespace

std::string yaml_scalar(const Json& value) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    return plain_safe(text, false) ? text : quoted(text);
  }
  if (value.is_object()) return value.empty() ? "{}" : value.dump();
  if (value.is_array()) return value.empty() ? "[]" : value.dump();
  return value.dump();  // numbers, booleans, null: JSON's spelling is YAML's
}

std::string yaml_entry(const std::string& key, const Json& value, int indent) {
  std::string out(static_cast<std::size_t>(indent), ' ');
  out += plain_safe(key, true) ? key : quoted(key);
  out += ":";
  append_value(value, indent, out);
  return out;
}

}  // namespace reprise::capture
