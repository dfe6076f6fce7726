#pragma once
// The shared client bound to one agent invocation.
//
// An agent run may make several calls (a tool loop, a generate-then-polish
// chain). The call log must let a reader group them back into the one run
// they belong to, and a non-prod record must carry the agent's structured
// input so the capture tool can rebuild the case. An InvocationClient adds
// exactly that to every call: the agent's name, one invocation id for the
// run, the call's index within it, and the input.
#include <string>

#include "reprise/llm/client.hpp"

namespace reprise::llm {

class InvocationClient {
 public:
  // `input` must outlive this object; it is only read when a call is logged.
  InvocationClient(Client& client, std::string agent, const Json& input);

  const std::string& model_for(ModelRole role) const { return client_.model_for(role); }
  // Calls are numbered 0, 1, ... in the order they are made.
  CallResult invoke(const Request& request, const DeltaCallback& on_delta = {});
  const std::string& invocation_id() const { return context_.invocation_id; }

 private:
  Client& client_;
  CallContext context_;
};

// A fresh id: "inv_" and 16 random hex digits (64 bits: unique enough to
// group one run's calls within a log, and short enough to read).
std::string new_invocation_id();

}  // namespace reprise::llm
