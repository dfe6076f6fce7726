#pragma once
// Checking a case's expectations against what its agent produced. Each
// expectation yields one result that names where in the case file it was
// asked for, what was expected and what was found.
#include <string>
#include <vector>

#include "reprise/agents/agent.hpp"
#include "reprise/eval/case.hpp"
#include "reprise/eval/replay_transport.hpp"

namespace reprise::eval {

struct CheckResult {
  bool passed = false;
  SourcePos pos;
  std::string expression;  // the check as written: contains: "emergency fund"
  std::string message;     // expected against actual, for a failure
};

std::vector<CheckResult> check_verdict(const VerdictBand& band, const agents::Verdict& verdict);
std::vector<CheckResult> check_assertions(const std::vector<Check>& checks, const agents::AgentOutput& output);
std::vector<CheckResult> check_requests(const std::vector<RequestExpectation>& expectations,
                                        const std::vector<ObservedCall>& calls);

}  // namespace reprise::eval
