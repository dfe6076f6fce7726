#pragma once
// The wall-clock seam of AWS signing. A SigV4 signature covers the time it was
// made (X-Amz-Date), so the providers that sign take the clock as an input:
// production passes std::chrono::system_clock::now, tests a fixed instant so
// the signature they recompute is the one that was sent.
//
// Not llm::Clock (clock.hpp): that one is steady time for backoff and
// deadlines, which says nothing about the calendar.
#include <chrono>
#include <functional>

namespace reprise::llm {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

}  // namespace reprise::llm
