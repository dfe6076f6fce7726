// Unit tests of the dry-run and live modes of src/eval ([eval][modes]): the
// dry-run transport and its report, the live cost estimate, candidates as a
// live run writes them, and the live summary. The end-to-end side (real
// binaries against the loopback fake API) is tests/e2e/live_run.sh.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "reprise/eval/candidate.hpp"
#include "reprise/eval/dry_run.hpp"
#include "reprise/eval/live_run.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/pricing.hpp"
#include "unit/test_support.hpp"

namespace fs = std::filesystem;
using namespace reprise;
using namespace reprise::eval;

namespace {

const std::string kBaseUrl = "http://127.0.0.1:9";  // the discard port: nothing may be sent there
const DryRunTarget kTarget{kBaseUrl, "sk-ant-api03-unit-test-key-that-must-not-show"};

// As the dry-run and live modes load: no completion or sidecar required.
Suite load_for_modes(const fs::path& root) {
  LoadOptions options;
  options.require_fixture = false;
  options.require_completion = false;
  options.jobs = 1;
  Suite suite = load_suite(root, options);
  REQUIRE(suite.broken.empty());
  return suite;
}

// The numbers of the report row that starts with `name`: cases, changed, without a recorded request, chain stopped.
std::vector<int> report_row(const std::string& report, const std::string& name) {
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first != name) continue;
    std::vector<int> numbers;
    for (int n = 0; words >> n;) numbers.push_back(n);
    return numbers;
  }
  return {};
}

const char* const kChain = "chain-debt-avalanche-card-act-high";
const char* const kSteady = "steady-week-on-track";

}  // namespace

TEST_CASE("dry_run_case: a chain's two requests are built as production sends them, the key redacted", "[eval][modes]") {
  test::TempDir dir("modes");
  test::copy_bundled_case(dir / "eval", "content_polish", kChain);
  Suite suite = load_for_modes(dir / "eval");
  DryRunResult dry = dry_run_case(suite.cases.at(0), kTarget);

  REQUIRE(dry.calls.size() == 2u);
  CHECK(dry.chain_stopped_at == 0);
  CHECK_FALSE(dry.outcome.error);
  for (const auto& call : dry.calls) {
    CHECK(call.request.method == "POST");
    CHECK(call.request.url == kBaseUrl + "/v1/messages");
    bool key_header = false;
    for (const auto& [name, value] : call.request.headers) {
      CHECK(value.find("unit-test-key") == std::string::npos);
      if (name == "x-api-key") key_header = value == "[REDACTED]";
    }
    CHECK(key_header);
    CHECK(call.diff.recorded);
    CHECK_FALSE(call.diff.changed);  // the bundled fixture was recorded for exactly these requests
  }
  // The second request carries the first call's accepted answer: the chain went on.
  CHECK(dry.calls[1].request.body.find("lowest interest rate first") != std::string::npos);
  for (const auto& result : dry.outcome.results) CHECK(result.passed);
  CHECK(dry.outcome.results.size() >= 2u);
}

TEST_CASE("dry_run_case: an input edit is a diff and a changed request, not a failure", "[eval][modes]") {
  test::TempDir dir("modes");
  test::copy_bundled_case(dir / "eval", "coach_narrative", kSteady);
  Suite suite = load_for_modes(dir / "eval");
  LoadedCase& loaded = suite.cases.at(0);
  loaded.spec.input["metrics"]["income"] = 1950;

  DryRunResult dry = dry_run_case(loaded, kTarget);
  REQUIRE(dry.calls.size() == 1u);
  CHECK(dry.request_changed());
  CHECK(dry.calls[0].diff.added == 1);
  CHECK(dry.calls[0].diff.removed == 1);
  CHECK(dry.calls[0].diff.unified.find("-  Income: 1850.00\n") != std::string::npos);
  CHECK(dry.calls[0].diff.unified.find("+  Income: 1950.00\n") != std::string::npos);
  CHECK(dry.outcome.checks_passed());

  std::vector<std::optional<DryRunResult>> results{dry};
  std::string report = render_dry_run_report(suite, results, false);
  CHECK(report_row(report, "coach_narrative") == std::vector<int>{1, 1, 0, 0});
  CHECK(report.find("=== coach_narrative/steady-week-on-track call 1 (") != std::string::npos);
  CHECK(report.find("+  Income: 1950.00") != std::string::npos);
  CHECK(report.find("\x1b[") == std::string::npos);
  CHECK(render_dry_run_report(suite, results, true).find("\x1b[") != std::string::npos);
}

