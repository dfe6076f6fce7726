#include "reprise/capture/case_draft.hpp"

#include <fmt/format.h>

#include <cmath>

#include "reprise/agents/registry.hpp"
#include "reprise/capture/yaml_text.hpp"
#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/fixture.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/util/sha256.hpp"
#include "reprise/util/text.hpp"

namespace reprise::capture {
namespace {

util::Unexpected<Refusal> refuse(SkipReason reason, std::string message) {
  return util::unexpected(Refusal{reason, std::move(message)});
}

// The first string under `key`, depth first, in document order.
const Json* find_string(const Json& value, const std::string& key) {
  if (value.is_object()) {
    if (auto it = value.find(key); it != value.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) return &*it;
    for (const auto& item : value) {
      if (const Json* found = find_string(item, key)) return found;
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (const Json* found = find_string(item, key)) return found;
    }
  }
  return nullptr;
}

std::string slug_source(const Json& input) {
  for (const char* key : {"topic", "title", "text", "first_name", "name", "draft"}) {
    if (const Json* found = find_string(input, key)) return found->get<std::string>();
  }
  return "captured";
}

double round_down(double value) { return std::floor(value * 10000.0) / 10000.0; }
double round_up(double value) { return std::ceil(value * 10000.0) / 10000.0; }

std::string describe_verdict(const agents::Verdict& verdict) {
  std::vector<std::string> parts;
  if (verdict.label) parts.push_back("label " + *verdict.label);
  if (verdict.score) parts.push_back(fmt::format("score {:.4g}", *verdict.score));
  return parts.empty() ? "no verdict" : fmt::format("{}", fmt::join(parts, ", "));
}

std::string provenance(const Invocation& invocation) {
  const Origin& origin = invocation.first().origin;
  std::string text = fmt::format("{} line {}", origin.source, origin.line);
  if (!origin.log_group.empty()) text += ", log group " + origin.log_group;
  if (!origin.log_stream.empty()) text += ", stream " + origin.log_stream;
  return text;
}

Json recorded_json(const LoggedCall& call) {
  const Origin& origin = call.origin;
  Json source = {{"file", origin.source}, {"line", origin.line}, {"shape", origin.shape}};
  if (!origin.log_group.empty()) source["log_group"] = origin.log_group;
  if (!origin.log_stream.empty()) source["log_stream"] = origin.log_stream;
  if (!origin.event_id.empty()) source["event_id"] = origin.event_id;
  if (!origin.lambda_request_id.empty()) source["lambda_request_id"] = origin.lambda_request_id;
  if (!origin.log_time.empty()) source["log_time"] = origin.log_time;
  return {{"how", "captured"}, {"at", call.timestamp}, {"invocation_id", call.invocation_id}, {"source", source}};
}

std::string case_yaml(const Draft& draft, const Invocation& invocation, const agents::Verdict& verdict,
                      const std::vector<std::string>& models, double tolerance) {
  std::string description = fmt::format(
      "Captured from the call log ({}, {}): {} call(s) of {}, answered with verdict {}. A seed case: say what it protects.",
      provenance(invocation), invocation.first().timestamp, invocation.calls.size(), draft.agent, describe_verdict(verdict));
  std::string out = "# Written by `reprise capture`; edit freely (tools never rewrite it).\n";
  out += yaml_entry("id", draft.id, 0);
  out += yaml_entry("agent", draft.agent, 0);
  out += yaml_entry("description", description, 0);
  out += "tags: [captured]\n";
  out += yaml_entry("input", draft.input, 0);
  out += "expect:\n";
  if (verdict.label || verdict.score) {
    out += "  verdict:\n";
    if (verdict.label) out += "    labels: [" + yaml_scalar(*verdict.label) + "]\n";
    if (verdict.score) {
      out += fmt::format("    score: {{min: {}, max: {}}}\n", Json(round_down(*verdict.score - tolerance)).dump(),
                         Json(round_up(*verdict.score + tolerance)).dump());
    }
  }
  bool one_model = std::all_of(models.begin(), models.end(), [&](const std::string& m) { return m == models.front(); });
  if (one_model) {
    out += "  request:\n    model: " + yaml_scalar(models.front()) + "\n";
  } else {
    out += "  request:\n";
    for (std::size_t i = 0; i < models.size(); ++i) {
      out += fmt::format("    - call: {}\n      model: {}\n", i + 1, yaml_scalar(models[i]));
    }
  }
  return out;
}

}  // namespace

std::string case_id_for(const std::string& agent, const Json& input, const std::string& fingerprint_key) {
  std::string agent_part = util::slugify(agent, 40);
  std::string slug = util::slugify(slug_source(input), 40);
  std::string hash = util::sha256_hex(fingerprint_key).substr(0, 8);
  std::string id = agent_part.empty() ? "case" : agent_part;
  if (!slug.empty()) id += "-" + slug;
  return id + "-" + hash;
}

util::Expected<Draft, Refusal> draft_case(const Invocation& invocation, const DraftOptions& options) {
  const Redactor& redactor = *options.redactor;
  const LoggedCall& first = invocation.first();
  Draft draft;
  draft.agent = first.agent;
  const agents::Agent* agent = agents::find_agent(first.agent);
  if (!agent) return refuse(SkipReason::unknown_agent, fmt::format("no agent named '{}'", first.agent));
  for (const auto& call : invocation.calls) {
    if (!call.reread_problem.empty()) return refuse(SkipReason::malformed, call.reread_problem);
    if (call.request.is_null() || call.input.is_null() || call.response.is_null()) {
      return refuse(SkipReason::unusable, fmt::format("call {}: the record's request, answer or input could not be read on the second pass (malformed JSON inside them, a non-prod record without them, or the log changed while capturing)", call.call_index + 1));
    }
  }
  draft.input = redactor.redact(first.input);
  if (auto problems = agent->validate(draft.input); !problems.empty()) {
    return refuse(SkipReason::input_rejected,
                  fmt::format("{} rejects the logged input: {}: {}", first.agent, problems.front().pointer, problems.front().message));
  }

  eval::LoadedCase loaded;
  std::vector<std::string> models;
  for (const auto& call : invocation.calls) {
    if (call.agent != first.agent) {
      return refuse(SkipReason::unusable, fmt::format("invocation {} mixes agents {} and {}", invocation.id, first.agent, call.agent));
    }
    Json request = redactor.redact(call.request);
    std::string fingerprint = llm::request_fingerprint(request);
    if (fingerprint != call.prompt_sha256) {
      bool redacted = request != call.request;
      return refuse(SkipReason::kept_aside,
                    fmt::format("call {}: the logged request does not have the logged prompt_sha256{}", call.call_index + 1,
                                redacted ? " once a secret is redacted from it" : " (the record was edited?)"));
    }
    auto response = llm::response_from_json(redactor.redact(call.response));
    if (!response) return refuse(SkipReason::unusable, fmt::format("call {}: the logged response: {}", call.call_index + 1, response.error()));
    eval::FixtureCall fixture;
    fixture.request_sha256 = call.prompt_sha256;
    fixture.model = response->model.empty() ? call.model : response->model;
    fixture.stop_reason = response->stop_reason;
    fixture.usage = response->usage;
    for (const auto* block : response->tool_uses()) fixture.tool_use.push_back(llm::block_to_json(*block));
    fixture.response_id = response->id;
    fixture.request_id = call.request_id;
    fixture.recorded = recorded_json(call);
    fixture.cost_usd = call.cost_usd;
    fixture.request = std::move(request);
    loaded.completions.push_back(response->text());
    loaded.fixture.calls.push_back(std::move(fixture));
    models.push_back(call.request.value("model", call.model));
    draft.fingerprints.push_back(call.prompt_sha256);
  }

  // The verdict: the agent on the logged answers, through the cached-mode transport.
  loaded.spec.agent = draft.agent;
  loaded.spec.input = draft.input;
  eval::CaseOutcome outcome = eval::replay_case(loaded);
  if (outcome.error) {
    return refuse(SkipReason::unusable, fmt::format("{} fails on the logged answer ({} error): {}", draft.agent,
                                                    agents::to_string(outcome.error->kind), outcome.error->message));
  }
  const agents::Verdict& verdict = outcome.output->verdict;
  draft.verdict = describe_verdict(verdict);
  draft.id = case_id_for(draft.agent, draft.input, invocation.fingerprint_key());
  draft.yaml = case_yaml(draft, invocation, verdict, models, options.score_tolerance);
  draft.completion = eval::join_completion(loaded.completions);
  draft.sidecar = eval::fixture_to_text(loaded.fixture);
  return draft;
}

}  // namespace reprise::capture
