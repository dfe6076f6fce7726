// Unit tests of src/agents: typed input reading (every problem with its JSON
// pointer), "did you mean", JSON extraction from completions, the registry,
// and one agent (coach_narrative) end to end through a fake transport.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "reprise/agents/coach_narrative.hpp"
#include "reprise/agents/completion_json.hpp"
#include "reprise/agents/input_reader.hpp"
#include "reprise/agents/registry.hpp"
#include "reprise/llm/json_codec.hpp"

using namespace reprise;
using agents::InputError;
using agents::InputReader;
using agents::Json;

namespace {

std::vector<std::string> rendered(const std::vector<InputError>& errors) {
  std::vector<std::string> lines;
  for (const auto& error : errors) lines.push_back(error.pointer + ": " + error.message);
  return lines;
}

}  // namespace

TEST_CASE("closest_match: the nearest candidate within two edits", "[agents]") {
  std::vector<std::string> keys = {"verdict", "assert", "request", "expect"};
  CHECK(agents::closest_match("expcet", keys) == "expect");  // a swap of neighbours is one edit
  CHECK(agents::closest_match("verdikt", keys) == "verdict");
  CHECK(agents::closest_match("asert", keys) == "assert");
  CHECK(agents::closest_match("requests", keys) == "request");
  CHECK(agents::closest_match("banana", keys).empty());
  CHECK(agents::closest_match("abcxyz", {"abcdef"}).empty());  // three edits is too far
  CHECK(agents::closest_match("abcdxy", {"abcdef"}) == "abcdef");
  CHECK(agents::closest_match("x", {}).empty());
}

TEST_CASE("InputReader: a valid object reads without errors", "[agents]") {
  Json input = Json::parse(R"({"name":"Maya","rate":0.3,"count":4,"flag":true,"currency":"EUR","tags":["a","b"],
                              "items":[{"k":1}],"user":{"first":"M"}})");
  std::vector<InputError> errors;
  InputReader reader(input, "", errors);
  CHECK(reader.string("name") == "Maya");
  CHECK(reader.number("rate", 0.0, 1.0) == Approx(0.3));
  CHECK(reader.integer("count", 1) == 4);
  CHECK(reader.optional_bool("flag") == true);
  CHECK_FALSE(reader.optional_bool("absent"));
  CHECK_FALSE(reader.optional_string("absent"));
  CHECK_FALSE(reader.optional_number("absent"));
  CHECK(reader.one_of("currency", {"USD", "EUR"}) == "EUR");
  CHECK(reader.strings("tags", true) == std::vector<std::string>{"a", "b"});
  CHECK(reader.objects("items", true, 1).size() == 1u);
  CHECK(reader.object("user").string("first") == "M");
  CHECK(reader.has("name"));
  CHECK_FALSE(reader.has("absent"));
  reader.reject_unknown_keys({"name", "rate", "count", "flag", "currency", "tags", "items", "user"});
  CHECK(errors.empty());
}

TEST_CASE("InputReader: every problem is collected with its pointer and a clear message", "[agents]") {
  Json input = Json::parse(R"({"name":"  ","rate":"high","low":-1,"count":1.5,"currency":"JPY","tags":["a",2],
                              "items":["x",{"k":1}],"user":{"frist":"M"},"naem":1})");
  std::vector<InputError> errors;
  InputReader reader(input, "", errors);
  reader.string("name");
  reader.string("missing");
  reader.number("rate");
  reader.number("low", 0.0);
  reader.integer("count");
  reader.one_of("currency", {"USD", "EUR"});
  reader.strings("tags", true);
  reader.objects("items", true, 3);
  auto user = reader.object("user");
  user.string("first");
  user.reject_unknown_keys({"first"});
  reader.object("nowhere");
  reader.reject_unknown_keys({"name", "rate", "low", "count", "currency", "tags", "items", "user"});

  CHECK(rendered(errors) == std::vector<std::string>{
                                "/name: 'name' must not be empty",
                                "/missing: 'missing' is required",
                                "/rate: 'rate' must be a number, not a string",
                                "/low: 'low' must be at least 0, got -1",
                                "/count: 'count' must be a whole number, not a number",
                                "/currency: 'currency' must be one of USD, EUR; got 'JPY'",
                                "/tags/1: must be a string, not an integer",
                                "/items/0: must be a mapping, not a string",
                                "/items: 'items' needs at least 3 item(s)",
                                "/user/first: 'first' is required",
                                "/user/frist: unknown key 'frist' (did you mean 'first'?)",
                                "/nowhere: 'nowhere' is required",
                                "/naem: unknown key 'naem' (did you mean 'name'?)",
                            });
}

TEST_CASE("InputReader: a non-object input reads as missing fields, not a crash", "[agents]") {
  Json input = Json::array({1, 2});
  std::vector<InputError> errors;
  InputReader reader(input, "/brief", errors);
  CHECK_FALSE(reader.is_object());
  CHECK(reader.string("topic").empty());
  reader.reject_unknown_keys({"topic"});
  CHECK(rendered(errors) == std::vector<std::string>{"/brief/topic: 'topic' is required"});
}

TEST_CASE("extract_json_object: tolerates a fence or a lead-in line, nothing worse", "[agents]") {
  auto fenced = agents::extract_json_object("```json\n{\"verdict\": \"approve\"}\n```");
  REQUIRE(fenced);
  CHECK((*fenced)["verdict"] == "approve");
  auto lead_in = agents::extract_json_object("Here is the record:\n{\"a\": {\"b\": 1}}");
  REQUIRE(lead_in);
  CHECK((*lead_in)["a"]["b"] == 1);

  auto none = agents::extract_json_object("no object here");
  REQUIRE_FALSE(none);
  CHECK(none.error() == "the completion holds no JSON object");
  auto broken = agents::extract_json_object("{\"a\": }");
  REQUIRE_FALSE(broken);
  CHECK(broken.error() == "the completion's JSON object does not parse");
}

