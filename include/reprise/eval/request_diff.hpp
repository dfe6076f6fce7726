#pragma once
// What a change to the code or the case did to a request: the request its
// fixture was recorded with against the request built now, both rendered by
// request_lines, as a unified diff a person reads like a code review.
//
// The line diff is text_diff's (dtl's shortest edit script, grouped into
// hunks as `diff -u` writes them), the same one review shows completions
// with, so both read alike.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reprise/eval/text_diff.hpp"

namespace reprise::eval {

// Shown instead of a diff when the sidecar has no request to compare with.
inline constexpr const char* kNoRecordedRequest = "the fixture has no recorded request: run `reprise stamp` to record it";

struct RequestDiff {
  bool recorded = true;  // false: the fixture recorded no request, so nothing was compared
  bool changed = false;  // the two requests' lines differ (false when not recorded)
  int added = 0;         // lines only in the request built now
  int removed = 0;       // lines only in the recorded request
  std::vector<DiffHunk> hunks;  // over request_lines of each side
  // "--- recorded (fixture)", "+++ built now", then "@@ -a,b +c,d @@" hunks
  // (",1" left out, as diff -u does) with their context lines; every line
  // ends in "\n". Empty when unchanged or not recorded.
  std::string unified;

  // `unified`, with ANSI colours when `colour`: added lines green, removed
  // red, hunk headers cyan, file headers bold. Not recorded: kNoRecordedRequest
  // and a newline. Unchanged: empty.
  std::string render(bool colour) const;
};

// `recorded`: the sidecar's request (null when it has none); `now`: the body
// built today. `context`: unchanged lines shown around each change (negative
// counts as 0); changes closer than twice that share a hunk.
RequestDiff diff_requests(const nlohmann::json& recorded, const nlohmann::json& now, int context = 3);

}  // namespace reprise::eval
