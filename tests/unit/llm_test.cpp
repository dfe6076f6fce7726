// Unit tests of src/llm: the wire JSON both ways, canonical JSON and the
// request fingerprint, the Anthropic provider's HTTP request and its mapping
// of API errors to categories.
#include <catch2/catch.hpp>

#include <string>

#include "reprise/llm/anthropic_provider.hpp"
#include "reprise/llm/client.hpp"
#include "reprise/llm/errors.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/http.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/util/sha256.hpp"

using namespace reprise;
using llm::Json;

namespace {

// A request that uses every shape of the Messages API the product speaks.
llm::Request full_request() {
  llm::Request request;
  request.model = "claude-sonnet-4-5-20250929";
  request.max_tokens = 900;
  auto system = llm::ContentBlock::make_text("You are a careful assistant.");
  system.cache_control = {{"type", "ephemeral"}};
  request.system_blocks = {system, llm::ContentBlock::make_text("Second system block.")};
  request.messages.push_back(llm::Message::user_text("How much did I spend on dining?"));
  llm::Message assistant{"assistant",
                         {llm::ContentBlock::make_text("Let me look."),
                          llm::ContentBlock::make_tool_use("toolu_01", "get_spending", {{"category", "Dining"}, {"weeks", 4}})},
                         false};
  request.messages.push_back(assistant);
  llm::Message results{"user",
                       {llm::ContentBlock::make_tool_result("toolu_01", "412.50 USD"),
                        llm::ContentBlock::make_tool_result("toolu_02", Json::array({{{"type", "text"}, {"text", "no data"}}}), true)},
                       false};
  request.messages.push_back(results);
  llm::Tool tool{"get_spending", "Spending by category", {{"type", "object"}, {"properties", Json::object()}}, {{"type", "ephemeral"}}};
  request.tools.push_back(tool);
  request.tool_choice = {{"type", "auto"}};
  request.temperature = 0.25;
  request.top_p = 0.9;
  request.top_k = 40;
  request.stop_sequences = {"\n\nHuman:"};
  request.metadata = {{"user_id", "u-1"}};
  return request;
}

llm::Request small_request(const std::string& system) {
  llm::Request request;
  request.model = "claude-haiku-4-5-20251001";
  request.max_tokens = 64;
  request.system_text = system;
  request.messages.push_back(llm::Message::user_text("hello"));
  return request;
}

const char* kOkBody = R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
  "content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,
  "usage":{"input_tokens":12,"output_tokens":3,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}})";

llm::HttpResponse http(int status, std::string body, llm::Headers headers = {}) {
  llm::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

std::string error_body(const std::string& type, const std::string& message) {
  return Json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}.dump();
}

}  // namespace

TEST_CASE("canonical_request_json: keys sorted at every level, no whitespace, stream left out", "[llm]") {
  Json body = Json::parse(R"({"stream": true, "model": "m", "messages": [{"role": "user", "content": "x"}],
                              "max_tokens": 5, "metadata": {"z": 1, "a": 2}})");
  CHECK(llm::canonical_request_json(body) ==
        R"({"max_tokens":5,"messages":[{"content":"x","role":"user"}],"metadata":{"a":2,"z":1},"model":"m"})");
}

TEST_CASE("canonical_request_json: non-ASCII text stays UTF-8, not \\u escapes", "[llm]") {
  Json body = {{"model", "m"}, {"system", "caf\xC3\xA9"}};
  CHECK(llm::canonical_request_json(body) == "{\"model\":\"m\",\"system\":\"caf\xC3\xA9\"}");
}

TEST_CASE("request_fingerprint: the SHA-256 of the canonical JSON", "[llm]") {
  Json body = {{"model", "m"}, {"max_tokens", 1}, {"messages", Json::array()}};
  CHECK(llm::request_fingerprint(body) == util::sha256_hex(R"({"max_tokens":1,"messages":[],"model":"m"})"));
  auto request = small_request("Be brief.");
  CHECK(llm::request_fingerprint(request) == llm::request_fingerprint(llm::request_to_json(request)));
}

TEST_CASE("request_fingerprint: stable for the same request, whatever the key order or stream flag", "[llm]") {
  CHECK(llm::request_fingerprint(small_request("Be brief.")) == llm::request_fingerprint(small_request("Be brief.")));
  auto streamed = small_request("Be brief.");
  streamed.stream = true;
  CHECK(llm::request_to_json(streamed).contains("stream"));
  CHECK(llm::request_fingerprint(streamed) == llm::request_fingerprint(small_request("Be brief.")));

  Json a = Json::parse(R"({"model":"m","max_tokens":1,"messages":[]})");
  Json b = Json::parse(R"({"messages":[],"max_tokens":1,"model":"m"})");
  CHECK(llm::request_fingerprint(a) == llm::request_fingerprint(b));
}

