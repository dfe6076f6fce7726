#include "reprise/eval/dry_run.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>

#include "reprise/agents/registry.hpp"
#include "reprise/llm/client.hpp"
#include "reprise/util/parallel.hpp"

namespace reprise::eval {
namespace {

bool is_credential(std::string_view name) {
  return llm::same_header_name(name, "x-api-key") || llm::same_header_name(name, "authorization") ||
         llm::same_header_name(name, "x-amz-security-token");
}

// Stands in for a key the dry run must not fetch; the header shows "[REDACTED]" either way.
constexpr const char* kKeyPlaceholder = "dry-run-key-not-read";

std::vector<CaseNote> dry_run_notes(const DryRunResult& dry) {
  std::vector<CaseNote> notes;
  for (const auto& call : dry.calls) {
    if (!call.diff.recorded) {
      notes.push_back({CaseNote::Kind::info, fmt::format("call {}: {}", call.call, kNoRecordedRequest)});
    } else if (call.diff.changed) {
      notes.push_back({CaseNote::Kind::info, fmt::format("call {}: the request changed since the fixture was recorded "
                                                         "(+{} -{} lines; the diff follows the test results)",
                                                         call.call, call.diff.added, call.diff.removed)});
    }
  }
  if (dry.chain_stopped_at > 0) {
    notes.push_back({CaseNote::Kind::warning,
                     fmt::format("the accepted fixture holds no answer to call {}, so any later call of the chain could "
                                 "not be built: its request was checked, later ones were not",
                                 dry.chain_stopped_at)});
  }
  return notes;
}

}  // namespace

DryRunTransport::DryRunTransport(const std::vector<std::string>& completions, const Fixture& fixture)
    : replay_(completions, fixture) {}

llm::HttpResponse DryRunTransport::send(const llm::HttpRequest& request) {
  RecordedHttpRequest recorded{request.method, request.url, request.headers, request.body};
  for (auto& [name, value] : recorded.headers) {
    if (is_credential(name)) value = "[REDACTED]";
  }
  requests_.push_back(std::move(recorded));
  llm::HttpResponse response = replay_.send(request);
  if (response.failure && unanswered_call_ == 0) unanswered_call_ = static_cast<int>(requests_.size());
  return response;
}

bool DryRunResult::request_changed() const {
  for (const auto& call : calls) {
    if (call.diff.changed) return true;
  }
  return false;
}

DryRunTarget dry_run_target_from(const llm::ClientEnvironment& environment) {
  bool has_key = environment.api_key.has_value() || !environment.api_key_secret_id.empty();
  return DryRunTarget{environment.base_url, has_key ? environment.api_key.value_or(kKeyPlaceholder) : ""};
}

DryRunResult dry_run_case(const LoadedCase& loaded, const DryRunTarget& target) {
  auto started = std::chrono::steady_clock::now();
  const agents::Agent* agent = agents::find_agent(loaded.spec.agent);  // the loader checked it exists
  auto transport = std::make_shared<DryRunTransport>(loaded.completions, loaded.fixture);
  llm::ClientConfig config;
  config.base_url = target.base_url;
  config.api_key = target.api_key;
  llm::Client client(config, transport);
  auto result = agent->run(loaded.spec.input, client);

  DryRunResult dry;
  dry.chain_stopped_at = transport->unanswered_call();
  // Only the request side is judged here: the answers are the accepted ones,
  // whose checks are the cached replay's job. An error that comes from a
  // missing answer is the chain stopping, said as such, not an agent failure.
  dry.outcome.calls = transport->observed();
  dry.outcome.results = check_requests(loaded.spec.requests, dry.outcome.calls);
  if (!result && dry.chain_stopped_at == 0) dry.outcome.error = std::move(result.error());
  const auto& requests = transport->requests();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    DryRunCall call;
    call.call = static_cast<int>(i) + 1;
    call.request = requests[i];
    Json recorded = i < loaded.fixture.calls.size() ? loaded.fixture.calls[i].request : Json();
    call.diff = diff_requests(recorded, dry.outcome.calls[i].body);
    dry.calls.push_back(std::move(call));
  }
  dry.outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return dry;
}

ModeExecution execute_dry_run(const Suite& suite, const std::vector<std::size_t>& work, unsigned jobs,
                              const DryRunTarget& target, bool colour) {
  ModeExecution execution(suite.cases.size());
  std::vector<std::optional<DryRunResult>> results(suite.cases.size());
  util::for_each_index(work.size(), jobs, [&](std::size_t i) {
    std::size_t index = work[i];
    results[index] = dry_run_case(suite.cases[index], target);
    execution.notes[index] = dry_run_notes(*results[index]);
    execution.outcomes[index] = results[index]->outcome;
  });
  execution.report = render_dry_run_report(suite, results, colour);
  return execution;
}

std::string render_dry_run_report(const Suite& suite, const std::vector<std::optional<DryRunResult>>& results,
                                  bool colour) {
  struct Tally {
    int cases = 0, changed = 0, unrecorded = 0, stopped = 0;
  };
  std::map<std::string, Tally> by_agent;
  std::string diffs;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]) continue;
    const DryRunResult& dry = *results[i];
    const Case& spec = suite.cases[i].spec;
    Tally& tally = by_agent[spec.agent];
    ++tally.cases;
    bool unrecorded = false;
    for (const auto& call : dry.calls) unrecorded = unrecorded || !call.diff.recorded;
    tally.changed += dry.request_changed() ? 1 : 0;
    tally.unrecorded += unrecorded ? 1 : 0;
    tally.stopped += dry.chain_stopped_at > 0 ? 1 : 0;
    for (const auto& call : dry.calls) {
      if (!call.diff.changed) continue;
      diffs += fmt::format("=== {} call {} ({}) ===\n", spec.test_name(), call.call, spec.display_path);
      diffs += call.diff.render(colour);
    }
  }
  std::size_t width = 5;
  for (const auto& [agent, tally] : by_agent) width = std::max(width, agent.size());
  std::string text = diffs.empty() ? std::string("dry run: no request changed since its fixture was recorded\n")
                                   : "dry run: requests that changed since their fixture was recorded\n\n" + diffs + "\n";
  text += fmt::format("{:<{}}  {:>6}  {:>15}  {:>18}  {:>13}\n", "agent", width, "cases", "request changed",
                      "no request on file", "chain stopped");
  Tally total;
  auto row = [&](const std::string& name, const Tally& tally) {
    return fmt::format("{:<{}}  {:>6}  {:>15}  {:>18}  {:>13}\n", name, width, tally.cases, tally.changed,
                       tally.unrecorded, tally.stopped);
  };
  for (const auto& [agent, tally] : by_agent) {
    text += row(agent, tally);
    total.cases += tally.cases;
    total.changed += tally.changed;
    total.unrecorded += tally.unrecorded;
    total.stopped += tally.stopped;
  }
  text += row("total", total);
  text += "no request was sent: a dry run never connects (set EVAL_LIVE_EXECUTE=1 to call the API)\n";
  return text;
}

}  // namespace reprise::eval