TEST_CASE("dry_run_case: with no accepted answer the first request is still built and checked; the chain stops there",
          "[eval][modes]") {
  test::TempDir dir("modes");
  fs::path case_file = test::copy_bundled_case(dir / "eval", "content_polish", kChain);
  fs::remove(completion_path_for(case_file));
  fs::remove(fixture_path_for(case_file));
  Suite suite = load_for_modes(dir / "eval");
  REQUIRE(suite.cases.at(0).completions.empty());

  DryRunResult dry = dry_run_case(suite.cases.at(0), kTarget);
  CHECK(dry.chain_stopped_at == 1);
  REQUIRE(dry.calls.size() == 1u);
  CHECK_FALSE(dry.calls[0].diff.recorded);
  CHECK_FALSE(dry.outcome.error);  // a missing answer is the chain stopping, not the agent failing
  // Call 1's expectations held; call 2's could not be checked, and say so.
  int failed = 0;
  for (const auto& result : dry.outcome.results) {
    if (!result.passed) {
      ++failed;
      CHECK(result.message.find("1 call(s) made") != std::string::npos);
    }
  }
  CHECK(failed == 1);

  std::vector<std::optional<DryRunResult>> results{dry};
  std::string report = render_dry_run_report(suite, results, false);
  CHECK(report.find("dry run: no request changed since its fixture was recorded") != std::string::npos);
  CHECK(report_row(report, "content_polish") == std::vector<int>{1, 0, 1, 1});
  CHECK(report_row(report, "total") == std::vector<int>{1, 0, 1, 1});
}

TEST_CASE("execute_dry_run: only the selected cases run; notes say what changed; no one is not-run", "[eval][modes]") {
  test::TempDir dir("modes");
  test::copy_bundled_case(dir / "eval", "coach_narrative", kSteady);
  test::copy_bundled_case(dir / "eval", "content_polish", kChain);
  Suite suite = load_for_modes(dir / "eval");
  std::size_t chain = suite.cases[0].spec.id == kChain ? 0 : 1;

  ModeExecution execution = execute_dry_run(suite, {chain}, 2, kTarget, false);
  CHECK(execution.outcomes[chain].has_value());
  CHECK_FALSE(execution.outcomes[1 - chain].has_value());
  CHECK(execution.notes[chain].empty());  // unchanged and complete: nothing to say
  CHECK(execution.not_run == std::vector<bool>{false, false});
  CHECK(execution.failed_extra == 0);
  CHECK(report_row(execution.report, "total") == std::vector<int>{1, 0, 0, 0});
  CHECK(report_row(execution.report, "coach_narrative").empty());
}

TEST_CASE("estimate_live_cost: input from the request's size, output bounded by max_tokens, priced by the table",
          "[eval][modes]") {
  test::TempDir dir("modes");
  test::copy_bundled_case(dir / "eval", "content_polish", kChain);
  Suite suite = load_for_modes(dir / "eval");
  DryRunResult dry = dry_run_case(suite.cases.at(0), kTarget);

  LiveEstimate estimate = estimate_live_cost({dry});
  CHECK(estimate.calls == 2);
  std::int64_t input = 0, output = 0;
  for (const auto& call : dry.outcome.calls) {
    input += static_cast<std::int64_t>(call.body.dump().size() + 3) / 4;
    output += call.body["max_tokens"].get<std::int64_t>();
  }
  CHECK(estimate.input_tokens == input);
  CHECK(estimate.max_output_tokens == output);
  llm::Usage bound;
  bound.input_tokens = input;
  bound.output_tokens = output;
  CHECK(estimate.max_usd == Approx(*llm::usd_for_usage("claude-sonnet-4-5-20250929", bound)));
  CHECK(estimate.max_usd > 0);
}

