// Unit tests of src/llm: the wire JSON both ways, canonical JSON and the
// request fingerprint, the Anthropic provider's HTTP request and its mapping
// of API errors to categories, the SigV4 signer against the AWS test suite
// (fixtures/sigv4/), and the price table.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "reprise/llm/anthropic_provider.hpp"
#include "reprise/llm/base_url.hpp"
#include "reprise/llm/client.hpp"
#include "reprise/llm/client_environment.hpp"
#include "reprise/llm/errors.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/http.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/llm/pricing.hpp"
#include "reprise/llm/sigv4.hpp"
#include "reprise/util/sha256.hpp"
#include "reprise/util/text.hpp"
#include "sigv4_suite_request.hpp"
#include "unit/test_support.hpp"

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
  auto result = client.invoke(small_request("s"), llm::CallContext::for_agent("test"));
  REQUIRE(result);
  CHECK(result->text() == "Hi");
  CHECK(result->request_id == "req_c");
  REQUIRE(transport->sent.size() == 1u);
  CHECK(transport->sent[0].url == "https://api.anthropic.com/v1/messages");
  CHECK_FALSE(llm::find_header(transport->sent[0].headers, "x-api-key"));  // cached modes need no key

  auto failing = std::make_shared<CannedTransport>(http(529, error_body("overloaded_error", "Overloaded")));
  llm::Client busy(llm::ClientConfig{}, failing);
  auto error = busy.invoke(small_request("s"), llm::CallContext::for_agent("test"));
  REQUIRE_FALSE(error);
  CHECK(error.error().category == llm::ErrorCategory::overloaded);
}

// ---- SigV4 ------------------------------------------------------------------

namespace {

namespace fs = std::filesystem;

// The credentials published with the AWS Signature Version 4 test suite.
constexpr const char* kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
llm::AwsCredentials suite_credentials(std::string session_token = "") {
  return {"AKIDEXAMPLE", kSuiteSecret, std::move(session_token)};
}

// Every vector in fixtures/sigv4/ (see its SOURCE.md). Listed, not
// discovered, so a vector folder that goes missing fails the test.
const std::vector<std::string> kSigV4Vectors = {
    "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order",
    "get-header-value-trim", "get-relative", "get-relative-relative", "get-slash", "get-slash-dot-slash",
    "get-slash-pointless-dot", "get-slashes", "get-space", "get-unreserved", "get-utf8", "get-vanilla",
    "get-vanilla-empty-query-key", "get-vanilla-query", "get-vanilla-query-order-key",
    "get-vanilla-query-order-key-case", "get-vanilla-query-order-value", "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query", "post-header-key-case", "post-header-key-sort", "post-header-value-case",
    "post-sts-header-after", "post-sts-header-before", "post-vanilla", "post-vanilla-empty-query-value",
    "post-vanilla-query", "post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters",
    "double-encode-path", "double-url-encode",
};

struct SigV4Vector {
  llm::SigV4Request request;
  std::string canonical_request;  // <name>.creq
  std::string string_to_sign;     // <name>.sts
  std::string authorization;      // <name>.authz
};

SigV4Vector load_vector(const std::string& name) {
  fs::path folder = test::source_dir() / "fixtures" / "sigv4" / name;
  SigV4Vector vector;
  vector.request = test::parse_suite_request(test::read_text(folder / (name + ".req")));
  vector.request.region = "us-east-1";
  vector.request.service = "service";
  if (fs::exists(folder / "context.json")) {
    Json context = Json::parse(test::read_text(folder / "context.json"));
    vector.request.region = context.at("region").get<std::string>();
    vector.request.service = context.at("service").get<std::string>();
  }
  vector.canonical_request = test::read_text(folder / (name + ".creq"));
  vector.string_to_sign = test::read_text(folder / (name + ".sts"));
  vector.authorization = test::read_text(folder / (name + ".authz"));
  return vector;
}

std::string signature_of(const std::string& authorization) {
  auto at = authorization.find("Signature=");
  return at == std::string::npos ? "" : authorization.substr(at + 10);
}

// A Bedrock InvokeModel request as the fallback sends it: the model ID's ':'
// percent-encoded on the wire, as the AWS SDKs send path labels.
llm::SigV4Request bedrock_invoke(const std::string& wire_model_id) {
  llm::SigV4Request request;
  request.method = "POST";
  request.url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/" + wire_model_id + "/invoke";
  request.headers = {{"Content-Type", "application/json"}};
  request.body = R"({"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"messages":[{"role":"user","content":"hello"}]})";
  request.region = "us-east-1";
  request.service = "bedrock";
  request.timestamp = "20150830T123600Z";
  return request;
}

}  // namespace