TEST_CASE("registry: the five agents by name", "[agents]") {
  for (const char* name : {"coach_narrative", "committee_narrator", "finance_chat", "content_generate", "content_polish"}) {
    INFO(name);
    const agents::Agent* agent = agents::find_agent(name);
    REQUIRE(agent != nullptr);
    CHECK(agent->name() == name);
  }
  CHECK(agents::find_agent("no_such_agent") == nullptr);
  CHECK(agents::agent_names().size() == 5u);
}

namespace {

// Answers every call with the given completion text, as the Messages API
// would, and keeps the request bodies the agent sent.
class ScriptedTransport final : public llm::Transport {
 public:
  explicit ScriptedTransport(std::string completion, int status = 200) : completion_(std::move(completion)), status_(status) {}
  llm::HttpResponse send(const llm::HttpRequest& request) override {
    bodies.push_back(Json::parse(request.body));
    llm::HttpResponse response;
    response.status = status_;
    if (status_ != 200) {
      response.body = R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";
      return response;
    }
    response.body = Json{{"id", "msg_1"}, {"type", "message"}, {"role", "assistant"}, {"model", bodies.back()["model"]},
                         {"content", Json::array({{{"type", "text"}, {"text", completion_}}})},
                         {"stop_reason", "end_turn"}, {"usage", {{"input_tokens", 1}, {"output_tokens", 1}}}}
                        .dump();
    return response;
  }
  std::vector<Json> bodies;

 private:
  std::string completion_;
  int status_;
};

Json coach_input() {
  return Json::parse(R"({
    "user": {"first_name": "Maya", "currency": "USD"},
    "week": {"start": "2026-03-02", "end": "2026-03-08"},
    "metrics": {"income": 1850, "spending": 1310, "savings_rate": 0.292, "target_savings_rate": 0.25,
                "emergency_fund_months": 3.4, "emergency_fund_change": 120},
    "categories": [{"name": "Groceries", "spent": 164, "budget": 180}],
    "goals": [{"name": "Japan trip", "progress": 0.62}]})");
}

}  // namespace

TEST_CASE("coach_narrative: builds its request and parses the status line into the verdict", "[agents]") {
  auto transport = std::make_shared<ScriptedTransport>("A steady week, Maya.\n\nStatus: watch\n");
  llm::Client client(llm::ClientConfig{}, transport);
  const agents::Agent& agent = agents::coach_narrative_agent();
  CHECK(agent.validate(coach_input()).empty());

  auto result = agent.run(coach_input(), client);
  REQUIRE(result);
  CHECK(result->verdict.label == "watch");
  CHECK(result->output["status"] == "watch");
  CHECK(result->output["narrative"] == "A steady week, Maya.");
  CHECK(result->completions == std::vector<std::string>{"A steady week, Maya.\n\nStatus: watch\n"});

  REQUIRE(transport->bodies.size() == 1u);
  const Json& body = transport->bodies[0];
  CHECK(body["model"] == "claude-sonnet-4-5-20250929");
  CHECK(body["max_tokens"] == 700);
  CHECK(body["temperature"] == 0.4);
  CHECK_THAT(body["system"].get<std::string>(), Catch::Contains("weekly money coach"));
  std::string message = body["messages"][0]["content"].get<std::string>();
  CHECK_THAT(message, Catch::Contains("Person: Maya") && Catch::Contains("Savings rate: 29.2% (target 25.0%)") &&
                          Catch::Contains("- Japan trip: 62%"));
}

TEST_CASE("coach_narrative: a completion without the status line is a parse error of call 1", "[agents]") {
  auto transport = std::make_shared<ScriptedTransport>("A steady week, Maya.");
  llm::Client client(llm::ClientConfig{}, transport);
  auto result = agents::coach_narrative_agent().run(coach_input(), client);
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == agents::AgentError::Kind::parse);
  CHECK(result.error().call_index == 1);
  CHECK(result.error().message == "the narrative does not end with 'Status: on_track|watch|off_track'");
}

TEST_CASE("coach_narrative: invalid input is reported by pointer and never reaches the model", "[agents]") {
  Json input = coach_input();
  input["metrics"]["savings_rate"] = "high";
  input["metrics"].erase("income");
  input["user"]["currency"] = "JPY";
  auto errors = agents::coach_narrative_agent().validate(input);
  CHECK(rendered(errors) == std::vector<std::string>{
                                "/user/currency: 'currency' must be one of USD, EUR, GBP, CAD, AUD; got 'JPY'",
                                "/metrics/income: 'income' is required",
                                "/metrics/savings_rate: 'savings_rate' must be a number, not a string",
                            });

  auto transport = std::make_shared<ScriptedTransport>("Status: watch");
  llm::Client client(llm::ClientConfig{}, transport);
  auto result = agents::coach_narrative_agent().run(input, client);
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == agents::AgentError::Kind::input);
  CHECK(transport->bodies.empty());
}

TEST_CASE("coach_narrative: an API error is a call error carrying its category", "[agents]") {
  auto transport = std::make_shared<ScriptedTransport>("", 529);
  llm::Client client(llm::ClientConfig{}, transport);
  auto result = agents::coach_narrative_agent().run(coach_input(), client);
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == agents::AgentError::Kind::call);
  CHECK(result.error().call_index == 1);
  CHECK_THAT(result.error().message, Catch::StartsWith("overloaded (HTTP 529) overloaded_error: Overloaded"));
}
