#pragma once
// Running one case in cached mode: the agent runs through the shared client
// with a ReplayTransport, then every expectation is checked (check_case, which
// the dry-run and live modes share). Pure with
// respect to the file system; safe to call from several threads at once.
#include <optional>
#include <string>
#include <vector>

#include "reprise/agents/agent.hpp"
#include "reprise/eval/expectations.hpp"
#include "reprise/eval/settings.hpp"
#include "reprise/eval/suite.hpp"

namespace reprise::eval {

struct StaleCall {
  int call = 0;               // 1-based
  std::string recorded;       // fingerprint in the sidecar ("" when never stamped)
  std::string current;        // fingerprint of the request built today
};

struct CaseOutcome {
  std::optional<agents::AgentOutput> output;
  std::optional<agents::AgentError> error;
  std::vector<ObservedCall> calls;
  std::vector<StaleCall> stale;
  std::vector<CheckResult> results;  // expectations, plus call-count mismatches
  double seconds = 0;

  bool checks_passed() const;
  bool passed(StalePolicy policy) const { return checks_passed() && (policy == StalePolicy::warn || stale.empty()); }
};

CaseOutcome replay_case(const LoadedCase& loaded);

// Every mode's checks of an agent run: verdict band, assertions, request
// expectations; with `compare_with_fixture` (cached replay) also stale calls
// and the recorded call count.
CaseOutcome check_case(const LoadedCase& loaded, agents::AgentResult result, std::vector<ObservedCall> calls,
                       bool compare_with_fixture);

// What reporting reads of an outcome (error, stale calls, check results), for
// the outcome cache. The parsed output and request bodies are not kept.
Json outcome_to_json(const CaseOutcome& outcome);
CaseOutcome outcome_from_json(const Json& json);  // throws Json::exception on a malformed entry

// "call 1: request fingerprint 1a2b3c4d... differs from the recorded 9f8e7d6c...".
std::string describe_stale(const StaleCall& stale);

}  // namespace reprise::eval