TEST_CASE("sign_sigv4: every vector of the AWS Signature Version 4 test suite in fixtures/sigv4", "[llm]") {
  fs::path root = test::source_dir() / "fixtures" / "sigv4";
  REQUIRE(fs::is_directory(root));
  std::set<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) on_disk.insert(entry.path().filename().string());
  }
  // A new folder must be added to the list, so it cannot sit there untested.
  CHECK(on_disk == std::set<std::string>(kSigV4Vectors.begin(), kSigV4Vectors.end()));

  for (const auto& name : kSigV4Vectors) {
    INFO("vector fixtures/sigv4/" << name);
    SigV4Vector vector = load_vector(name);  // throws, failing the test, when a file is missing
    auto signed_request = llm::sign_sigv4(vector.request, suite_credentials());
    REQUIRE(signed_request);
    CHECK(signed_request->canonical_request == vector.canonical_request);
    CHECK(signed_request->string_to_sign == vector.string_to_sign);
    CHECK(signed_request->signature == signature_of(vector.authorization));
    CHECK(signed_request->authorization == vector.authorization);
  }
}

TEST_CASE("sign_sigv4: a session token is signed as X-Amz-Security-Token (the suite's post-sts-header-before)", "[llm]") {
  SigV4Vector with_token = load_vector("post-sts-header-before");
  auto token = llm::find_header(with_token.request.headers, "X-Amz-Security-Token");
  REQUIRE(token);
  REQUIRE(token->size() > 100u);

  // The same request without the header: the credentials' token is added and signed.
  llm::SigV4Request request = load_vector("post-vanilla").request;
  auto signed_request = llm::sign_sigv4(request, suite_credentials(*token));
  REQUIRE(signed_request);
  CHECK(signed_request->canonical_request == with_token.canonical_request);
  CHECK(signed_request->string_to_sign == with_token.string_to_sign);
  CHECK(signed_request->authorization == with_token.authorization);
  CHECK(signed_request->signed_headers == "host;x-amz-date;x-amz-security-token");
  CHECK(signed_request->headers_to_add == llm::Headers{{"Authorization", with_token.authorization},
                                                       {"X-Amz-Date", "20150830T123600Z"},
                                                       {"X-Amz-Security-Token", *token}});

  auto without = llm::sign_sigv4(request, suite_credentials());
  REQUIRE(without);
  CHECK(without->headers_to_add.size() == 2u);  // Authorization and X-Amz-Date only
  CHECK_FALSE(llm::find_header(without->headers_to_add, "X-Amz-Security-Token"));
}

