#pragma once
// The clock seam: retries wait between attempts and check a deadline.
//
// Abstract so unit tests do not sleep: FakeClock records every requested
// sleep and advances its own time instead. The real one is SteadyClock.
#include <chrono>
#include <vector>

namespace reprise::llm {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

class SteadyClock final : public Clock {
 public:
  time_point now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds duration) override;
};

// For tests: time starts at the epoch and moves only by sleep_for.
class FakeClock final : public Clock {
 public:
  time_point now() override { return now_; }
  void sleep_for(std::chrono::milliseconds duration) override {
    sleeps.push_back(duration);
    now_ += duration;
  }
  std::vector<std::chrono::milliseconds> sleeps;

 private:
  time_point now_{};
};

}  // namespace reprise::llm
