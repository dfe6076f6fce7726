#include "reprise/eval/load_error.hpp"

#include <fmt/format.h>

#include <algorithm>

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
    // A long line (a 50 MB scalar) is shown as a window around the column, so
    // an error stays a few lines on a terminal and in a test report.
    constexpr std::size_t kShown = 120, kBefore = 60;
    std::size_t caret = static_cast<std::size_t>(std::max(pos.column - 1, 0));
    std::size_t start = caret > kBefore && source_line.size() > kShown ? std::min(caret - kBefore, source_line.size()) : 0;
    std::string shown = source_line.substr(start, kShown);
    if (start > 0) {
      shown = "..." + shown;
      caret = caret - start + 3;
    }
    if (start + kShown < source_line.size()) shown += "...";
    // A column past the line's end (a parser that counts line breaks
    // differently, a lone CR) puts the caret just after the line, not
    // thousands of blanks away.
    caret = std::min(caret, shown.size());
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = '?';  // a NUL or a control byte would garble the terminal
    }
    std::string gutter = fmt::format("{:>5}", pos.line);
    text += fmt::format("\n{} | {}\n{} | {}^", gutter, shown, std::string(gutter.size(), ' '), std::string(caret, ' '));
  }
  return text;
}

}  // namespace reprise::eval
