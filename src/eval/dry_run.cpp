#include "reprise/eval/dry_run.hpp"

#include <fmt/format.h>

#include <chrono>

#include "reprise/agents/registry.hpp"
#include "reprise/llm/client.hpp"

namespace reprise::eval {
namespace {

bool is_credential(std::string_view name) {
  auto equals = [name](std::string_view other) {
    return name.size() == other.size() &&
           std::equal(name.begin(), name.end(), other.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  };
  return equals("x-api-key") || equals("authorization") || equals("x-amz-security-token");
}

}  // namespace

DryRunTransport::DryRunTransport(const std::vector<std::string>& completions, const Fixture& fixture)
    : replay_(completions, fixture), recorded_answers_(completions.size()) {}

llm::HttpResponse DryRunTransport::send(const llm::HttpRequest& request) {
  RecordedHttpRequest recorded{request.method, request.url, request.headers, request.body};
  for (auto& [name, value] : recorded.headers) {
    if (is_credential(name)) value = "[REDACTED]";
  }
  requests_.push_back(std::move(recorded));
  llm::HttpResponse response = replay_.send(request);
  if (response.failure) {
    std::size_t call = requests_.size();
    response.failure->message = fmt::format(
        "the chain cannot go on in a dry run: building call {} needs the model's answer to call {}, and the accepted "
        "fixture records only {} call(s)",
        call + 1, call, recorded_answers_);
  }
  return response;
}

bool DryRunResult::request_changed() const {
  for (const auto& call : calls) {
    if (call.diff.changed) return true;
  }
  return false;
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
  // Only the request side is judged here: the answers are the accepted ones,
  // whose checks are the cached replay's job.
  dry.outcome.calls = transport->observed();
  dry.outcome.results = check_requests(loaded.spec.requests, dry.outcome.calls);
  if (!result) dry.outcome.error = std::move(result.error());
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

}  // namespace reprise::eval
