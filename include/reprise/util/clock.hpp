#pragma once
#include <string>

namespace reprise::util {
// Now, in UTC, as ISO 8601 with seconds: 2026-11-21T23:00:00Z.
std::string utc_now_iso8601();
}  // namespace reprise::util
