#pragma once
// The wire JSON of the Messages API, both ways. request_to_json is the body
// sent to the API; response_from_json is the one parser of response bodies,
// used for live, cached and captured responses alike.
#include <string>

#include "reprise/llm/messages.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

Json block_to_json(const ContentBlock& block);
Json request_to_json(const Request& request);
Json response_to_json(const Response& response);
Json usage_to_json(const Usage& usage);

// Errors name the JSON pointer of the bad field: "/content/1/input: expected an object".
util::Expected<ContentBlock, std::string> block_from_json(const Json& json);
util::Expected<Request, std::string> request_from_json(const Json& json);
util::Expected<Response, std::string> response_from_json(const Json& json);
util::Expected<Usage, std::string> usage_from_json(const Json& json);

}  // namespace reprise::llm