TEST_CASE("sign_sigv4: a Bedrock InvokeModel path is double-encoded, ':' travelling as %3A and signed as %253A", "[llm]") {
  // AWS encodes each segment of the path as received once more for every
  // service but S3. The suite's double-url-encode vector (Lambda, an ARN whose
  // ':' travel as %3A) pins this with an AWS-published signature; a Bedrock
  // model ID is the same shape.
  auto signed_request = llm::sign_sigv4(bedrock_invoke("us.anthropic.claude-sonnet-4-5-20250929-v1%3A0"), suite_credentials());
  REQUIRE(signed_request);
  std::string body_hash = util::sha256_hex(bedrock_invoke("x").body);
  CHECK(body_hash == "6b0f9a273b31301b13af50454aee6cdb85f612eb0f2792ec5b97ece5caa125cc");
  CHECK(signed_request->canonical_request ==
        "POST\n"
        "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%253A0/invoke\n"
        "\n"
        "content-type:application/json\n"
        "host:bedrock-runtime.us-east-1.amazonaws.com\n"
        "x-amz-date:20150830T123600Z\n"
        "\n"
        "content-type;host;x-amz-date\n" +
            body_hash);
  CHECK(signed_request->string_to_sign ==
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/bedrock/aws4_request\n" +
            util::sha256_hex(signed_request->canonical_request));
  // Computed independently from the canonical request above with Python's hmac and hashlib.
  CHECK(signed_request->signature == "4f5f295a2ac9d2af3aa52028b2ab7613e4bf9fdcd37d188501c1d1b47d3441c7");
  CHECK(signed_request->authorization ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, Signature=" + signed_request->signature);

  // A ':' sent literally is what the server receives, and so is encoded once.
  auto literal = llm::sign_sigv4(bedrock_invoke("us.anthropic.claude-sonnet-4-5-20250929-v1:0"), suite_credentials());
  REQUIRE(literal);
  CHECK_THAT(literal->canonical_request, Catch::StartsWith("POST\n/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke\n"));
}

TEST_CASE("sigv4_canonical_uri: normalised and re-encoded, except under S3's rules", "[llm]") {
  CHECK(llm::sigv4_canonical_uri("") == "/");
  CHECK(llm::sigv4_canonical_uri("/a/b/../c/./d//e/") == "/a/c/d/e/");
  CHECK(llm::sigv4_canonical_uri("/a/b/..") == "/a/");
  CHECK(llm::sigv4_canonical_uri("/../..") == "/");
  CHECK(llm::sigv4_canonical_uri("/x%2Fy z") == "/x%252Fy%20z");

  CHECK(llm::sigv4_canonical_uri("/bucket/my key.txt", true) == "/bucket/my%20key.txt");
  CHECK(llm::sigv4_canonical_uri("/bucket/my%20key.txt", true) == "/bucket/my%20key.txt");
  CHECK(llm::sigv4_canonical_uri("//a/./b/../c", true) == "//a/./b/../c");
}

TEST_CASE("sigv4_canonical_query: encoded, sorted by name then value, '+' and bare names kept", "[llm]") {
  CHECK(llm::sigv4_canonical_query("") == "");
  CHECK(llm::sigv4_canonical_query("b=2&a=1&A=0") == "A=0&a=1&b=2");
  CHECK(llm::sigv4_canonical_query("k=v2&k=V1") == "k=V1&k=v2");
  CHECK(llm::sigv4_canonical_query("flag&x=a%20b&&y=c d") == "flag=&x=a%20b&y=c%20d");
  CHECK(llm::sigv4_canonical_query("q=1+1&p=%zz") == "p=%25zz&q=1%2B1");
  CHECK(llm::sigv4_uri_encode("aZ0-._~ /:%") == "aZ0-._~%20%2F%3A%25");
}

TEST_CASE("sign_sigv4: x-amz-content-sha256 only when asked for, and signed", "[llm]") {
  llm::SigV4Request request = bedrock_invoke("m");
  auto plain = llm::sign_sigv4(request, suite_credentials());
  REQUIRE(plain);
  CHECK_FALSE(llm::find_header(plain->headers_to_add, "x-amz-content-sha256"));

  llm::SigV4Options options;
  options.content_sha256_header = true;
  auto with_hash = llm::sign_sigv4(request, suite_credentials(), options);
  REQUIRE(with_hash);
  CHECK(with_hash->signed_headers == "content-type;host;x-amz-content-sha256;x-amz-date");
  CHECK(llm::find_header(with_hash->headers_to_add, "x-amz-content-sha256") == util::sha256_hex(request.body));
  CHECK(with_hash->signature != plain->signature);
}

TEST_CASE("sign_sigv4: host from the URL, default port dropped; caller's Authorization and X-Amz-Date not signed", "[llm]") {
  llm::SigV4Request request = bedrock_invoke("m");
  request.url = "https://bedrock-runtime.us-east-1.amazonaws.com:443/model/m/invoke?b=2&a=1";
  request.headers.emplace_back("Authorization", "stale");
  request.headers.emplace_back("X-Amz-Date", "19990101T000000Z");
  auto signed_request = llm::sign_sigv4(request, suite_credentials());
  REQUIRE(signed_request);
  CHECK_THAT(signed_request->canonical_request,
             Catch::StartsWith("POST\n/model/m/invoke\na=1&b=2\ncontent-type:application/json\n"
                               "host:bedrock-runtime.us-east-1.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"));
  CHECK(signed_request->canonical_request.find("stale") == std::string::npos);
  CHECK(signed_request->canonical_request.find("1999") == std::string::npos);

  request.url = "http://127.0.0.1:8080/model/m/invoke";
  auto loopback = llm::sign_sigv4(request, suite_credentials());
  REQUIRE(loopback);
  CHECK_THAT(loopback->canonical_request, Catch::Contains("\nhost:127.0.0.1:8080\n"));
}

TEST_CASE("sign_sigv4: bad input is an error naming the field, never showing the secret", "[llm]") {
  auto error_for = [](llm::SigV4Request request, llm::AwsCredentials credentials) {
    auto result = llm::sign_sigv4(request, credentials);
    REQUIRE_FALSE(result);
    CHECK(result.error().find(kSuiteSecret) == std::string::npos);
    return result.error();
  };
  llm::SigV4Request good = bedrock_invoke("m");
  auto token = std::string("FQoGZXIvYXdzEXAMPLESESSIONTOKEN");

  auto no_key = suite_credentials();
  no_key.access_key_id.clear();
  CHECK(error_for(good, no_key) == "SigV4: the access key id is empty");
  CHECK(error_for(good, {"AKIDEXAMPLE", "", ""}) == "SigV4: the secret access key is empty");

  auto bad_time = good;
  bad_time.timestamp = "2015-08-30T12:36:00Z";
  CHECK(error_for(bad_time, suite_credentials()) == "SigV4: timestamp '2015-08-30T12:36:00Z' is not of the form YYYYMMDDTHHMMSSZ");
  auto no_region = good;
  no_region.region.clear();
  CHECK(error_for(no_region, suite_credentials()) == "SigV4: the region is empty");
  auto no_scheme = good;
  no_scheme.url = "bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke";
  CHECK(error_for(no_scheme, suite_credentials()) ==
        "SigV4: URL 'bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke' has no scheme://host");
  auto folded = good;
  folded.headers.emplace_back("X-Custom", "a\r\nInjected: " + token);
  std::string message = error_for(folded, suite_credentials(token));
  CHECK(message == "SigV4: header 'X-Custom' has a line break in its value");
}

TEST_CASE("sign_sigv4: the secret key appears in nothing it returns", "[llm]") {
  auto signed_request = llm::sign_sigv4(load_vector("post-sts-header-before").request, suite_credentials("token"));
  REQUIRE(signed_request);
  for (const std::string* text : {&signed_request->canonical_request, &signed_request->string_to_sign,
                                  &signed_request->signature, &signed_request->authorization}) {
    CHECK(text->find(kSuiteSecret) == std::string::npos);
  }
  for (const auto& [name, value] : signed_request->headers_to_add) CHECK(value.find(kSuiteSecret) == std::string::npos);
}

TEST_CASE("sigv4_timestamp: UTC, YYYYMMDDTHHMMSSZ", "[llm]") {
  CHECK(llm::sigv4_timestamp(std::chrono::system_clock::from_time_t(1440938160)) == "20150830T123600Z");
  CHECK(llm::sigv4_timestamp(std::chrono::system_clock::from_time_t(0)) == "19700101T000000Z");
}

// ---- pricing ------------------------------------------------------------------

namespace {

llm::Usage tokens(std::int64_t input, std::int64_t output, std::int64_t cache_write = 0, std::int64_t cache_read = 0) {
  llm::Usage usage;
  usage.input_tokens = input;
  usage.output_tokens = output;
  usage.cache_creation_input_tokens = cache_write;
  usage.cache_read_input_tokens = cache_read;
  return usage;
}

double usd(const std::string& model, const llm::Usage& usage) {
  auto cost = llm::usd_for_usage(model, usage);
  INFO(model << ": " << (cost ? "" : cost.error()));
  REQUIRE(cost);
  return *cost;
}

constexpr std::int64_t kMillion = 1'000'000;

// kPricingVerifiedOn plus `days`, as YYYY-MM-DD.
std::string verified_plus(int days) {
  std::string_view verified = llm::kPricingVerifiedOn;
  std::chrono::year_month_day date{std::chrono::year{std::stoi(std::string(verified.substr(0, 4)))},
                                   std::chrono::month{static_cast<unsigned>(std::stoi(std::string(verified.substr(5, 2))))},
                                   std::chrono::day{static_cast<unsigned>(std::stoi(std::string(verified.substr(8, 2))))}};
  std::chrono::year_month_day later{std::chrono::sys_days{date} + std::chrono::days{days}};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(later.year()),
                static_cast<unsigned>(later.month()), static_cast<unsigned>(later.day()));
  return buffer;
}

}  // namespace

