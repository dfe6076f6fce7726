#include "reprise/eval/request_diff.hpp"

#include <algorithm>

#include "reprise/eval/request_text.hpp"

namespace reprise::eval {
namespace {

constexpr const char* kRecordedLabel = "recorded (fixture)";
constexpr const char* kNowLabel = "built now";

}  // namespace

RequestDiff diff_requests(const nlohmann::json& recorded, const nlohmann::json& now, int context) {
  RequestDiff diff;
  if (recorded.is_null()) {
    diff.recorded = false;
    return diff;
  }
  diff.hunks = diff_lines(request_lines(recorded), request_lines(now), static_cast<std::size_t>(std::max(context, 0)));
  for (const auto& hunk : diff.hunks) {
    for (const auto& line : hunk.lines) {
      diff.added += line.kind == DiffLine::Kind::added ? 1 : 0;
      diff.removed += line.kind == DiffLine::Kind::removed ? 1 : 0;
    }
  }
  diff.changed = !diff.hunks.empty();
  diff.unified = render_unified_diff(diff.hunks, kRecordedLabel, kNowLabel, false);
  return diff;
}

std::string RequestDiff::render(bool colour) const {
  if (!recorded) return std::string(kNoRecordedRequest) + "\n";
  return colour ? render_unified_diff(hunks, kRecordedLabel, kNowLabel, true) : unified;
}

}  // namespace reprise::eval
