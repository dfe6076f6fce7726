#include "reprise/llm/clock.hpp"

#include <thread>

namespace reprise::llm {

void SteadyClock::sleep_for(std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); }

}  // namespace reprise::llm
