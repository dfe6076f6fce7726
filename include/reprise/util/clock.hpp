#pragma once
#include <chrono>
#include <string>

namespace reprise::util {
// Now, in UTC, as ISO 8601 with seconds: 2026-11-21T23:00:00Z.
std::string utc_now_iso8601();
// A time in UTC, as ISO 8601 with milliseconds (truncated, not rounded):
// 2026-11-22T01:02:03.456Z. The call log's timestamp.
std::string utc_timestamp_ms(std::chrono::system_clock::time_point time);
}  // namespace reprise::util
