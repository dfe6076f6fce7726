#include "reprise/llm/retry.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace reprise::llm {
namespace {

std::optional<double> parse_number(const std::string& text) {
  try {
    std::size_t used = 0;
    double value = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
  } catch (...) {
    return std::nullopt;
  }
}

// retry-after-ms, then retry-after in seconds; only sane values count.
std::optional<std::chrono::milliseconds> server_delay(const Headers& headers) {
  std::optional<double> ms;
  if (auto text = find_header(headers, "retry-after-ms")) ms = parse_number(*text);
  if (!ms) {
    if (auto text = find_header(headers, "retry-after")) {
      if (auto seconds = parse_number(*text)) ms = *seconds * 1000.0;
    }
  }
  if (!ms || *ms <= 0.0 || *ms > 60'000.0) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(*ms)));
}

}  // namespace

bool should_retry(const HttpResponse& response) {
  if (response.status == 0) return true;  // network or timeout
  if (auto hint = find_header(response.headers, "x-should-retry")) {
    if (*hint == "true") return true;
    if (*hint == "false") return false;
  }
  int status = response.status;
  return status == 408 || status == 409 || status == 429 || status >= 500;
}

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int retry, const HttpResponse& response,
                                      const RandomSource& random) {
  if (auto from_server = server_delay(response.headers)) return *from_server;
  double base = static_cast<double>(policy.initial_delay.count()) * std::pow(2.0, retry);
  base = std::min(base, static_cast<double>(policy.max_delay.count()));
  double jittered = base * (1.0 - policy.jitter * random());
  return std::chrono::milliseconds(static_cast<long long>(jittered));
}

double default_random() {
  thread_local std::mt19937 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace reprise::llm
