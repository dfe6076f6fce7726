#include "reprise/eval/stamp.hpp"

#include <fmt/format.h>

#include "reprise/eval/case_runner.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/util/clock.hpp"
#include "reprise/util/files.hpp"

namespace reprise::eval {
namespace {

using Status = StampResult::Status;

bool selected(const Case& spec, const std::vector<std::string>& selectors) {
  if (selectors.empty()) return true;
  for (const auto& selector : selectors) {
    if (selector == spec.test_name() || selector == spec.id || selector == spec.agent) return true;
  }
  return false;
}

// Hand-written answers have no measured usage: about four characters a token.
std::int64_t estimate_tokens(std::size_t characters) { return static_cast<std::int64_t>((characters + 3) / 4); }

FixtureCall stamped_call(const FixtureCall* seed, const ObservedCall& observed, const std::string& completion) {
  FixtureCall call = seed ? *seed : FixtureCall{};
  call.request_sha256 = observed.fingerprint;
  if (call.model.empty()) call.model = observed.body.value("model", "");
  if (call.stop_reason.empty()) call.stop_reason = call.tool_use.empty() ? "end_turn" : "tool_use";
  if (call.usage.input_tokens == 0 && call.usage.output_tokens == 0) {
    call.usage.input_tokens = estimate_tokens(llm::canonical_request_json(observed.body).size());
    call.usage.output_tokens = estimate_tokens(completion.size() + (call.tool_use.empty() ? 0 : call.tool_use.dump().size()));
    call.usage_estimated = true;
  }
  if (call.recorded.is_null()) call.recorded = {{"how", "hand-written"}, {"at", util::utc_now_iso8601()}};
  if (observed.body.is_object()) call.request = observed.body;
  return call;
}

// "call 2" or "calls 1 and 3".
std::string call_list(const std::vector<std::size_t>& calls) {
  std::string text = calls.size() == 1 ? "call " : "calls ";
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (i > 0) text += i + 1 == calls.size() ? " and " : ", ";
    text += std::to_string(calls[i] + 1);
  }
  return text;
}

StampResult stamp_one(const LoadedCase& loaded, const CaseOutcome& outcome) {
  StampResult result{loaded.spec.test_name(), Status::unchanged, ""};
  if (outcome.error) {
    result.status = Status::refused;
    result.detail = fmt::format("the agent failed on the recorded answer: {}", outcome.error->message);
    return result;
  }
  if (outcome.calls.size() != loaded.completions.size()) {
    result.status = Status::refused;
    result.detail = fmt::format("the agent made {} call(s) but the completion has {} section(s)", outcome.calls.size(),
                                loaded.completions.size());
    return result;
  }
  Fixture fixture;
  std::size_t stamped = 0;
  std::vector<std::size_t> requests_recorded;
  for (std::size_t i = 0; i < outcome.calls.size(); ++i) {
    const FixtureCall* seed = i < loaded.fixture.calls.size() ? &loaded.fixture.calls[i] : nullptr;
    if (seed && !seed->request_sha256.empty()) {
      if (seed->request_sha256 != outcome.calls[i].fingerprint) {
        result.status = Status::refused;
        result.detail = fmt::format("call {} is stale; use `reprise restamp` after reviewing the change", i + 1);
        return result;
      }
      fixture.calls.push_back(*seed);
      // Stamped before requests were recorded: the same fingerprint means
      // today's request is the one the answer was recorded for.
      if (seed->request.is_null() && outcome.calls[i].body.is_object()) {
        fixture.calls.back().request = outcome.calls[i].body;
        requests_recorded.push_back(i);
      }
      continue;
    }
    fixture.calls.push_back(stamped_call(seed, outcome.calls[i], loaded.completions[i]));
    ++stamped;
  }
  if (stamped == 0 && requests_recorded.empty()) return result;
  util::write_file_atomically(loaded.spec.fixture_path(), fixture_to_text(fixture));
  result.status = Status::written;
  result.detail = stamped > 0 ? fmt::format("{} call(s) stamped", fixture.calls.size())
                              : "recorded the request of " + call_list(requests_recorded);
  return result;
}

StampResult restamp_one(const LoadedCase& loaded, const CaseOutcome& outcome, const std::string& reason) {
  StampResult result{loaded.spec.test_name(), Status::unchanged, "not stale"};
  if (outcome.stale.empty()) return result;
  if (!outcome.checks_passed()) {
    result.status = Status::refused;
    result.detail = "the recorded answer no longer passes the case's expectations: refresh it with a live run instead";
    return result;
  }
  Fixture fixture = loaded.fixture;
  std::string now = util::utc_now_iso8601();
  for (const auto& stale : outcome.stale) {
    FixtureCall& call = fixture.calls[static_cast<std::size_t>(stale.call) - 1];
    call.restamps.push_back({{"from", stale.recorded}, {"at", now}, {"reason", reason}});
    call.request_sha256 = stale.current;
    const Json& body = outcome.calls[static_cast<std::size_t>(stale.call) - 1].body;
    call.request = body.is_object() ? body : Json();
  }
  util::write_file_atomically(loaded.spec.fixture_path(), fixture_to_text(fixture));
  result.status = Status::written;
  result.detail = fmt::format("{} call(s) restamped", outcome.stale.size());
  return result;
}

}  // namespace

std::vector<StampResult> stamp_cases(const Suite& suite, const std::vector<std::string>& selectors, StampMode mode,
                                     const std::string& reason) {
  std::vector<StampResult> results;
  std::vector<bool> matched(selectors.size(), false);
  for (const auto& loaded : suite.cases) {
    if (!selected(loaded.spec, selectors)) continue;
    for (std::size_t i = 0; i < selectors.size(); ++i) {
      if (selected(loaded.spec, {selectors[i]})) matched[i] = true;
    }
    CaseOutcome outcome = replay_case(loaded);
    try {
      results.push_back(mode == StampMode::stamp ? stamp_one(loaded, outcome) : restamp_one(loaded, outcome, reason));
    } catch (const std::exception& error) {
      results.push_back({loaded.spec.test_name(), Status::refused, error.what()});
    }
  }
  for (std::size_t i = 0; i < selectors.size(); ++i) {
    if (!matched[i]) results.push_back({selectors[i], Status::refused, "no loadable case matches this name"});
  }
  return results;
}

}  // namespace reprise::eval
