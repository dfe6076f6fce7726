#include "reprise/capture/selection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

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

namespace {

int hex_value(char c) { return c >= 'a' ? c - 'a' + 10 : c - '0'; }

std::array<unsigned char, 32> fingerprint_bytes(const std::string& hex) {
  std::array<unsigned char, 32> bytes{};
  for (std::size_t i = 0; i < bytes.size() && 2 * i + 1 < hex.size(); ++i) {
    bytes[i] = static_cast<unsigned char>(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
  }
  return bytes;
}

std::string fingerprint_hex(const std::array<unsigned char, 32>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (unsigned char byte : bytes) {
    hex.push_back(digits[byte >> 4]);
    hex.push_back(digits[byte & 15]);
  }
  return hex;
}

}  // namespace

std::uint16_t Grouper::intern(std::vector<std::string>& table, const std::string& value) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i] == value) return static_cast<std::uint16_t>(i);
  }
  if (table.size() >= UINT16_MAX) throw std::runtime_error("capture: more than 65535 distinct agents, models or files");
  table.push_back(value);
  return static_cast<std::uint16_t>(table.size() - 1);
}

bool Grouper::add(const LoggedCall& call) {
  // prompt_sha256 is checked to be 64 lowercase hex digits by parse_logged_call.
  Header header{call.timestamp, fingerprint_bytes(call.prompt_sha256), call.origin.line,
                static_cast<std::uint32_t>(call.ordinal), call.call_index, intern(models_, call.model),
                intern(sources_, call.origin.source), call.failed()};
  std::uint16_t agent = intern(agents_, call.agent);
  std::string key = call.invocation_id.empty() ? fmt::format("line {} of {}", call.origin.line, call.origin.source)
                                               : call.agent + "\n" + call.invocation_id;
  auto [it, inserted] = index_.emplace(std::move(key), groups_.size());
  if (inserted) groups_.push_back({call.invocation_id, agent, {}});
  auto& calls = groups_[it->second].calls;
  // An invocation has a handful of calls: a scan costs less memory than a set.
  bool seen = std::any_of(calls.begin(), calls.end(), [&](const Header& other) {
    return other.call_index == header.call_index && other.fingerprint == header.fingerprint;
  });
  if (seen) return false;
  calls.push_back(std::move(header));
  return true;
}

void Grouper::drain(const std::function<void(Invocation)>& each) {
  index_.clear();
  for (auto& group : groups_) {
    std::stable_sort(group.calls.begin(), group.calls.end(),
                     [](const Header& a, const Header& b) { return a.call_index < b.call_index; });
    Invocation invocation;
    for (const auto& header : group.calls) {
      LoggedCall call;
      call.timestamp = header.timestamp;
      call.environment = "non-prod";
      call.agent = agents_[group.agent];
      call.invocation_id = group.id;
      call.call_index = header.call_index;
      call.model = models_[header.model];
      if (header.failed) call.error_category = "failed";
      call.prompt_sha256 = fingerprint_hex(header.fingerprint);
      call.origin.source = sources_[header.source];
      call.origin.line = header.line;
      call.ordinal = header.ordinal;
      call.payload = true;
      invocation.calls.push_back(std::move(call));
    }
    invocation.id = group.id.empty() ? fmt::format("line {} of {}", group.calls.front().line, sources_[group.calls.front().source])
                                     : group.id;
    std::vector<Header>().swap(group.calls);  // give the memory back as we go
    std::string().swap(group.id);
    each(std::move(invocation));
  }
  groups_.clear();
}

std::vector<Invocation> Grouper::take() {
  std::vector<Invocation> invocations;
  drain([&](Invocation invocation) { invocations.push_back(std::move(invocation)); });
  return invocations;
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
