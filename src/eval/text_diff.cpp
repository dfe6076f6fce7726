#include "reprise/eval/text_diff.hpp"

#include <dtl/dtl.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace reprise::eval {
namespace {

using Kind = DiffLine::Kind;

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The whole edit script, one entry per line of either text, in order.
std::vector<DiffLine> edit_script(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  dtl::Diff<std::string, std::vector<std::string>> diff(before, after, /*deletesFirst=*/true);
  diff.compose();
  std::vector<DiffLine> script;
  for (const auto& [text, info] : diff.getSes().getSequence()) {
    Kind kind = info.type == dtl::SES_ADD ? Kind::added : info.type == dtl::SES_DELETE ? Kind::removed : Kind::context;
    script.push_back({kind, text});
  }
  return script;
}

// Line numbers, on each side, of the first entry of script[from, to).
struct Position {
  std::size_t old_line = 1, new_line = 1;
};

DiffHunk make_hunk(const std::vector<DiffLine>& script, std::size_t from, std::size_t to, Position at) {
  DiffHunk hunk;
  hunk.lines.assign(script.begin() + static_cast<std::ptrdiff_t>(from), script.begin() + static_cast<std::ptrdiff_t>(to));
  for (const auto& line : hunk.lines) {
    hunk.old_count += line.kind != Kind::added ? 1u : 0u;
    hunk.new_count += line.kind != Kind::removed ? 1u : 0u;
  }
  hunk.old_start = hunk.old_count > 0 ? at.old_line : at.old_line - 1;
  hunk.new_start = hunk.new_count > 0 ? at.new_line : at.new_line - 1;
  return hunk;
}

std::string range_text(std::size_t start, std::size_t count) {
  return count == 1 ? fmt::format("{}", start) : fmt::format("{},{}", start, count);
}

}  // namespace

std::vector<DiffHunk> diff_lines(std::string_view before, std::string_view after, std::size_t context) {
  return diff_lines(split_lines(before), split_lines(after), context);
}

std::vector<DiffHunk> diff_lines(const std::vector<std::string>& before, const std::vector<std::string>& after,
                                 std::size_t context) {
  std::vector<DiffLine> script = edit_script(before, after);
  std::vector<std::size_t> changes;
  for (std::size_t i = 0; i < script.size(); ++i) {
    if (script[i].kind != Kind::context) changes.push_back(i);
  }
  std::vector<DiffHunk> hunks;
  Position at;  // of script[walked]
  std::size_t walked = 0;
  auto walk_to = [&](std::size_t index) {
    for (; walked < index; ++walked) {
      at.old_line += script[walked].kind != Kind::added ? 1u : 0u;
      at.new_line += script[walked].kind != Kind::removed ? 1u : 0u;
    }
  };
  for (std::size_t first = 0; first < changes.size();) {
    std::size_t last = first;
    while (last + 1 < changes.size() && changes[last + 1] - changes[last] - 1 <= 2 * context) ++last;
    std::size_t from = changes[first] >= context ? changes[first] - context : 0;
    std::size_t to = std::min(script.size(), changes[last] + context + 1);
    walk_to(from);
    hunks.push_back(make_hunk(script, from, to, at));
    first = last + 1;
  }
  return hunks;
}

std::string render_unified_diff(const std::vector<DiffHunk>& hunks, std::string_view before_label,
                                std::string_view after_label, bool colour) {
  if (hunks.empty()) return "";
  auto paint = [colour](std::string_view code, const std::string& text) {
    return colour ? fmt::format("\x1b[{}m{}\x1b[0m\n", code, text) : text + "\n";
  };
  std::string out = paint("1", fmt::format("--- {}", before_label)) + paint("1", fmt::format("+++ {}", after_label));
  for (const auto& hunk : hunks) {
    out += paint("36", fmt::format("@@ -{} +{} @@", range_text(hunk.old_start, hunk.old_count),
                                   range_text(hunk.new_start, hunk.new_count)));
    for (const auto& line : hunk.lines) {
      switch (line.kind) {
        case Kind::context: out += " " + line.text + "\n"; break;
        case Kind::removed: out += paint("31", "-" + line.text); break;
        case Kind::added: out += paint("32", "+" + line.text); break;
      }
    }
  }
  return out;
}

}  // namespace reprise::eval