TEST_CASE("usd_for_usage: list prices of each model family, input and output", "[llm]") {
  CHECK(usd("claude-sonnet-4-5-20250929", tokens(kMillion, kMillion)) == Approx(18.0));
  CHECK(usd("claude-sonnet-4-20250514", tokens(kMillion, kMillion)) == Approx(18.0));
  CHECK(usd("claude-opus-4-5-20251101", tokens(kMillion, kMillion)) == Approx(30.0));
  CHECK(usd("claude-haiku-4-5-20251001", tokens(kMillion, kMillion)) == Approx(6.0));
  CHECK(usd("claude-sonnet-4-5-20250929", tokens(1200, 350)) == Approx(0.0036 + 0.00525));
  CHECK(usd("claude-haiku-4-5-20251001", tokens(0, 0)) == 0.0);
}

TEST_CASE("usd_for_usage: cache writes at 1.25x (5 min) and 2x (1 h) of input, reads at 0.1x", "[llm]") {
  struct Family {
    const char* model;
    double write_5m, write_1h, read;
  };
  for (const Family& family : {Family{"claude-sonnet-4-5-20250929", 3.75, 6.00, 0.30},
                               Family{"claude-opus-4-5-20251101", 6.25, 10.00, 0.50},
                               Family{"claude-haiku-4-5-20251001", 1.25, 2.00, 0.10}}) {
    INFO(family.model);
    // No 5m/1h split in the usage: every cache write at the 5-minute rate.
    CHECK(usd(family.model, tokens(0, 0, kMillion)) == Approx(family.write_5m));
    CHECK(usd(family.model, tokens(0, 0, 0, kMillion)) == Approx(family.read));

    llm::Usage split = tokens(0, 0, 3 * kMillion);
    split.cache_creation = llm::CacheCreation{kMillion, 2 * kMillion};
    CHECK(usd(family.model, split) == Approx(family.write_5m + 2 * family.write_1h));
  }
  // Everything at once: Sonnet, 1M of each kind.
  llm::Usage all = tokens(kMillion, kMillion, 2 * kMillion, kMillion);
  all.cache_creation = llm::CacheCreation{kMillion, kMillion};
  CHECK(usd("claude-sonnet-4-5-20250929", all) == Approx(3.0 + 15.0 + 3.75 + 6.0 + 0.30));
}

