#pragma once
// The request fingerprint: SHA-256 of the request's canonical JSON.
//
// Canonical JSON is the request body with keys sorted at every level, no
// insignificant whitespace, UTF-8 unescaped, and without transport details
// (`stream`). The same digest is the call log's `prompt_sha256` and a
// fixture's `request_sha256`, so logs, fixtures and captures can be joined.
// It is computed from the body JSON, not from the C++ struct, so a transport
// that only sees the HTTP body gets the same value as the code that built it.
#include <string>

#include "reprise/llm/messages.hpp"

namespace reprise::llm {

std::string canonical_request_json(const Json& body);
std::string request_fingerprint(const Json& body);
std::string request_fingerprint(const Request& request);

}  // namespace reprise::llm