TEST_CASE("write_candidate: a live answer becomes a complete candidate; the accepted files are untouched", "[eval][modes]") {
  test::TempDir dir("modes");
  fs::path case_file = test::copy_bundled_case(dir / "eval", "content_polish", kChain);
  std::string accepted_completion = test::read_text(completion_path_for(case_file));
  std::string accepted_sidecar = test::read_text(fixture_path_for(case_file));
  Suite suite = load_for_modes(dir / "eval");
  DryRunResult dry = dry_run_case(suite.cases.at(0), kTarget);

  std::vector<LiveCall> calls;
  for (std::size_t i = 0; i < 2; ++i) {
    llm::Response response;
    response.id = "msg_live_" + std::to_string(i + 1);
    response.model = "claude-sonnet-4-5-20250929";
    response.stop_reason = "end_turn";
    response.content.push_back(llm::ContentBlock::make_text(i == 0 ? "a new draft" : R"({"revised_markdown": "x"})"));
    response.usage.input_tokens = 900;
    response.usage.output_tokens = 300;
    response.request_id = "req_live_" + std::to_string(i + 1);
    response.provider = "anthropic";
    const Json& body = dry.outcome.calls[i].body;
    calls.push_back(LiveCall{body, llm::request_fingerprint(body), response, 0.0072});
  }
  REQUIRE(write_candidate(suite.cases.at(0), calls).empty());

  CHECK(test::read_text(completion_path_for(case_file)) == accepted_completion);
  CHECK(test::read_text(fixture_path_for(case_file)) == accepted_sidecar);
  auto candidate = load_candidate(case_file);
  REQUIRE(candidate);
  CHECK(candidate->state == CandidateState::complete);
  CHECK(candidate->completions == std::vector<std::string>{"a new draft", R"({"revised_markdown": "x"})"});
  REQUIRE(candidate->fixture.calls.size() == 2u);
  CHECK(candidate->fixture.calls[0].request_sha256 == dry.outcome.calls[0].fingerprint);
  CHECK(candidate->fixture.calls[1].request_id == "req_live_2");
  CHECK(candidate->fixture.calls[1].recorded["how"] == "live");
  CHECK(candidate->fixture.calls[1].request == dry.outcome.calls[1].body);
  CHECK_FALSE(candidate->fixture.calls[0].usage_estimated);
  // No temporary is left beside the case.
  for (const auto& entry : fs::directory_iterator(case_file.parent_path())) {
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  }
}

TEST_CASE("write_candidate: a call answered with tool_use only is a bare marker, as accepted files are written",
          "[eval][modes]") {
  CHECK(join_completion({"", "the answer"}) == "=== reprise call 1/2 ===\n=== reprise call 2/2 ===\nthe answer\n");
  auto sections = split_completion(join_completion({"", "the answer"}), "x");
  REQUIRE(sections);
  CHECK(*sections == std::vector<std::string>{"", "the answer"});
}

TEST_CASE("render_live_summary and render_live_estimate: every count, the categories, the budget line", "[eval][modes]") {
  LiveTotals totals;
  totals.answered = 5;
  totals.passed = 4;
  totals.call_failed = 2;
  totals.not_run = 3;
  totals.errors_by_category = {{"overloaded", 2}, {"rate_limited", 1}};
  totals.input_tokens = 1200;
  totals.output_tokens = 340;
  totals.usd = 0.0123;
  std::string summary = render_live_summary(totals, 2.04);
  CHECK(summary ==
        "live run: 10 case(s): 5 answered (4 passed, 1 failed), 2 with a failed call, 3 not run\n"
        "call errors by category: overloaded 2; rate_limited 1\n"
        "tokens: 1200 input, 340 output; cost $0.0123; wall time 2.0 s\n"
        "candidates are beside their cases: `reprise review` lists, accepts or rejects them\n");

  LiveEstimate estimate{3, 1000, 4000, 0.063};
  CHECK(render_live_estimate(estimate, 2, std::nullopt).find("2 case(s), 3 call(s)") != std::string::npos);
  CHECK(render_live_estimate(estimate, 2, 0.05).find("the estimate exceeds --max-usd $0.0500") != std::string::npos);
  CHECK(render_live_estimate(estimate, 2, 1.0).find("budget $1.0000 (--max-usd)") != std::string::npos);
}