TEST_CASE("request_fingerprint: any change that reaches the model changes it", "[llm]") {
  auto base = llm::request_fingerprint(small_request("Be brief."));
  CHECK(llm::request_fingerprint(small_request("Be brief!")) != base);
  CHECK(llm::request_fingerprint(small_request("Be brief. ")) != base);

  auto other_model = small_request("Be brief.");
  other_model.model = "claude-sonnet-4-5-20250929";
  CHECK(llm::request_fingerprint(other_model) != base);

  auto other_tokens = small_request("Be brief.");
  other_tokens.max_tokens = 65;
  CHECK(llm::request_fingerprint(other_tokens) != base);

  auto as_blocks = small_request("Be brief.");
  as_blocks.system_text.reset();
  as_blocks.system_blocks = {llm::ContentBlock::make_text("Be brief.")};
  CHECK(llm::request_fingerprint(as_blocks) != base);  // a different body is a different request

  auto with_temperature = small_request("Be brief.");
  with_temperature.temperature = 0.0;
  CHECK(llm::request_fingerprint(with_temperature) != base);
}

TEST_CASE("request_to_json: the wire shape of each field", "[llm]") {
  Json json = llm::request_to_json(full_request());
  CHECK(json["model"] == "claude-sonnet-4-5-20250929");
  CHECK(json["max_tokens"] == 900);
  REQUIRE(json["system"].is_array());
  CHECK(json["system"][0] == Json::parse(R"({"type":"text","text":"You are a careful assistant.","cache_control":{"type":"ephemeral"}})"));
  CHECK(json["messages"][0]["content"] == "How much did I spend on dining?");  // a bare string, as the agent chose
  CHECK(json["messages"][1]["content"][1] ==
        Json::parse(R"({"type":"tool_use","id":"toolu_01","name":"get_spending","input":{"category":"Dining","weeks":4}})"));
  CHECK(json["messages"][2]["content"][0] == Json::parse(R"({"type":"tool_result","tool_use_id":"toolu_01","content":"412.50 USD"})"));
  CHECK(json["messages"][2]["content"][1]["is_error"] == true);
  CHECK(json["tools"][0]["cache_control"]["type"] == "ephemeral");
  CHECK(json["tool_choice"] == Json{{"type", "auto"}});
  CHECK(json["temperature"] == 0.25);
  CHECK(json["top_k"] == 40);
  CHECK(json["stop_sequences"] == Json::array({"\n\nHuman:"}));
  CHECK_FALSE(json.contains("stream"));

  auto minimal = small_request("s");
  Json small = llm::request_to_json(minimal);
  CHECK(small["system"] == "s");
  for (const char* absent : {"tools", "tool_choice", "temperature", "top_p", "top_k", "stop_sequences", "metadata"}) {
    CHECK_FALSE(small.contains(absent));
  }
}

TEST_CASE("request_from_json: round trip keeps every field and the exact body", "[llm]") {
  Json first = llm::request_to_json(full_request());
  auto parsed = llm::request_from_json(first);
  REQUIRE(parsed);
  CHECK(llm::request_to_json(*parsed) == first);
  CHECK(llm::request_fingerprint(*parsed) == llm::request_fingerprint(full_request()));

  CHECK(parsed->system_blocks.size() == 2u);
  CHECK_FALSE(parsed->system_text);
  CHECK(parsed->system_blocks[0].cache_control["type"] == "ephemeral");
  REQUIRE(parsed->messages.size() == 3u);
  CHECK(parsed->messages[0].content_is_string);
  CHECK(parsed->messages[0].content[0].text == "How much did I spend on dining?");
  CHECK_FALSE(parsed->messages[1].content_is_string);
  CHECK(parsed->messages[1].content[1].type == "tool_use");
  CHECK(parsed->messages[1].content[1].name == "get_spending");
  CHECK(parsed->messages[1].content[1].input["weeks"] == 4);
  CHECK(parsed->messages[2].content[0].tool_use_id == "toolu_01");
  CHECK(parsed->messages[2].content[1].is_error);
  CHECK(parsed->temperature == 0.25);
  CHECK(parsed->top_k == 40);

  auto string_system = llm::request_from_json(llm::request_to_json(small_request("plain system")));
  REQUIRE(string_system);
  CHECK(string_system->system_text == "plain system");
  CHECK(llm::request_to_json(*string_system) == llm::request_to_json(small_request("plain system")));
}

