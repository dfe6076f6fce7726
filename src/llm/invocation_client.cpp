#include "reprise/llm/invocation_client.hpp"

#include <fmt/format.h>

#include <random>

namespace reprise::llm {

InvocationClient::InvocationClient(Client& client, std::string agent, const Json& input) : client_(client) {
  context_.agent = std::move(agent);
  context_.invocation_id = new_invocation_id();
  context_.input = &input;
}

CallResult InvocationClient::invoke(const Request& request, const DeltaCallback& on_delta) {
  CallResult result = client_.invoke(request, context_, on_delta);
  ++context_.call_index;
  return result;
}

std::string new_invocation_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("inv_{:016x}", generator());
}

}  // namespace reprise::llm
