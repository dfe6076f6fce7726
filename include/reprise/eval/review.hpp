#pragma once
// Reviewing candidates (`reprise review`): what each candidate changes, and
// the session that accepts or rejects them.
//
// review_candidate replays the case's agent twice through the cached replay
// (replay_case): on the accepted fixture and on the candidate, and compares
// the verdicts, whether the expectations (band, assertions, requests) hold,
// whether the recorded fingerprints match today's requests (a stale candidate
// fails `reprise-eval --stale=fail` once accepted), tokens and cost, and the
// completion text as a unified diff. Computing and rendering (text, JSON)
// are apart; the session only reads and writes through the streams it is
// given, so it is tested without a terminal.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "reprise/eval/candidate.hpp"
#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/text_diff.hpp"

namespace reprise::eval {

// What one set of answers (accepted or candidate) makes of a case.
struct AnswerReplay {
  std::optional<agents::Verdict> verdict;  // unset when the agent failed
  std::string error;                       // the agent's error, when it failed
  bool band_holds = false;                 // the verdict band holds (true when the case has none)
  std::vector<CheckResult> failures;       // failing expectations: band, assertions, requests, call count
  std::vector<StaleCall> stale;            // calls recorded for another request than today's
  bool expectations_hold() const { return error.empty() && failures.empty(); }
};

struct UsageTotals {
  std::int64_t input_tokens = 0;  // over every call; cache writes and cache reads included
  std::int64_t output_tokens = 0;
  std::optional<double> usd;      // each call's recorded cost_usd, else priced from its usage; unset when a call cannot be priced
  bool estimated = false;         // some call's usage is an estimate (a hand-written answer)
};
UsageTotals usage_totals(const Fixture& fixture);

struct CandidateReview {
  std::string test_name;
  std::string case_display;
  CandidateState state = CandidateState::complete;
  std::string problem;  // incomplete: why
  bool has_band = false;
  AnswerReplay before;                // the accepted fixture as it is on disk
  std::optional<AnswerReplay> after;  // with the candidate; unset for an incomplete one
  UsageTotals before_usage;
  std::optional<UsageTotals> after_usage;
  std::string accepted_display, candidate_display;  // the two completion files
  std::vector<DiffHunk> diff;  // accepted completion -> candidate completion (complete candidates)
};

// `loaded` must be loaded without the outcome cache (its completions parsed).
CandidateReview review_candidate(const LoadedCase& loaded, const Candidate& candidate);
std::string render_review(const CandidateReview& review, bool colour);
Json review_to_json(const CandidateReview& review);

struct ReviewOptions {
  std::vector<std::string> selectors;       // narrow the candidates: "<agent>/<id>", "<id>", "<agent>"; empty: all
  std::vector<std::string> accept, reject;  // cases by "<agent>/<id>" or "<id>"
  bool accept_all = false, reject_all = false;  // every selected candidate not named above
  bool list = false;
  bool json = false;         // the listing as a JSON array (implies list)
  bool interactive = false;  // without an action: ask per candidate (the CLI sets it on a terminal)
  bool colour = false;       // ANSI colours (the CLI: stdout a terminal, NO_COLOR unset)
};

// A contradiction among the options (usage error), or nullopt.
std::optional<std::string> review_usage_problem(const ReviewOptions& options);

// Lists (--list, --json, or no action without a terminal), acts on the named
// candidates, or asks per candidate, reading one line per answer from `in`:
// [a]ccept [r]eject [s]kip [A]ccept all [R]eject all [q]uit (end of input quits).
// Any mode but listing first finishes interrupted accepts. Returns 0, or 1
// when a name matches no loadable case or an action failed. `suite` must be
// loaded without the outcome cache.
int run_review(const Suite& suite, const ReviewOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace reprise::eval