TEST_CASE("request_from_json: errors name the JSON pointer of the bad field", "[llm]") {
  auto missing_model = llm::request_from_json(Json::parse(R"({"max_tokens":1,"messages":[]})"));
  REQUIRE_FALSE(missing_model);
  CHECK(missing_model.error() == "/model: missing");

  auto bad_block = llm::request_from_json(
      Json::parse(R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text"}]}]})"));
  REQUIRE_FALSE(bad_block);
  CHECK(bad_block.error() == "/messages/0/content/0/text: missing");

  auto bad_input = llm::request_from_json(Json::parse(
      R"({"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":[]}]}]})"));
  REQUIRE_FALSE(bad_input);
  CHECK(bad_input.error() == "/messages/0/content/0/input: expected an object");

  auto not_object = llm::request_from_json(Json::array());
  REQUIRE_FALSE(not_object);
  CHECK(not_object.error() == "(root): expected an object");
}

TEST_CASE("response_from_json: text, tool_use and usage with cache tokens", "[llm]") {
  auto parsed = llm::response_from_json(Json::parse(R"({
    "id":"msg_1","type":"message","role":"assistant","model":"m",
    "content":[{"type":"text","text":"A"},{"type":"tool_use","id":"toolu_9","name":"lookup","input":{"q":1}},{"type":"text","text":"B"}],
    "stop_reason":"tool_use","stop_sequence":null,
    "usage":{"input_tokens":10,"output_tokens":2,"cache_creation_input_tokens":7,"cache_read_input_tokens":5,
             "cache_creation":{"ephemeral_5m_input_tokens":7,"ephemeral_1h_input_tokens":0}}})"));
  REQUIRE(parsed);
  CHECK(parsed->text() == "AB");
  REQUIRE(parsed->tool_uses().size() == 1u);
  CHECK(parsed->tool_uses()[0]->name == "lookup");
  CHECK(parsed->stop_reason == "tool_use");
  CHECK_FALSE(parsed->stop_sequence);
  CHECK(parsed->usage.cache_creation_input_tokens == 7);
  CHECK(parsed->usage.cache_read_input_tokens == 5);
  REQUIRE(parsed->usage.cache_creation);
  CHECK(parsed->usage.cache_creation->ephemeral_5m_input_tokens == 7);
}

TEST_CASE("response_from_json: unknown block types are kept verbatim, never dropped", "[llm]") {
  Json thinking = Json::parse(R"({"type":"thinking","thinking":"Let me add it up.","signature":"EqQBCkYIBxgCKkB"})");
  Json server_tool = Json::parse(R"({"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"x"}})");
  Json body = {{"id", "msg_2"}, {"type", "message"}, {"role", "assistant"}, {"model", "m"},
               {"content", Json::array({thinking, server_tool, {{"type", "text"}, {"text", "Done."}}})},
               {"stop_reason", "end_turn"}, {"usage", {{"input_tokens", 1}, {"output_tokens", 1}}}};
  auto parsed = llm::response_from_json(body);
  REQUIRE(parsed);
  REQUIRE(parsed->content.size() == 3u);
  CHECK(parsed->content[0].type == "thinking");
  CHECK(parsed->content[0].raw == thinking);
  CHECK(llm::block_to_json(parsed->content[0]) == thinking);
  CHECK(llm::block_to_json(parsed->content[1]) == server_tool);
  CHECK(parsed->text() == "Done.");
  CHECK(llm::response_to_json(*parsed)["content"] == body["content"]);
}

TEST_CASE("response_from_json: a missing or mistyped field is an error naming its pointer", "[llm]") {
  Json good = Json::parse(kOkBody);
  auto without = [&](const char* key) {
    Json copy = good;
    copy.erase(key);
    return llm::response_from_json(copy);
  };
  CHECK(without("model").error() == "/model: missing");
  CHECK(without("id").error() == "/id: missing");
  CHECK(without("content").error() == "/content: missing");
  CHECK(without("type").error() == "/type: missing");

  Json wrong_type = good;
  wrong_type["type"] = "error";
  CHECK(llm::response_from_json(wrong_type).error() == "/type: expected \"message\"");

  Json bad_block = good;
  bad_block["content"].push_back({{"type", "tool_use"}, {"id", "t"}, {"name", "n"}});
  CHECK(llm::response_from_json(bad_block).error() == "/content/1/input: expected an object");

  Json bad_usage = good;
  bad_usage["usage"]["input_tokens"] = "12";
  CHECK(llm::response_from_json(bad_usage).error() == "/usage/input_tokens: expected an integer");

  Json bad_content = good;
  bad_content["content"] = "Hi";
  CHECK(llm::response_from_json(bad_content).error() == "/content: expected an array of content blocks");
}

