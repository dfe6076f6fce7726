#pragma once
// When to try a model call again, and how long to wait first. The policy of
// the official Anthropic SDKs, decided here and nowhere else:
//
// - 2 retries after the first attempt by default;
// - the server's `x-should-retry: true|false` wins over the status rule;
// - otherwise retried: 408, 409, 429, >= 500, and no answer at all (network,
//   timeout); never another 4xx;
// - the wait is `retry-after-ms`, else `retry-after` (seconds), when the
//   server sent one within (0, 60 s]; else min(0.5 * 2^n, 8) s for retry n
//   (n = 0 first), minus up to 25% jitter drawn from an injectable source so
//   tests are exact.
#include <chrono>
#include <functional>

#include "reprise/llm/http.hpp"

namespace reprise::llm {

struct RetryPolicy {
  int max_retries = 2;
  std::chrono::milliseconds initial_delay{500};
  std::chrono::milliseconds max_delay{8000};
  double jitter = 0.25;
  std::chrono::milliseconds deadline{600'000};  // the whole call, every attempt and wait included
  // With a Bedrock fallback, the Anthropic attempts end this long before the
  // deadline (at most half of it), so one attempt that hangs until the
  // transport gives up still leaves the fallback time to answer.
  std::chrono::milliseconds fallback_reserve{120'000};
};

// Uniform in [0, 1); defaults to a thread-local std::mt19937.
using RandomSource = std::function<double()>;

bool should_retry(const HttpResponse& response);
// The wait before retry number `retry` (0 for the first retry).
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int retry, const HttpResponse& response,
                                      const RandomSource& random);
double default_random();

}  // namespace reprise::llm
