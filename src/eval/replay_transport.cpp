#include "reprise/eval/replay_transport.hpp"

#include <fmt/format.h>

#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/json_codec.hpp"

namespace reprise::eval {

ReplayTransport::ReplayTransport(const std::vector<std::string>& completions, const Fixture& fixture)
    : completions_(completions), fixture_(fixture) {}

llm::HttpResponse ReplayTransport::send(const llm::HttpRequest& request) {
  Json parsed = Json::parse(request.body, nullptr, false);
  std::size_t index = observed_.size();
  std::string fingerprint = llm::request_fingerprint(parsed);
  observed_.push_back({std::move(fingerprint), std::move(parsed)});  // moved, not copied: it holds the whole prompt
  const Json& body = observed_.back().body;
  if (index >= completions_.size()) {
    llm::HttpResponse missing;
    missing.failure = llm::TransportFailure{
        llm::TransportFailure::Kind::network,
        fmt::format("cached replay has no recorded answer for call {}: the fixture records {} call(s)", index + 1,
                    completions_.size())};
    return missing;
  }
  llm::HttpResponse response;
  response.status = 200;
  const FixtureCall* call = index < fixture_.calls.size() ? &fixture_.calls[index] : nullptr;
  std::string request_id = call && !call->request_id.empty() ? call->request_id : "req_reprise_replay";
  response.headers = {{"content-type", "application/json"}, {"request-id", request_id}};
  response.body = response_body(index, body).dump();
  return response;
}

Json ReplayTransport::response_body(std::size_t index, const Json& request) const {
  const FixtureCall* call = index < fixture_.calls.size() ? &fixture_.calls[index] : nullptr;
  Json content = Json::array();
  if (!completions_[index].empty()) content.push_back({{"type", "text"}, {"text", completions_[index]}});
  if (call) {
    for (const auto& block : call->tool_use) content.push_back(block);
  }
  bool uses_tools = call && !call->tool_use.empty();
  std::string model = call && !call->model.empty() ? call->model : request.value("model", "");
  std::string stop_reason = call && !call->stop_reason.empty() ? call->stop_reason : (uses_tools ? "tool_use" : "end_turn");
  std::string id = call && !call->response_id.empty() ? call->response_id : fmt::format("msg_reprise_replay_{}", index + 1);
  return {{"id", id},
          {"type", "message"},
          {"role", "assistant"},
          {"model", model},
          {"content", std::move(content)},
          {"stop_reason", stop_reason},
          {"stop_sequence", nullptr},
          {"usage", llm::usage_to_json(call ? call->usage : llm::Usage{})}};
}

}  // namespace reprise::eval