TEST_CASE("find_header: names compare case-insensitively", "[llm]") {
  llm::Headers headers = {{"Content-Type", "application/json"}, {"Request-Id", "req_1"}};
  CHECK(llm::find_header(headers, "request-id") == "req_1");
  CHECK(llm::find_header(headers, "CONTENT-TYPE") == "application/json");
  CHECK_FALSE(llm::find_header(headers, "request-i"));
}

TEST_CASE("AnthropicProvider::build_http_request: URL, headers and body", "[llm]") {
  llm::AnthropicProvider keyless(llm::kAnthropicDefaultBaseUrl, "");
  auto request = small_request("Be brief.");
  auto http = keyless.build_http_request(request);
  CHECK(http.method == "POST");
  CHECK(http.url == "https://api.anthropic.com/v1/messages");
  CHECK(llm::find_header(http.headers, "anthropic-version") == "2023-06-01");
  CHECK(llm::find_header(http.headers, "content-type") == "application/json");
  CHECK_FALSE(llm::find_header(http.headers, "x-api-key"));
  CHECK_FALSE(llm::find_header(http.headers, "accept"));
  CHECK(Json::parse(http.body) == llm::request_to_json(request));

  llm::AnthropicProvider keyed("http://127.0.0.1:8080//", "sk-ant-test");
  auto with_key = keyed.build_http_request(request);
  CHECK(with_key.url == "http://127.0.0.1:8080/v1/messages");
  CHECK(llm::find_header(with_key.headers, "x-api-key") == "sk-ant-test");
  CHECK(with_key.body.find("sk-ant-test") == std::string::npos);

  request.stream = true;
  CHECK(llm::find_header(keyless.build_http_request(request).headers, "accept") == "text/event-stream");
}

TEST_CASE("AnthropicProvider::parse_http_response: a 200 body becomes a Response", "[llm]") {
  llm::AnthropicProvider provider(llm::kAnthropicDefaultBaseUrl, "");
  auto parsed = provider.parse_http_response(http(200, kOkBody, {{"request-id", "req_011CX"}}));
  REQUIRE(parsed);
  CHECK(parsed->text() == "Hi");
  CHECK(parsed->provider == "anthropic");
  CHECK(parsed->request_id == "req_011CX");
  CHECK(parsed->usage.input_tokens == 12);
}

TEST_CASE("AnthropicProvider::parse_http_response: the API's error bodies map to categories", "[llm]") {
  llm::AnthropicProvider provider(llm::kAnthropicDefaultBaseUrl, "");
  llm::Headers headers = {{"Request-Id", "req_err"}};

  auto overloaded = provider.parse_http_response(
      http(529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})", headers));
  REQUIRE_FALSE(overloaded);
  CHECK(overloaded.error().category == llm::ErrorCategory::overloaded);
  CHECK(overloaded.error().status == 529);
  CHECK(overloaded.error().api_error_type == "overloaded_error");
  CHECK(overloaded.error().message == "Overloaded");
  CHECK(overloaded.error().request_id == "req_err");
  CHECK(overloaded.error().describe() == "overloaded (HTTP 529) overloaded_error: Overloaded [request-id req_err]");

  auto rate = provider.parse_http_response(http(429, error_body("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"), headers));
  REQUIRE_FALSE(rate);
  CHECK(rate.error().category == llm::ErrorCategory::rate_limited);
  CHECK(rate.error().api_error_type == "rate_limit_error");

  auto auth = provider.parse_http_response(http(401, error_body("authentication_error", "invalid x-api-key")));
  REQUIRE_FALSE(auth);
  CHECK(auth.error().category == llm::ErrorCategory::auth);
  CHECK(auth.error().message == "invalid x-api-key");

  auto server = provider.parse_http_response(http(500, error_body("api_error", "Internal server error")));
  REQUIRE_FALSE(server);
  CHECK(server.error().category == llm::ErrorCategory::server);

  auto invalid = provider.parse_http_response(http(400, error_body("invalid_request_error", "max_tokens: Field required")));
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().category == llm::ErrorCategory::invalid_request);

  auto gateway = provider.parse_http_response(http(502, "<html>Bad Gateway</html>"));
  REQUIRE_FALSE(gateway);
  CHECK(gateway.error().category == llm::ErrorCategory::server);
  CHECK(gateway.error().message == "HTTP 502 with a body that is not an API error object");
}

