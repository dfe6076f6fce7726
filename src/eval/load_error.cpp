#include "reprise/eval/load_error.hpp"

#include <fmt/format.h>

namespace reprise::eval {

std::string line_of(std::string_view text, int line) {
  if (line <= 0) return {};
  std::size_t start = 0;
  for (int current = 1; current < line; ++current) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  std::size_t end = text.find('\n', start);
  auto found = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (!found.empty() && found.back() == '\r') found.remove_suffix(1);
  return std::string(found);
}

std::string LoadError::render() const {
  if (pos.line <= 0) return fmt::format("{}: {}", file, message);
  std::string text = fmt::format("{}:{}:{}: {}", file, pos.line, pos.column, message);
  if (!source_line.empty()) {
    std::string gutter = fmt::format("{:>5}", pos.line);
    text += fmt::format("\n{} | {}\n{} | {}^", gutter, source_line, std::string(gutter.size(), ' '),
                        std::string(static_cast<std::size_t>(std::max(pos.column - 1, 0)), ' '));
  }
  return text;
}

}  // namespace reprise::eval
