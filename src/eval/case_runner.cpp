#include "reprise/eval/case_runner.hpp"

#include <fmt/format.h>

#include <chrono>

#include "reprise/agents/registry.hpp"
#include "reprise/eval/replay_transport.hpp"

namespace reprise::eval {
namespace {

void find_stale_calls(const LoadedCase& loaded, CaseOutcome& outcome) {
  std::size_t compared = std::min(outcome.calls.size(), loaded.fixture.calls.size());
  for (std::size_t i = 0; i < compared; ++i) {
    const std::string& recorded = loaded.fixture.calls[i].request_sha256;
    if (recorded != outcome.calls[i].fingerprint) {
      outcome.stale.push_back({static_cast<int>(i) + 1, recorded, outcome.calls[i].fingerprint});
    }
  }
}

}  // namespace

bool CaseOutcome::checks_passed() const {
  if (error) return false;
  for (const auto& result : results) {
    if (!result.passed) return false;
  }
  return true;
}

std::string describe_stale(const StaleCall& stale) {
  if (stale.recorded.empty()) return fmt::format("call {}: the fixture was never stamped with a request fingerprint", stale.call);
  return fmt::format("call {}: the request built today (fingerprint {}) differs from the one the fixture was recorded for ({})",
                     stale.call, stale.current.substr(0, 12), stale.recorded.substr(0, 12));
}

CaseOutcome check_case(const LoadedCase& loaded, agents::AgentResult result, std::vector<ObservedCall> calls,
                       bool compare_with_fixture) {
  CaseOutcome outcome;
  outcome.calls = std::move(calls);
  if (compare_with_fixture) find_stale_calls(loaded, outcome);
  if (result) {
    outcome.output = std::move(*result);
    outcome.results = check_verdict(loaded.spec.verdict, outcome.output->verdict);
    auto assertions = check_assertions(loaded.spec.checks, *outcome.output);
    outcome.results.insert(outcome.results.end(), assertions.begin(), assertions.end());
  } else {
    outcome.error = std::move(result.error());
  }
  auto requests = check_requests(loaded.spec.requests, outcome.calls);
  outcome.results.insert(outcome.results.end(), requests.begin(), requests.end());
  if (compare_with_fixture && !outcome.error && outcome.calls.size() != loaded.completions.size()) {
    outcome.results.push_back({false, loaded.spec.id_pos, "recorded calls",
                               fmt::format("expected: the agent makes the {} call(s) the fixture records\n  actual: it made {}",
                                           loaded.completions.size(), outcome.calls.size())});
  }
  return outcome;
}

CaseOutcome replay_case(const LoadedCase& loaded) {
  auto started = std::chrono::steady_clock::now();
  const agents::Agent* agent = agents::find_agent(loaded.spec.agent);  // the loader checked it exists
  auto transport = std::make_shared<ReplayTransport>(loaded.completions, loaded.fixture);
  llm::Client client(llm::ClientConfig{}, transport);
  auto result = agent->run(loaded.spec.input, client);
  CaseOutcome outcome = check_case(loaded, std::move(result), transport->observed(), true);
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return outcome;
}

Json outcome_to_json(const CaseOutcome& outcome) {
  Json error = nullptr;
  if (outcome.error) error = {static_cast<int>(outcome.error->kind), outcome.error->message, outcome.error->call_index};
  Json stale = Json::array();
  for (const auto& call : outcome.stale) stale.push_back({call.call, call.recorded, call.current});
  Json results = Json::array();
  for (const auto& result : outcome.results) {
    results.push_back({result.passed, result.pos.line, result.pos.column, result.expression, result.message});
  }
  return {{"error", std::move(error)}, {"stale", std::move(stale)}, {"results", std::move(results)}};
}

CaseOutcome outcome_from_json(const Json& json) {
  CaseOutcome outcome;
  if (const Json& error = json.at("error"); !error.is_null()) {
    outcome.error = agents::AgentError{static_cast<agents::AgentError::Kind>(error.at(0).get<int>()),
                                       error.at(1).get<std::string>(), error.at(2).get<int>()};
  }
  for (const auto& call : json.at("stale")) {
    outcome.stale.push_back({call.at(0).get<int>(), call.at(1).get<std::string>(), call.at(2).get<std::string>()});
  }
  for (const auto& result : json.at("results")) {
    outcome.results.push_back({result.at(0).get<bool>(), {result.at(1).get<int>(), result.at(2).get<int>()},
                               result.at(3).get<std::string>(), result.at(4).get<std::string>()});
  }
  return outcome;
}

}  // namespace reprise::eval