TEST_CASE("AnthropicProvider::parse_http_response: an unparsable 200 body is a parse error", "[llm]") {
  llm::AnthropicProvider provider(llm::kAnthropicDefaultBaseUrl, "");
  auto garbage = provider.parse_http_response(http(200, "{\"id\": \"msg_1\", \"type\": \"mess", {{"request-id", "req_p"}}));
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().category == llm::ErrorCategory::parse);
  CHECK(garbage.error().status == 200);
  CHECK(garbage.error().message == "response body is not valid JSON");
  CHECK(garbage.error().request_id == "req_p");

  auto wrong_shape = provider.parse_http_response(http(200, R"({"type":"message","id":"msg_1","content":[]})"));
  REQUIRE_FALSE(wrong_shape);
  CHECK(wrong_shape.error().category == llm::ErrorCategory::parse);
  CHECK(wrong_shape.error().message == "response body: /model: missing");
}

TEST_CASE("AnthropicProvider::parse_http_response: no HTTP answer is network or timeout", "[llm]") {
  llm::AnthropicProvider provider(llm::kAnthropicDefaultBaseUrl, "");
  llm::HttpResponse refused;
  refused.failure = llm::TransportFailure{llm::TransportFailure::Kind::network, "connection refused"};
  auto network = provider.parse_http_response(refused);
  REQUIRE_FALSE(network);
  CHECK(network.error().category == llm::ErrorCategory::network);
  CHECK(network.error().status == 0);
  CHECK(network.error().message == "connection refused");
  CHECK(network.error().describe() == "network: connection refused");

  llm::HttpResponse slow;
  slow.failure = llm::TransportFailure{llm::TransportFailure::Kind::timeout, "no answer in 600 s"};
  auto timeout = provider.parse_http_response(slow);
  REQUIRE_FALSE(timeout);
  CHECK(timeout.error().category == llm::ErrorCategory::timeout);
}

TEST_CASE("category_for_status: the status table", "[llm]") {
  using C = llm::ErrorCategory;
  const std::pair<int, C> table[] = {
      {400, C::invalid_request}, {401, C::auth},     {403, C::permission}, {404, C::not_found},
      {408, C::timeout},         {409, C::conflict}, {413, C::too_large},  {429, C::rate_limited},
      {500, C::server},          {502, C::server},   {503, C::server},     {504, C::timeout},
      {529, C::overloaded},      {418, C::invalid_request},
  };
  for (const auto& [status, category] : table) {
    INFO("HTTP " << status);
    CHECK(llm::category_for_status(status) == category);
  }
  CHECK(llm::to_string(C::rate_limited) == "rate_limited");
  CHECK(llm::to_string(C::overloaded) == "overloaded");
  CHECK(llm::to_string(C::invalid_request) == "invalid_request");
}

namespace {

// A transport that answers every request with one canned response and keeps what it was sent.
class CannedTransport final : public llm::Transport {
 public:
  explicit CannedTransport(llm::HttpResponse response) : response_(std::move(response)) {}
  llm::HttpResponse send(const llm::HttpRequest& request) override {
    sent.push_back(request);
    return response_;
  }
  std::vector<llm::HttpRequest> sent;

 private:
  llm::HttpResponse response_;
};

}  // namespace

TEST_CASE("Client::invoke: the provider's request goes through the transport, its answer comes back", "[llm]") {
  auto transport = std::make_shared<CannedTransport>(http(200, kOkBody, {{"request-id", "req_c"}}));
  llm::Client client(llm::ClientConfig{}, transport);
  CHECK(client.model_for(llm::ModelRole::routing) == "claude-haiku-4-5-20251001");
  auto result = client.invoke(small_request("s"), {"test"});
  REQUIRE(result);
  CHECK(result->text() == "Hi");
  CHECK(result->request_id == "req_c");
  REQUIRE(transport->sent.size() == 1u);
  CHECK(transport->sent[0].url == "https://api.anthropic.com/v1/messages");
  CHECK_FALSE(llm::find_header(transport->sent[0].headers, "x-api-key"));  // cached modes need no key

  auto failing = std::make_shared<CannedTransport>(http(529, error_body("overloaded_error", "Overloaded")));
  llm::Client busy(llm::ClientConfig{}, failing);
  auto error = busy.invoke(small_request("s"), {"test"});
  REQUIRE_FALSE(error);
  CHECK(error.error().category == llm::ErrorCategory::overloaded);
}
