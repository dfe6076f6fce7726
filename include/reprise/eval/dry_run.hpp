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
#include <string>
#include <vector>

#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/replay_transport.hpp"
#include "reprise/eval/request_diff.hpp"
#include "reprise/eval/suite.hpp"
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

 private:
  ReplayTransport replay_;
  std::size_t recorded_answers_;
  std::vector<RecordedHttpRequest> requests_;
};

struct DryRunCall {
  int call = 0;  // 1-based
  RecordedHttpRequest request;
  RequestDiff diff;  // against the fixture's recorded request
};

struct DryRunResult {
  CaseOutcome outcome;  // request expectations, and the agent's error when the chain could not go on
  std::vector<DryRunCall> calls;
  bool request_changed() const;
};

// Where the requests would go: the same base URL and key presence as a live run.
struct DryRunTarget {
  std::string base_url;
  std::string api_key;  // only its presence shows (redacted); empty sends no x-api-key
};

DryRunResult dry_run_case(const LoadedCase& loaded, const DryRunTarget& target);

}  // namespace reprise::eval
