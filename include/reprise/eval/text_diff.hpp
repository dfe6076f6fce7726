#pragma once
// A line diff of two texts in the unified format (`diff -u`), for people
// reading what changed: review shows a candidate completion against the
// accepted one. The edit script comes from dtl (Debian's libdtl-dev, a
// shortest edit script by Wu's O(NP) algorithm); grouping it into hunks with
// context and rendering them is done here, so the hunk headers follow GNU
// diff exactly and the colouring can be switched per line.
//
// Computing (diff_lines) and rendering (render_unified_diff) are apart so the
// hunks can be tested without comparing rendered text.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reprise::eval {

struct DiffLine {
  enum class Kind { context, removed, added };
  Kind kind = Kind::context;
  std::string text;  // without its newline
};

// "@@ -old_start,old_count +new_start,new_count @@". 1-based; a side with no
// lines in the hunk has the number of the line before it (0 at the top), as GNU diff writes it.
struct DiffHunk {
  std::size_t old_start = 0, old_count = 0;
  std::size_t new_start = 0, new_count = 0;
  std::vector<DiffLine> lines;  // within a change, removed lines come before added ones
};

// The texts split at '\n' (a final newline does not add an empty line).
// No hunks when they are equal line for line. `context`: unchanged lines kept
// around each change; changes closer than twice that share a hunk.
std::vector<DiffHunk> diff_lines(std::string_view before, std::string_view after, std::size_t context = 3);
// The same on lines already split (each without its newline).
std::vector<DiffHunk> diff_lines(const std::vector<std::string>& before, const std::vector<std::string>& after,
                                 std::size_t context = 3);

// "--- <before_label>\n+++ <after_label>\n" and the hunks; "" without hunks.
// `colour`: ANSI colours (removed red, added green, hunk headers cyan); the
// caller decides (a terminal, NO_COLOR unset).
std::string render_unified_diff(const std::vector<DiffHunk>& hunks, std::string_view before_label,
                                std::string_view after_label, bool colour);

}  // namespace reprise::eval
