#include "reprise/eval/live_run.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "reprise/agents/registry.hpp"
#include "reprise/eval/case.hpp"
#include "reprise/eval/fixture.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/pricing.hpp"
#include "reprise/util/clock.hpp"
#include "reprise/util/files.hpp"

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
  try {
    // The completion first: a candidate is complete once its sidecar exists, so
    // a run killed between the two renames leaves no sidecar pointing at a missing text.
    util::write_file_atomically(candidate_completion_path_for(loaded.spec.path), join_completion(sections));
    util::write_file_atomically(candidate_sidecar_path_for(loaded.spec.path), fixture_to_text(fixture));
  } catch (const std::exception& error) {
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
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < work.size(); i = next++) {
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
      progress(loaded, result, ++done, work.size(), elapsed);
      results[work[i]] = std::move(result);
    }
  };
  std::vector<std::jthread> threads;
  for (unsigned t = 1; t < options_.jobs && t < work.size(); ++t) threads.emplace_back(worker);
  worker();
  threads.clear();
  if (options_.progress_on_terminal) std::cerr << "\n";
}

void LiveRun::progress(const LoadedCase& loaded, const LiveCaseResult& result, std::size_t done, std::size_t total,
                       double elapsed_seconds) {
  std::lock_guard lock(output_mutex_);
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

LiveTotals LiveRun::totals(const std::vector<std::optional<LiveCaseResult>>& results) const {
  LiveTotals totals;
  for (const auto& result : results) {
    if (!result) continue;
    switch (result->status) {
      case LiveCaseResult::Status::answered: ++totals.answered; break;
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
