#include "reprise/util/clock.hpp"

#include <ctime>

#include <fmt/format.h>

namespace reprise::util {

std::string utc_now_iso8601() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string utc_timestamp_ms(std::chrono::system_clock::time_point time) {
  // floor, not a cast: a time before 1970 must not round towards the epoch.
  auto whole_seconds = std::chrono::floor<std::chrono::seconds>(time);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time - whole_seconds).count();
  std::time_t whole = std::chrono::system_clock::to_time_t(whole_seconds);
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03}Z", buffer, millis);
}

}  // namespace reprise::util