TEST_CASE("price table: every row follows the cache multipliers of its input price", "[llm]") {
  REQUIRE_FALSE(llm::price_table().empty());
  for (const auto& price : llm::price_table()) {
    INFO(price.model);
    CHECK(price.input > 0);
    CHECK(price.output > price.input);
    CHECK(price.cache_write_5m == Approx(1.25 * price.input));
    CHECK(price.cache_write_1h == Approx(2.0 * price.input));
    CHECK(price.cache_read == Approx(0.1 * price.input));
  }
}

TEST_CASE("usd_for_usage: undated aliases and Bedrock IDs cost what the model they name costs", "[llm]") {
  const auto usage = tokens(kMillion, kMillion);
  for (const char* model : {"claude-sonnet-4-5", "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                            "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0",
                            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"}) {
    INFO(model);
    CHECK(llm::pricing_model_id(model) == "claude-sonnet-4-5-20250929");
    CHECK(usd(model, usage) == Approx(18.0));
  }
  CHECK(llm::pricing_model_id("claude-sonnet-4-0") == "claude-sonnet-4-20250514");
  CHECK(llm::pricing_model_id("eu.anthropic.claude-haiku-4-5-20251001-v1:0") == "claude-haiku-4-5-20251001");
  CHECK(usd("claude-opus-4-5", usage) == Approx(30.0));
  CHECK(usd("us.anthropic.claude-opus-4-5-20251101-v1:0", usage) == Approx(30.0));
  CHECK(usd("claude-haiku-4-5", usage) == Approx(6.0));
  CHECK(usd("claude-sonnet-4", usage) == Approx(18.0));
}

TEST_CASE("usd_for_usage: an unknown model is an error naming it, never $0", "[llm]") {
  for (const char* model : {"claude-opus-4-1-20250805", "gpt-5", "", "us.anthropic.claude-unknown-20990101-v1:0",
                            "claude-sonnet-4-5-20250930"}) {
    INFO(model);
    auto cost = llm::usd_for_usage(model, tokens(10, 10));
    REQUIRE_FALSE(cost);
    CHECK_THAT(cost.error(), Catch::Contains("no price for model '" + std::string(model) + "'"));
  }
  CHECK_FALSE(llm::price_for("claude-opus-4-1-20250805"));

  auto negative = llm::usd_for_usage("claude-haiku-4-5-20251001", tokens(-1, 0));
  REQUIRE_FALSE(negative);
  CHECK(negative.error() == "usage of model 'claude-haiku-4-5-20251001' has a negative token count");
}

TEST_CASE("pricing_age_problem: passes 90 days after verification, fails at 91", "[llm]") {
  CHECK(llm::pricing_age_days(llm::kPricingVerifiedOn).value() == 0);
  CHECK(llm::pricing_age_days(verified_plus(90)).value() == 90);
  CHECK_FALSE(llm::pricing_age_problem(llm::kPricingVerifiedOn));
  CHECK_FALSE(llm::pricing_age_problem(verified_plus(90)));

  std::string too_old = verified_plus(91);
  auto problem = llm::pricing_age_problem(too_old);
  REQUIRE(problem);
  CHECK_THAT(*problem, Catch::Contains("verified on " + std::string(llm::kPricingVerifiedOn) + ", 91 days before " + too_old));
  CHECK_THAT(*problem, Catch::Contains(std::string(llm::kPricingSource)));
}

TEST_CASE("pricing_age_days: a malformed date is an error, not an age", "[llm]") {
  for (const char* bad : {"", "tomorrow", "2026-13-01", "2026-02-30", "2026-1-01", "2026/11/21", "2026-11-21T00:00:00Z"}) {
    INFO(bad);
    auto age = llm::pricing_age_days(bad);
    REQUIRE_FALSE(age);
    CHECK(age.error() == "'" + std::string(bad) + "' is not a date of the form YYYY-MM-DD");
    CHECK(llm::pricing_age_problem(bad) == age.error());
  }
  CHECK(verified_plus(0) == llm::kPricingVerifiedOn);
}

TEST_CASE("validate_base_url: https anywhere, plain http only for loopback hosts", "[llm]") {
  for (const char* ok : {"https://api.anthropic.com", "HTTPS://api.anthropic.com/", "https://10.0.0.5:8443/proxy",
                         "http://127.0.0.1:8080", "http://127.255.0.9", "http://localhost:3000/",
                         "http://LOCALHOST", "http://[::1]:9000", "http://user@127.0.0.1:1/x"}) {
    CAPTURE(ok);
    CHECK_FALSE(llm::validate_base_url(ok));
  }
  for (const char* bad : {"http://api.anthropic.com", "http://10.0.0.5:8080", "http://128.0.0.1",
                          "http://127.0.0.1.evil.example", "http://localhost.evil.example", "http://[::2]",
                          "ftp://127.0.0.1", "api.anthropic.com", "https://",
                          "http://1270.0.0.1"}) {
    CAPTURE(bad);
    auto error = llm::validate_base_url(bad);
    REQUIRE(error);
    CHECK(error->find(bad) != std::string::npos);
  }
  // The host is what follows the user info: refused, and shown without it.
  auto error = llm::validate_base_url("http://127.0.0.1@evil.example");
  REQUIRE(error);
  CHECK_THAT(*error, Catch::Contains("'http://evil.example/...'"));
}

TEST_CASE("validate_base_url: the reason never repeats user info, path or query, which can be credentials", "[llm]") {
  struct Row {
    const char* url;
    const char* shown;
  };
  for (auto row : {Row{"http://discord.example/api/webhooks/1234/Tok3nPathSecret", "'http://discord.example/...'"},
                   Row{"http://user:Passw0rdSecret@api.example.com:8080/v1", "'http://api.example.com:8080/...'"},
                   Row{"http://hooks.example?token=QuerySecret", "'http://hooks.example/...'"},
                   Row{"hooks.example/services/T0/B0/SlackSecret", "'hooks.example/...'"}}) {
    CAPTURE(row.url);
    auto error = llm::validate_base_url(row.url);
    REQUIRE(error);
    CHECK_THAT(*error, Catch::Contains(row.shown));
    for (const char* secret : {"Tok3nPathSecret", "Passw0rdSecret", "QuerySecret", "SlackSecret", "webhooks", "user"}) {
      CHECK_THAT(*error, !Catch::Contains(secret));
    }
  }
}

// ---- Retries ------------------------------------------------------------------

namespace {

using std::chrono::milliseconds;

// Answers from a list, one per send; the last answer repeats.
class ScriptedTransport final : public llm::Transport {
 public:
  explicit ScriptedTransport(std::vector<llm::HttpResponse> answers) : answers_(std::move(answers)) {}
  llm::HttpResponse send(const llm::HttpRequest& /*request*/) override {
    std::size_t index = std::min(sends, answers_.size() - 1);
    ++sends;
    return answers_[index];
  }
  std::size_t sends = 0;

 private:
  std::vector<llm::HttpResponse> answers_;
};

llm::HttpResponse no_answer(llm::TransportFailure::Kind kind) {
  llm::HttpResponse response;
  response.failure = llm::TransportFailure{kind, "scripted"};
  return response;
}

struct RetryRun {
  std::size_t sends = 0;
  std::vector<milliseconds> sleeps;
  llm::CallResult result;
};

RetryRun run_with_retries(std::vector<llm::HttpResponse> answers, llm::RetryPolicy policy = {},
                          double random = 0.0) {
  auto transport = std::make_shared<ScriptedTransport>(std::move(answers));
  auto clock = std::make_shared<llm::FakeClock>();
  llm::ClientConfig config;
  config.retry = policy;
  llm::Client client(config, transport, clock, [random] { return random; });
  auto result = client.invoke(small_request("s"), llm::CallContext::for_agent("test"));
  return {transport->sends, clock->sleeps, std::move(result)};
}

llm::HttpResponse status(int code, llm::Headers headers = {}) {
  return http(code, error_body("api_error", "scripted"), std::move(headers));
}

}  // namespace

TEST_CASE("Client retries: 2 retries by default, waits 0.5 s then 1 s, then the last error", "[llm]") {
  auto run = run_with_retries({status(529)});
  CHECK(run.sends == 3u);
  CHECK(run.sleeps == std::vector<milliseconds>{milliseconds(500), milliseconds(1000)});
  REQUIRE_FALSE(run.result);
  CHECK(run.result.error().category == llm::ErrorCategory::overloaded);
}

TEST_CASE("Client retries: a success after a retryable error is returned", "[llm]") {
  auto run = run_with_retries({status(529), http(200, kOkBody)});
  CHECK(run.sends == 2u);
  REQUIRE(run.result);
  CHECK(run.result->text() == "Hi");
}

TEST_CASE("Client retries: 408, 409, 429, 5xx, network and timeout are retried; other 4xx never", "[llm]") {
  for (int code : {408, 409, 429, 500, 502, 503, 504, 529}) {
    CAPTURE(code);
    CHECK(run_with_retries({status(code), http(200, kOkBody)}).sends == 2u);
  }
  CHECK(run_with_retries({no_answer(llm::TransportFailure::Kind::network), http(200, kOkBody)}).sends == 2u);
  CHECK(run_with_retries({no_answer(llm::TransportFailure::Kind::timeout), http(200, kOkBody)}).sends == 2u);
  for (int code : {400, 401, 403, 404, 413, 422}) {
    CAPTURE(code);
    CHECK(run_with_retries({status(code), http(200, kOkBody)}).sends == 1u);
  }
}

TEST_CASE("Client retries: x-should-retry overrides the status rule both ways", "[llm]") {
  CHECK(run_with_retries({status(400, {{"x-should-retry", "true"}}), http(200, kOkBody)}).sends == 2u);
  CHECK(run_with_retries({status(529, {{"x-should-retry", "false"}}), http(200, kOkBody)}).sends == 1u);
}

TEST_CASE("Client retries: retry-after-ms wins over retry-after, which wins over backoff", "[llm]") {
  auto both = run_with_retries({status(429, {{"retry-after-ms", "1234.5"}, {"retry-after", "7"}}), http(200, kOkBody)});
  CHECK(both.sleeps == std::vector<milliseconds>{milliseconds(1235)});
  auto seconds = run_with_retries({status(429, {{"retry-after", "3"}}), http(200, kOkBody)});
  CHECK(seconds.sleeps == std::vector<milliseconds>{milliseconds(3000)});
  auto nonsense = run_with_retries({status(429, {{"retry-after", "soon"}}), http(200, kOkBody)});
  CHECK(nonsense.sleeps == std::vector<milliseconds>{milliseconds(500)});
}

TEST_CASE("Client retries: backoff doubles up to 8 s and jitter takes off at most 25%", "[llm]") {
  llm::RetryPolicy many;
  many.max_retries = 6;
  auto plain = run_with_retries({status(500)}, many);
  CHECK(plain.sleeps == std::vector<milliseconds>{milliseconds(500), milliseconds(1000), milliseconds(2000),
                                                  milliseconds(4000), milliseconds(8000), milliseconds(8000)});
  auto jittered = run_with_retries({status(500)}, many, 0.5);
  REQUIRE(jittered.sleeps.size() == 6u);
  CHECK(jittered.sleeps[0] == milliseconds(437));  // 500 * (1 - 0.25 * 0.5), truncated
  CHECK(jittered.sleeps[5] == milliseconds(7000));
  auto most = run_with_retries({status(500)}, many, 0.999999);
  for (std::size_t i = 0; i < most.sleeps.size(); ++i) CHECK(most.sleeps[i] >= plain.sleeps[i] * 3 / 4);
}

TEST_CASE("Client retries: no wait is started that would pass the call's deadline", "[llm]") {
  llm::RetryPolicy tight;
  tight.deadline = milliseconds(1200);
  auto run = run_with_retries({status(529)}, tight);
  CHECK(run.sends == 2u);  // 500 ms fits, 500 + 1000 ms does not
  CHECK(run.sleeps == std::vector<milliseconds>{milliseconds(500)});
  REQUIRE_FALSE(run.result);
  CHECK(run.result.error().category == llm::ErrorCategory::overloaded);
}

TEST_CASE("Client retries: without a RetryPolicy (cached replay) there is one attempt", "[llm]") {
  auto transport = std::make_shared<ScriptedTransport>(std::vector<llm::HttpResponse>{status(529)});
  auto clock = std::make_shared<llm::FakeClock>();
  llm::Client client(llm::ClientConfig{}, transport, clock);
  CHECK_FALSE(client.invoke(small_request("s"), llm::CallContext::for_agent("test")));
  CHECK(transport->sends == 1u);
  CHECK(clock->sleeps.empty());
}

// --- The client's environment: read in one place, checked before any call ---

namespace {

llm::EnvironmentLookup lookup_in(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto found = values.find(std::string(name));
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

util::Expected<llm::ClientConfig, std::string> config_for(const std::map<std::string, std::string>& values) {
  auto environment = llm::read_client_environment(lookup_in(values));
  llm::ApiKeySource keys(environment.api_key);
  return llm::live_client_config(environment, keys);
}

}  // namespace

TEST_CASE("Client environment: unset means production: public API, no fallback, no alert, no call log", "[llm]") {
  auto environment = llm::read_client_environment(lookup_in({}));
  CHECK(environment.base_url == "https://api.anthropic.com");
  CHECK_FALSE(environment.api_key);
  CHECK(environment.log_environment == llm::LogEnvironment::prod);
  CHECK_FALSE(environment.log_calls);

  auto config = config_for({{"ANTHROPIC_API_KEY", "sk-ant-api03-environment-key-0001"}});
  REQUIRE(config);
  CHECK(config->api_key == "sk-ant-api03-environment-key-0001");
  CHECK(config->retry.has_value());  // live calls retry as the SDKs do
  CHECK(config->retry->max_retries == 2);
  CHECK_FALSE(config->fallback);
  CHECK(config->alert_webhook_url.empty());
  CHECK_FALSE(config->call_log);
}

TEST_CASE("Client environment: only ENVIRONMENT=non-prod logs payloads; an empty key is unset", "[llm]") {
  CHECK(llm::read_client_environment(lookup_in({{"ENVIRONMENT", "non-prod"}})).log_environment ==
        llm::LogEnvironment::non_prod);
  for (const char* other : {"", "prod", "Non-Prod", "staging", "non-prod "}) {
    CAPTURE(other);
    CHECK(llm::read_client_environment(lookup_in({{"ENVIRONMENT", other}})).log_environment == llm::LogEnvironment::prod);
  }
  CHECK_FALSE(llm::read_client_environment(lookup_in({{"ANTHROPIC_API_KEY", ""}})).api_key);
  CHECK(llm::read_client_environment(lookup_in({{"EVAL_LOG_LLM_CALLS", "1"}})).log_calls);
  CHECK_FALSE(llm::read_client_environment(lookup_in({{"EVAL_LOG_LLM_CALLS", "0"}})).log_calls);
}

TEST_CASE("Client environment: Bedrock fallback needs credentials and a region; AWS_REGION wins", "[llm]") {
  std::map<std::string, std::string> values = {{"ANTHROPIC_API_KEY", "sk-ant-api03-environment-key-0001"},
                                               {"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"},
                                               {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}};
  CHECK_FALSE(config_for(values)->fallback);  // no region
  values["AWS_DEFAULT_REGION"] = "eu-west-1";
  values["AWS_REGION"] = "us-west-2";
  values["BEDROCK_INFERENCE_GEO"] = "eu";
  auto config = config_for(values);
  REQUIRE(config);
  REQUIRE(config->fallback);
  CHECK(config->fallback->region == "us-west-2");
  CHECK(config->fallback->profiles.at("claude-sonnet-4-5-20250929") == "eu.anthropic.claude-sonnet-4-5-20250929-v1:0");
  values.erase("AWS_SECRET_ACCESS_KEY");
  CHECK_FALSE(config_for(values)->fallback);
}

TEST_CASE("Client environment: a URL that would send a credential in clear text is refused, naming the variable", "[llm]") {
  const std::string key = "sk-ant-api03-environment-key-0001";
  for (const char* variable : {"ANTHROPIC_BASE_URL", "ALERT_WEBHOOK_URL"}) {
    CAPTURE(variable);
    auto config = config_for({{"ANTHROPIC_API_KEY", key}, {variable, "http://api.example.com"}});
    REQUIRE_FALSE(config);
    CHECK(config.error().find(variable) != std::string::npos);
    CHECK(config.error().find(key) == std::string::npos);
    CHECK(config_for({{"ANTHROPIC_API_KEY", key}, {variable, "http://127.0.0.1:8080"}}));
  }
  // A Discord webhook's token is the last part of its path: refused, and not repeated.
  const std::string token = "b7Xq_webhook-token-9f3KdL2mPz";
  auto config = config_for({{"ANTHROPIC_API_KEY", key},
                            {"ALERT_WEBHOOK_URL", "http://discord.com/api/webhooks/112233/" + token}});
  REQUIRE_FALSE(config);
  CHECK_THAT(config.error(), Catch::Contains("ALERT_WEBHOOK_URL: base URL 'http://discord.com/...'"));
  CHECK_THAT(config.error(), !Catch::Contains(token));
}

TEST_CASE("Client environment: no key anywhere is an error that says which variables to set", "[llm]") {
  auto config = config_for({});
  REQUIRE_FALSE(config);
  CHECK(config.error().find("ANTHROPIC_API_KEY") != std::string::npos);
}

TEST_CASE("Client environment: the call log goes to the named file; a file that cannot be opened is an error", "[llm]") {
  auto folder = std::filesystem::temp_directory_path() / ("reprise-env-log-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const std::string key = "sk-ant-api03-environment-key-0001";
  auto config = config_for({{"ANTHROPIC_API_KEY", key}, {"EVAL_LOG_LLM_CALLS", "1"},
                            {"EVAL_LOG_LLM_CALLS_FILE", (folder / "calls.jsonl").string()}, {"ENVIRONMENT", "non-prod"}});
  REQUIRE(config);
  REQUIRE(config->call_log);
  CHECK(config->call_log->environment() == llm::LogEnvironment::non_prod);
  CHECK(std::filesystem::exists(folder / "calls.jsonl"));
  auto missing = config_for({{"ANTHROPIC_API_KEY", key}, {"EVAL_LOG_LLM_CALLS", "1"},
                             {"EVAL_LOG_LLM_CALLS_FILE", (folder / "no-such-folder" / "calls.jsonl").string()}});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().find("EVAL_LOG_LLM_CALLS_FILE") != std::string::npos);
  std::filesystem::remove_all(folder);
}
