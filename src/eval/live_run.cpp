#include "reprise/eval/live_run.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <set>

#include "reprise/agents/registry.hpp"
#include "reprise/eval/case.hpp"
#include "reprise/eval/fixture.hpp"
#include "reprise/llm/client_environment.hpp"
#include "reprise/llm/curl_transport.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/pricing.hpp"
#include "reprise/util/clock.hpp"
#include "reprise/util/files.hpp"
#include "reprise/util/parallel.hpp"

namespace reprise::eval {
namespace {

FixtureCall candidate_call(const LiveCall& call, const std::string& recorded_at) {
  const llm::Response& response = *call.result;
  FixtureCall fixture;
  fixture.request_sha256 = call.fingerprint;
  fixture.model = response.model;
  fixture.stop_reason = response.stop_reason;
  fixture.usage = response.usage;
  fixture.usage_estimated = false;
  for (const auto* block : response.tool_uses()) fixture.tool_use.push_back(llm::block_to_json(*block));
  fixture.response_id = response.id;
  fixture.request_id = response.request_id;
  fixture.recorded = {{"how", "live"}, {"at", recorded_at}, {"provider", response.provider}, {"fallback", response.fallback}};
  fixture.cost_usd = call.usd;
  fixture.request = call.request;
  return fixture;
}

std::vector<CaseNote> live_notes(const LoadedCase& loaded, const LiveCaseResult& result, std::optional<double> max_usd) {
  std::vector<CaseNote> notes;
  switch (result.status) {
    case LiveCaseResult::Status::not_run:
      notes.push_back({CaseNote::Kind::warning,
                       fmt::format("not run: the --max-usd budget of ${:.4f} was reached before this case started", max_usd.value_or(0.0))});
      break;
    case LiveCaseResult::Status::call_failed:
      break;  // the agent's error names the failed call
    case LiveCaseResult::Status::answered:
      if (!result.candidate_error.empty()) {
        notes.push_back({CaseNote::Kind::failure, "the candidate could not be written: " + result.candidate_error});
      } else {
        notes.push_back({CaseNote::Kind::info,
                         fmt::format("candidate written: {} (${:.4f}, {} input / {} output tokens); review it with `reprise review {}`",
                                     display_path(candidate_completion_path_for(loaded.spec.path)), result.usd,
                                     result.input_tokens, result.output_tokens, loaded.spec.test_name())});
      }
      break;
  }
  return notes;
}

}  // namespace

std::int64_t estimate_input_tokens(const Json& body) {
  return static_cast<std::int64_t>(body.dump().size() + 3) / 4;
}

LiveEstimate estimate_live_cost(const std::vector<DryRunResult>& dry_runs) {
  LiveEstimate estimate;
  for (const auto& dry : dry_runs) {
    for (const auto& call : dry.outcome.calls) {
      llm::Usage bound;
      bound.input_tokens = estimate_input_tokens(call.body);
      bound.output_tokens = call.body.value("max_tokens", 0);
      ++estimate.calls;
      estimate.input_tokens += bound.input_tokens;
      estimate.max_output_tokens += bound.output_tokens;
      if (auto usd = llm::usd_for_usage(call.body.value("model", ""), bound)) estimate.max_usd += *usd;
    }
  }
  return estimate;
}

std::string write_candidate(const LoadedCase& loaded, const std::vector<LiveCall>& calls) {
  std::vector<std::string> sections;
  Fixture fixture;
  std::string at = util::utc_now_iso8601();
  for (const auto& call : calls) {
    sections.push_back(call.result->text());
    fixture.calls.push_back(candidate_call(call, at));
  }
  auto completion = candidate_completion_path_for(loaded.spec.path);
  try {
    // The completion first: a candidate is complete once its sidecar exists, so
    // a run killed between the two renames leaves no sidecar pointing at a missing text.
    util::write_file_atomically(completion, join_completion(sections));
  } catch (const std::exception& error) {
    return error.what();
  }
  try {
    util::write_file_atomically(candidate_sidecar_path_for(loaded.spec.path), fixture_to_text(fixture));
  } catch (const std::exception& error) {
    // Without its sidecar the completion is a candidate review can only reject: take it back now.
    std::error_code ignored;
    std::filesystem::remove(completion, ignored);
    return error.what();
  }
  return {};
}

LiveRun::LiveRun(llm::ClientConfig base, std::shared_ptr<llm::Transport> transport, LiveOptions options)
    : base_(std::move(base)), transport_(std::move(transport)), options_(options) {}

LiveCaseResult LiveRun::run_case(const LoadedCase& loaded) {
  auto started = std::chrono::steady_clock::now();
  LiveCaseResult result;
  llm::ClientConfig config = base_;
  config.observer = [&result](const llm::Request& request, const llm::CallResult& answer) {
    LiveCall call{llm::request_to_json(request), llm::request_fingerprint(request), answer, std::nullopt};
    if (answer) {
      if (auto usd = llm::usd_for_usage(request.model, answer->usage)) call.usd = *usd;
    }
    result.calls.push_back(std::move(call));
  };
  llm::Client client(config, transport_);
  const agents::Agent* agent = agents::find_agent(loaded.spec.agent);  // the loader checked it exists
  auto agent_result = agent->run(loaded.spec.input, client);

  std::vector<ObservedCall> observed;
  bool all_answered = !result.calls.empty();
  for (const auto& call : result.calls) {
    observed.push_back({call.fingerprint, call.request});
    all_answered = all_answered && call.result.has_value();
    if (call.result) {
      result.input_tokens += call.result->usage.input_tokens;
      result.output_tokens += call.result->usage.output_tokens;
    }
    result.usd += call.usd.value_or(0.0);
  }
  result.status = all_answered ? LiveCaseResult::Status::answered : LiveCaseResult::Status::call_failed;
  result.outcome = check_case(loaded, std::move(agent_result), std::move(observed), false);
  if (all_answered) result.candidate_error = write_candidate(loaded, result.calls);
  result.outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

void LiveRun::run(const Suite& suite, const std::vector<std::size_t>& work,
                  std::vector<std::optional<LiveCaseResult>>& results) {
  auto started = std::chrono::steady_clock::now();
  util::for_each_index(work.size(), options_.jobs, [&](std::size_t i) {
    const LoadedCase& loaded = suite.cases[work[i]];
    bool over_budget = false;
    {
      std::lock_guard lock(spend_mutex_);
      over_budget = options_.max_usd && spent_ >= *options_.max_usd;
    }
    LiveCaseResult result;
    if (!over_budget) result = run_case(loaded);
    {
      std::lock_guard lock(spend_mutex_);
      spent_ += result.usd;
      if (result.status == LiveCaseResult::Status::call_failed) ++errors_;
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress(loaded, result, work.size(), elapsed);
    results[work[i]] = std::move(result);
  });
  if (options_.progress_on_terminal) std::cerr << "\n";
}

void LiveRun::progress(const LoadedCase& loaded, const LiveCaseResult& result, std::size_t total,
                       double elapsed_seconds) {
  std::lock_guard lock(output_mutex_);
  std::size_t done = ++done_;  // counted under the output lock, so the lines count up in order
  double spent = 0;
  int errors = 0;
  {
    std::lock_guard spend_lock(spend_mutex_);
    spent = spent_;
    errors = errors_;
  }
  double left = done == 0 ? 0.0 : elapsed_seconds / static_cast<double>(done) * static_cast<double>(total - done);
  if (options_.progress_on_terminal) {
    std::cerr << fmt::format("\r\033[Klive: {}/{} cases  ${:.4f} spent  {} error(s)  ~{:.0f} s left", done, total, spent,
                             errors, left)
              << std::flush;
    return;
  }
  const char* status = result.status == LiveCaseResult::Status::not_run     ? "not run (budget reached)"
                       : result.status == LiveCaseResult::Status::call_failed ? "call failed"
                       : result.outcome.checks_passed()                      ? "passed"
                                                                             : "failed";
  std::cerr << fmt::format("live: [{}/{}] {} {} (${:.4f}; total ${:.4f})\n", done, total, loaded.spec.test_name(), status,
                           result.usd, spent);
}

util::Expected<ModeExecution, std::string> execute_live(const Suite& suite, const std::vector<std::size_t>& work,
                                                        const LiveSessionOptions& options, std::ostream& log) {
  if (options.ci && !options.force) {
    return util::unexpected(std::string(
        "refusing a live run while CI is set: live calls cost money and fixtures are refreshed by hand; pass "
        "--force-live to run anyway"));
  }
  auto started = std::chrono::steady_clock::now();
  llm::ClientEnvironment environment = llm::read_client_environment();
  auto transport = std::make_shared<llm::CurlTransport>();
  auto keys = llm::api_key_source_for(environment, transport);
  auto config = llm::live_client_config(environment, *keys);
  if (!config) return util::unexpected("the live client cannot be set up: " + config.error());

  // A live run killed earlier (SIGKILL, a closed laptop) left its temporaries; its renamed files are whole.
  std::set<std::filesystem::path> folders;
  for (std::size_t index : work) folders.insert(suite.cases[index].spec.path.parent_path());
  int swept = 0;
  for (const auto& folder : folders) swept += util::remove_abandoned_temporaries(folder);
  if (swept > 0) log << fmt::format("live: removed {} temporary file(s) left by an interrupted run\n", swept);

  std::vector<DryRunResult> planned;
  DryRunTarget target = dry_run_target_from(environment);
  for (std::size_t index : work) planned.push_back(dry_run_case(suite.cases[index], target));
  log << render_live_estimate(estimate_live_cost(planned), work.size(), options.max_usd) << std::flush;

  LiveRun run(std::move(*config), transport, LiveOptions{options.jobs, options.max_usd, options.progress_on_terminal});
  std::vector<std::optional<LiveCaseResult>> results(suite.cases.size());
  run.run(suite, work, results);

  ModeExecution execution(suite.cases.size());
  for (std::size_t index : work) {
    const LiveCaseResult& result = *results[index];
    execution.notes[index] = live_notes(suite.cases[index], result, options.max_usd);
    if (result.status == LiveCaseResult::Status::not_run) {
      execution.not_run[index] = true;
      ++execution.failed_extra;  // a run that left cases unrun did not refresh them: it must not look green
    } else {
      execution.outcomes[index] = result.outcome;
    }
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  execution.report = render_live_summary(run.totals(results), wall);
  return execution;
}

std::string render_live_estimate(const LiveEstimate& estimate, std::size_t cases, std::optional<double> max_usd) {
  std::string text = fmt::format(
      "live: {} case(s), {} call(s) known before the run (a chain or tool loop may make more): about {} input "
      "tokens, at most {} output tokens, at most ${:.4f}\n",
      cases, estimate.calls, estimate.input_tokens, estimate.max_output_tokens, estimate.max_usd);
  if (max_usd) {
    text += estimate.max_usd > *max_usd
                ? fmt::format("live: the estimate exceeds --max-usd ${:.4f}: no case starts once the actual spend reaches it\n", *max_usd)
                : fmt::format("live: budget ${:.4f} (--max-usd)\n", *max_usd);
  }
  return text;
}

std::string render_live_summary(const LiveTotals& totals, double wall_seconds) {
  int cases = totals.answered + totals.call_failed + totals.not_run;
  std::string text = fmt::format("live run: {} case(s): {} answered ({} passed, {} failed), {} with a failed call, {} not run\n",
                                 cases, totals.answered, totals.passed, totals.answered - totals.passed,
                                 totals.call_failed, totals.not_run);
  if (!totals.errors_by_category.empty()) {
    text += "call errors by category:";
    for (const auto& [category, count] : totals.errors_by_category) text += fmt::format(" {} {};", category, count);
    text.back() = '\n';
  }
  text += fmt::format("tokens: {} input, {} output; cost ${:.4f}; wall time {:.1f} s\n", totals.input_tokens,
                      totals.output_tokens, totals.usd, wall_seconds);
  if (totals.answered > 0) text += "candidates are beside their cases: `reprise review` lists, accepts or rejects them\n";
  return text;
}

LiveTotals LiveRun::totals(const std::vector<std::optional<LiveCaseResult>>& results) const {
  LiveTotals totals;
  for (const auto& result : results) {
    if (!result) continue;
    switch (result->status) {
      case LiveCaseResult::Status::answered:
        ++totals.answered;
        totals.passed += result->outcome.checks_passed() && result->candidate_error.empty() ? 1 : 0;
        break;
      case LiveCaseResult::Status::call_failed: ++totals.call_failed; break;
      case LiveCaseResult::Status::not_run: ++totals.not_run; break;
    }
    for (const auto& call : result->calls) {
      if (!call.result) ++totals.errors_by_category[std::string(llm::to_string(call.result.error().category))];
    }
    totals.input_tokens += result->input_tokens;
    totals.output_tokens += result->output_tokens;
    totals.usd += result->usd;
  }
  return totals;
}

}  // namespace reprise::eval
