#include "reprise/agents/completion_json.hpp"

namespace reprise::agents {

util::Expected<Json, std::string> extract_json_object(std::string_view completion) {
  std::size_t open = completion.find('{');
  std::size_t close = completion.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return util::unexpected(std::string("the completion holds no JSON object"));
  }
  Json json = Json::parse(completion.substr(open, close - open + 1), nullptr, false);
  if (json.is_discarded()) return util::unexpected(std::string("the completion's JSON object does not parse"));
  return json;
}

}  // namespace reprise::agents
