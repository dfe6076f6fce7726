#pragma once
// Dry-run live: every call an agent makes goes through the shared client
// exactly as in a live run, and the transport records the full HTTP request
// (method, URL, headers with credentials redacted, body) instead of sending
// it. No socket is opened. Where a chain needs an earlier answer to build its
// next request, the accepted fixture's answer is served so the chain goes
// on; where there is none, the case says the chain cannot go on.
//
// Each request built now is compared with the request its fixture was
// recorded with (the sidecar's `request`), as a readable diff.
#include <optional>
#include <string>
#include <vector>

#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/mode_execution.hpp"
#include "reprise/eval/replay_transport.hpp"
#include "reprise/eval/request_diff.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/llm/client_environment.hpp"
#include "reprise/llm/http.hpp"

namespace reprise::eval {

// What production would have sent for one call.
struct RecordedHttpRequest {
  std::string method;
  std::string url;
  llm::Headers headers;  // x-api-key and authorization values are "[REDACTED]"
  std::string body;
};

class DryRunTransport final : public llm::Transport {
 public:
  DryRunTransport(const std::vector<std::string>& completions, const Fixture& fixture);

  llm::HttpResponse send(const llm::HttpRequest& request) override;
  const std::vector<RecordedHttpRequest>& requests() const { return requests_; }
  const std::vector<ObservedCall>& observed() const { return replay_.observed(); }
  // 1-based call that found no accepted answer to serve (0: none did).
  int unanswered_call() const { return unanswered_call_; }

 private:
  ReplayTransport replay_;
  std::vector<RecordedHttpRequest> requests_;
  int unanswered_call_ = 0;
};

struct DryRunCall {
  int call = 0;  // 1-based
  RecordedHttpRequest request;
  RequestDiff diff;  // against the fixture's recorded request
};

struct DryRunResult {
  CaseOutcome outcome;  // request expectations, and the agent's error (not one from a missing answer)
  std::vector<DryRunCall> calls;
  // 1-based call whose answer the accepted fixture does not hold (0: none).
  // Its request was built and checked; a later call of the chain could not be.
  int chain_stopped_at = 0;
  bool request_changed() const;
};

// Where the requests would go: the same base URL and key presence as a live run.
struct DryRunTarget {
  std::string base_url;
  std::string api_key;  // only its presence shows (redacted); empty sends no x-api-key
};

// The base URL and key a live run in this environment would use. Nothing is
// fetched: a key kept in Secrets Manager is shown as present, not read.
DryRunTarget dry_run_target_from(const llm::ClientEnvironment& environment);

DryRunResult dry_run_case(const LoadedCase& loaded, const DryRunTarget& target);

// Dry-runs suite.cases[i] for each i in `work`, `jobs` at a time. Each case
// reports its request checks and, where the chain could not go on, why; a
// changed request is a note, not a failure (a prompt edit is why one runs
// this). The report is render_dry_run_report's.
ModeExecution execute_dry_run(const Suite& suite, const std::vector<std::size_t>& work, unsigned jobs,
                              const DryRunTarget& target, bool colour);

// Per case whose request changed, a header and the unified diff of each
// changed call; then per agent the cases dry-run, those whose request
// changed, those whose fixture records no request, and chains that could
// not go on. `results` is by suite index, as execute_dry_run fills it.
std::string render_dry_run_report(const Suite& suite, const std::vector<std::optional<DryRunResult>>& results,
                                  bool colour);

}  // namespace reprise::eval
