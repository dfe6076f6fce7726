#pragma once
// Live execute (`--live` with EVAL_LIVE_EXECUTE=1): the selected cases run
// through the shared client as production runs it (libcurl, retries, Bedrock
// fallback, call log), `jobs` cases at a time, within a dollar budget.
//
// Each case whose calls all succeeded gets a candidate beside its accepted
// fixture (<id>.completion.candidate.txt and <id>.candidate.json, each
// written to a temporary name and renamed into place); the accepted fixture
// is never touched. The case's expectations are checked against the new
// answers, so the run says whether they still hold the verdict band.
//
// The budget: before any call, an estimate from the requests a dry run builds
// (input tokens from the request's size, output bounded by max_tokens). While
// running, the actual cost of every answered call is added up; once it
// reaches the cap no further case starts. Cases already under way finish, so
// the overshoot is at most `jobs` cases' calls; the cases never started are
// reported as not run.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/dry_run.hpp"
#include "reprise/eval/mode_execution.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/llm/client.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::eval {

struct LiveCall {
  Json request;  // the body as sent
  std::string fingerprint;
  llm::CallResult result;
  std::optional<double> usd;  // priced from the answer's usage; unset for an error or an unknown model
};

struct LiveCaseResult {
  enum class Status { answered, call_failed, not_run };
  Status status = Status::not_run;
  CaseOutcome outcome;
  std::vector<LiveCall> calls;
  double usd = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::string candidate_error;  // set when the candidate could not be written
};

struct LiveEstimate {
  int calls = 0;
  std::int64_t input_tokens = 0;       // estimated from request sizes
  std::int64_t max_output_tokens = 0;  // the sum of max_tokens
  double max_usd = 0;                  // priced at those bounds
};

// From the requests a dry run built for the selected cases.
LiveEstimate estimate_live_cost(const std::vector<DryRunResult>& dry_runs);
// Input tokens of a request body: about 4 bytes per token of English and JSON.
std::int64_t estimate_input_tokens(const Json& body);

struct LiveOptions {
  unsigned jobs = 4;
  std::optional<double> max_usd;
  bool progress_on_terminal = false;  // redraw one status line; otherwise a plain line per case
};

struct LiveTotals {
  int answered = 0, call_failed = 0, not_run = 0;
  int passed = 0;  // answered, expectations held and candidate written
  std::map<std::string, int> errors_by_category;
  std::int64_t input_tokens = 0, output_tokens = 0;
  double usd = 0;
};

class LiveRun {
 public:
  // `base` carries everything from the environment (key, retries, fallback,
  // call log); each case adds its own observer to a copy.
  LiveRun(llm::ClientConfig base, std::shared_ptr<llm::Transport> transport, LiveOptions options);

  // Runs suite.cases[i] for each i in `work`; the result of case i lands in results[i].
  void run(const Suite& suite, const std::vector<std::size_t>& work, std::vector<std::optional<LiveCaseResult>>& results);
  LiveTotals totals(const std::vector<std::optional<LiveCaseResult>>& results) const;

 private:
  LiveCaseResult run_case(const LoadedCase& loaded);
  void progress(const LoadedCase& loaded, const LiveCaseResult& result, std::size_t total, double elapsed_seconds);

  llm::ClientConfig base_;
  std::shared_ptr<llm::Transport> transport_;
  LiveOptions options_;
  std::mutex spend_mutex_;
  double spent_ = 0;
  int errors_ = 0;
  std::mutex output_mutex_;
  std::size_t done_ = 0;  // cases finished, under output_mutex_
};

struct LiveSessionOptions {
  unsigned jobs = 4;
  std::optional<double> max_usd;
  bool ci = false;           // CI is set: refuse unless `force`
  bool force = false;        // --force-live
  bool progress_on_terminal = false;
};

// The whole live mode for the session: refuses under CI unless forced, builds
// the production client from the environment (libcurl, key, retries,
// fallback, call log), prints the estimate to `log`, runs, and renders the
// summary as the report. An error (refused, a bad environment) runs nothing.
util::Expected<ModeExecution, std::string> execute_live(const Suite& suite, const std::vector<std::size_t>& work,
                                                        const LiveSessionOptions& options, std::ostream& log);

// "live run: 33 case(s): 30 answered (28 passed, 2 failed), 2 call failed, 1 not run ...".
std::string render_live_summary(const LiveTotals& totals, double wall_seconds);
std::string render_live_estimate(const LiveEstimate& estimate, std::size_t cases, std::optional<double> max_usd);

// The candidate of a case from its live calls (every call answered), written
// atomically beside the case. Returns the error text, empty on success.
std::string write_candidate(const LoadedCase& loaded, const std::vector<LiveCall>& calls);

}  // namespace reprise::eval
