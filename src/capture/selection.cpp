#include "reprise/capture/selection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <random>

namespace reprise::capture {

std::string_view to_string(SkipReason reason) {
  switch (reason) {
    case SkipReason::malformed: return "malformed";
    case SkipReason::prod: return "prod (not capturable)";
    case SkipReason::filtered: return "filtered out";
    case SkipReason::incomplete: return "incomplete invocation";
    case SkipReason::failed_call: return "failed call";
    case SkipReason::duplicate: return "duplicate in the log";
    case SkipReason::existing_case: return "already a case";
    case SkipReason::not_sampled: return "not sampled (--sample/--limit)";
    case SkipReason::unknown_agent: return "unknown agent";
    case SkipReason::input_rejected: return "input rejected";
    case SkipReason::unusable: return "unusable answer";
    case SkipReason::kept_aside: return "kept aside (not green on replay)";
    case SkipReason::secret: return "refused: secret";
    case SkipReason::case_exists: return "case file exists";
  }
  return "?";
}

bool Invocation::failed() const {
  return std::any_of(calls.begin(), calls.end(), [](const LoggedCall& call) { return call.failed(); });
}

std::string Invocation::fingerprint_key() const {
  std::string key;
  for (const auto& call : calls) {
    if (!key.empty()) key += ',';
    key += call.prompt_sha256;
  }
  return key;
}

bool Grouper::add(LoggedCall call) {
  std::string key = call.invocation_id.empty()
                        ? fmt::format("line {} of {}", call.origin.line, call.origin.source)
                        : call.agent + "\n" + call.invocation_id;
  auto [it, inserted] = index_.emplace(std::move(key), invocations_.size());
  if (inserted) invocations_.push_back({call.invocation_id.empty() ? it->first : call.invocation_id, {}});
  auto& calls = invocations_[it->second].calls;
  // An invocation has a handful of calls: a scan costs less memory than a set.
  bool seen = std::any_of(calls.begin(), calls.end(), [&](const LoggedCall& other) {
    return other.call_index == call.call_index && other.prompt_sha256 == call.prompt_sha256;
  });
  if (seen) return false;
  calls.push_back(std::move(call));
  return true;
}

std::vector<Invocation> Grouper::take() {
  for (auto& invocation : invocations_) {
    std::stable_sort(invocation.calls.begin(), invocation.calls.end(),
                     [](const LoggedCall& a, const LoggedCall& b) { return a.call_index < b.call_index; });
  }
  index_.clear();
  return std::move(invocations_);
}

std::string incomplete_reason(const Invocation& invocation) {
  int expected = 0;
  for (const auto& call : invocation.calls) {
    if (call.call_index < expected) {
      return fmt::format("call_index {} appears twice in invocation {}", call.call_index, invocation.id);
    }
    if (call.call_index > expected) {
      return fmt::format("invocation {} has no record of call_index {} (calls {} to {} are logged)", invocation.id, expected,
                         invocation.first().call_index, invocation.calls.back().call_index);
    }
    ++expected;
  }
  return {};
}

bool in_time_range(const std::string& timestamp, const std::string& since, const std::string& until) {
  return (since.empty() || timestamp >= since) && (until.empty() || timestamp < until);
}

bool matches(const Filter& filter, const Invocation& invocation) {
  const LoggedCall& first = invocation.first();
  if (!filter.agents.empty() && !filter.agents.contains(first.agent)) return false;
  if (!in_time_range(first.timestamp, filter.since, filter.until)) return false;
  if (!filter.models.empty() && std::none_of(invocation.calls.begin(), invocation.calls.end(),
                                             [&](const LoggedCall& call) { return filter.models.contains(call.model); })) {
    return false;
  }
  switch (filter.status) {
    case StatusFilter::success: return !invocation.failed();
    case StatusFilter::error: return invocation.failed();
    case StatusFilter::any: return true;
  }
  return true;
}

std::vector<std::size_t> sample_indices(std::size_t total, std::size_t count, std::uint64_t seed) {
  std::vector<std::size_t> indices(total);
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  if (count >= total) return indices;
  // A partial Fisher-Yates shuffle. The bound is drawn by rejection, not
  // with std::uniform_int_distribution, whose algorithm the standard leaves
  // to each library.
  std::mt19937_64 generator(seed);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t range = total - i;
    std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    std::uint64_t draw = generator();
    while (draw >= limit) draw = generator();
    std::swap(indices[i], indices[i + static_cast<std::size_t>(draw % range)]);
  }
  indices.resize(count);
  std::sort(indices.begin(), indices.end());
  return indices;
}

}  // namespace reprise::capture
