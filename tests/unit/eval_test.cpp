// Unit tests of src/eval: completion sections, fixture sidecars, the case
// parser's positioned errors, YAML scalar typing, expectations, the loader
// over the bad-case corpus, the parsed-case cache, staleness, stamping,
// requests as lines and their diff, candidates and their review ([review]).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "reprise/eval/candidate.hpp"
#include "reprise/eval/case_cache.hpp"
#include "reprise/eval/case_parser.hpp"
#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/expectations.hpp"
#include "reprise/eval/fixture.hpp"
#include "reprise/eval/replay_transport.hpp"
#include "reprise/eval/request_diff.hpp"
#include "reprise/eval/request_text.hpp"
#include "reprise/eval/review.hpp"
#include "reprise/eval/settings.hpp"
#include "reprise/eval/stamp.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/eval/summary.hpp"
#include "reprise/eval/text_diff.hpp"
#include "reprise/eval/yaml_json.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/pricing.hpp"
#include "reprise/util/files.hpp"
#include "unit/test_support.hpp"

namespace fs = std::filesystem;
using namespace reprise;
using namespace reprise::eval;
using reprise::test::copy_bundled_case;
using reprise::test::replace_once;
using reprise::test::TempDir;

namespace {

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// ---------------------------------------------------------------------------
// A valid coach_narrative case. Line numbers matter: tests expect positions in it.
const std::string kCaseHead =  // lines 1-15
    "id: week\n"                                                 // 1
    "agent: coach_narrative\n"                                   // 2
    "description: A steady week.\n"                              // 3
    "tags: [on_track, smoke]\n"                                  // 4
    "input:\n"                                                   // 5
    "  user: {first_name: Maya, currency: USD}\n"                // 6
    "  week: {start: \"2026-03-02\", end: \"2026-03-08\"}\n"     // 7
    "  metrics:\n"                                               // 8
    "    income: 1850\n"                                         // 9
    "    spending: 1310\n"                                       // 10
    "    savings_rate: 0.292\n"                                  // 11
    "    target_savings_rate: 0.25\n"                            // 12
    "    emergency_fund_months: 3.4\n"                           // 13
    "  categories:\n"                                            // 14
    "    - {name: Groceries, spent: 164, budget: 180}\n";        // 15
const std::string kCaseExpect =  // lines 16-29
    "expect:\n"                                                  // 16
    "  verdict:\n"                                               // 17
    "    labels: [on_track]\n"                                   // 18
    "    score: {min: 0.1, max: 0.9}\n"                          // 19
    "  assert:\n"                                                // 20
    "    - contains: \"29%\"\n"                                  // 21
    "    - equals: on_track\n"                                   // 22
    "      at: /status\n"                                        // 23
    "  request:\n"                                               // 24
    "    model: claude-sonnet-4-5-20250929\n"                    // 25
    "    max_tokens: {min: 600, max: 800}\n"                     // 26
    "    temperature: 0.4\n"                                     // 27
    "    system_contains: [\"weekly money coach\"]\n"            // 28
    "    tools: []\n";                                           // 29
const std::string kCase = kCaseHead + kCaseExpect;

ParsedCase parse(const std::string& text, const std::string& id = "week", const std::string& agent = "coach_narrative") {
  return parse_case(text, CaseLocation{"cases/" + id + ".yaml", agent, id});
}

std::string only_error(const ParsedCase& parsed) {
  std::string all;
  for (const auto& error : parsed.errors) all += error.render() + "\n";
  INFO("errors:\n" << all);
  REQUIRE(parsed.errors.size() == 1u);
  return parsed.errors[0].message;
}

struct Expected {
  int line;
  int column;
  std::string message;
};

void require_one_error(const std::string& text, const Expected& expected, const std::string& id = "week",
                       const std::string& agent = "coach_narrative") {
  ParsedCase parsed = parse(text, id, agent);
  CHECK(only_error(parsed) == expected.message);
  CHECK(parsed.errors[0].pos.line == expected.line);
  CHECK(parsed.errors[0].pos.column == expected.column);
  CHECK(parsed.errors[0].file == "cases/" + id + ".yaml");
}

}  // namespace

// ===========================================================================
// Completion sections

TEST_CASE("split_completion: a single call is the text less one final newline", "[eval]") {
  auto one = split_completion("Hello.\n\nStatus: on_track\n", "c.txt");
  REQUIRE(one);
  CHECK(*one == std::vector<std::string>{"Hello.\n\nStatus: on_track"});
  CHECK(*split_completion("no newline", "c.txt") == std::vector<std::string>{"no newline"});
  CHECK(*split_completion("two\n\n", "c.txt") == std::vector<std::string>{"two\n"});
  CHECK(*split_completion("crlf\r\n", "c.txt") == std::vector<std::string>{"crlf"});
  // A lone final CR is text, not a line end (found by fuzz/fixture_reader).
  CHECK(*split_completion("lone cr\r", "c.txt") == std::vector<std::string>{"lone cr\r"});
}

TEST_CASE("LoadError::render: a column past the line's end puts the caret just after it", "[eval]") {
  // Found by fuzz/case_loader: yaml-cpp reported column 3012 of a 32-byte line.
  LoadError error{"c.yaml", {1, 3012}, "YAML syntax error", "id: short"};
  CHECK(error.render() == "c.yaml:1:3012: YAML syntax error\n    1 | id: short\n      |          ^");
}

TEST_CASE("split_completion: one section per marker, empty sections allowed", "[eval]") {
  auto sections = split_completion("=== reprise call 1/3 ===\n=== reprise call 2/3 ===\nsecond\nline\n=== reprise call 3/3 ===\nthird\n", "c.txt");
  REQUIRE(sections);
  CHECK(*sections == std::vector<std::string>{"", "second\nline", "third"});
}

TEST_CASE("join_completion and split_completion round trip", "[eval]") {
  for (const auto& sections : std::vector<std::vector<std::string>>{
           {"only"}, {""}, {"", "after a tool call"}, {"first\n", "second\n\nwith blank"}, {"a", "b", "c"},
           {"=== reprise call of a section that starts like a marker (found by fuzz/fixture_reader)"}}) {
    std::string joined = join_completion(sections);
    auto split = split_completion(joined, "c.txt");
    REQUIRE(split);
    CHECK(*split == sections);
    CHECK(join_completion(*split) == joined);
  }
  CHECK(join_completion({"x", "y"}) == "=== reprise call 1/2 ===\nx\n=== reprise call 2/2 ===\ny\n");
}

TEST_CASE("split_completion: marker errors name the file and line", "[eval]") {
  auto skipped = split_completion("=== reprise call 1/3 ===\na\n=== reprise call 3/3 ===\nc\n", "x.completion.txt");
  REQUIRE_FALSE(skipped);
  CHECK(skipped.error().file == "x.completion.txt");
  CHECK(skipped.error().pos.line == 3);
  CHECK(skipped.error().pos.column == 1);
  CHECK(skipped.error().message == "call section marker out of order: expected call 2");
  CHECK(skipped.error().render() ==
        "x.completion.txt:3:1: call section marker out of order: expected call 2\n"
        "    3 | === reprise call 3/3 ===\n"
        "      | ^");

  auto total_changes = split_completion("=== reprise call 1/2 ===\na\n=== reprise call 2/3 ===\nb\n", "x.txt");
  REQUIRE_FALSE(total_changes);
  CHECK(total_changes.error().pos.line == 3);

  // Regression: a first line that starts like a marker but is not one used to
  // append to a section that did not exist (a crash of reprise-eval).
  for (const char* text : {"=== reprise call 1 ===\nhello\n", "=== reprise call one/two ===\n", "=== reprise call \n",
                           "=== reprise call 1/2 === trailing\nx\n"}) {
    INFO(text);
    auto malformed = split_completion(text, "m.txt");
    REQUIRE_FALSE(malformed);
    CHECK(malformed.error().pos.line == 1);
    CHECK(malformed.error().message == "malformed call section marker: expected '=== reprise call 1/<number of calls> ==='");
    CHECK(malformed.error().source_line == line_of(text, 1));
  }

  auto short_by_one = split_completion("=== reprise call 1/3 ===\na\n=== reprise call 2/3 ===\nb\n", "x.txt");
  REQUIRE_FALSE(short_by_one);
  CHECK(short_by_one.error().pos.line == 0);
  CHECK(short_by_one.error().message == "completion declares 3 calls but has 2 sections");
}

// ===========================================================================
// Fixture sidecars

TEST_CASE("parse_fixture: reads every field and fixture_to_text keeps unknown ones", "[eval]") {
  const char* text = R"({
  "format": "reprise.fixture/1",
  "calls": [
    {"request_sha256": "abc", "model": "m", "stop_reason": "tool_use",
     "usage": {"input_tokens": 9, "output_tokens": 2, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1},
     "usage_estimated": true,
     "tool_use": [{"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": 1}}],
     "response_id": "msg_1", "request_id": "req_1",
     "recorded": {"how": "live", "at": "2026-01-01T00:00:00Z"},
     "restamps": [{"from": "old", "at": "2026-01-02T00:00:00Z", "reason": "r"}],
     "future_field": {"kept": true}},
    {}
  ]
})";
  auto fixture = parse_fixture(text, "f.json");
  REQUIRE(fixture);
  REQUIRE(fixture->calls.size() == 2u);
  const FixtureCall& call = fixture->calls[0];
  CHECK(call.request_sha256 == "abc");
  CHECK(call.stop_reason == "tool_use");
  CHECK(call.usage.input_tokens == 9);
  CHECK(call.usage.cache_read_input_tokens == 1);
  CHECK(call.usage_estimated);
  CHECK(call.tool_use[0]["name"] == "lookup");
  CHECK(call.restamps[0]["from"] == "old");
  CHECK(call.extra == Json{{"future_field", {{"kept", true}}}});
  CHECK(fixture->calls[1].request_sha256.empty());  // a seed entry: never stamped

  auto again = parse_fixture(fixture_to_text(*fixture), "f.json");
  REQUIRE(again);
  CHECK(fixture_to_text(*again) == fixture_to_text(*fixture));
  CHECK(Json::parse(fixture_to_text(*fixture))["calls"][0]["future_field"]["kept"] == true);
}

TEST_CASE("parse_fixture: invalid JSON is reported at its line and column", "[eval]") {
  auto cut = parse_fixture("{\n  \"calls\": [\n    {\"model\": \"claude", "x.fixture.json");
  REQUIRE_FALSE(cut);
  CHECK(cut.error().file == "x.fixture.json");
  CHECK(cut.error().pos.line == 3);
  CHECK(cut.error().pos.column == 22);  // just past the last byte read
  CHECK_THAT(cut.error().message, Catch::StartsWith("fixture sidecar is not valid JSON: "));
  CHECK(cut.error().source_line == "    {\"model\": \"claude");  // shown with a caret, as case errors are
  CHECK_THAT(cut.error().render(), Catch::Contains("\n    3 |     {\"model\": \"claude\n"));

  // The corpus's truncated sidecar: a killed write, cut inside request_sha256 (README: 9:50).
  auto corpus = test::read_text(test::source_dir() / "fixtures/bad_cases/eval/coach_narrative/cases/truncated-fixture.fixture.json");
  auto truncated = parse_fixture(corpus, "t.fixture.json");
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().pos.line == 9);
  CHECK(truncated.error().pos.column == 50);
}

TEST_CASE("parse_fixture: a number beyond a double is an error, not an exception", "[eval]") {
  // Found by fuzz/fixture_reader: nlohmann throws out_of_range, not parse_error, for 1e999.
  auto huge = parse_fixture(R"({"format":"reprise.fixture/1","calls":[{"cost_usd":1e999}]})", "h.fixture.json");
  REQUIRE_FALSE(huge);
  CHECK(huge.error().file == "h.fixture.json");
  CHECK_THAT(huge.error().message, Catch::StartsWith("fixture sidecar is not valid JSON: ") && Catch::Contains("number overflow"));
}

TEST_CASE("parse_fixture: shape errors say what is wrong", "[eval]") {
  auto message = [](const char* text) {
    auto parsed = parse_fixture(text, "f.json");
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().file == "f.json");
    return parsed.error().message;
  };
  CHECK(message("[]") == "fixture sidecar must be a JSON object with a 'calls' array");
  CHECK(message(R"({"calls": []})") == "fixture sidecar needs a non-empty 'calls' array");
  CHECK(message(R"({"format": "reprise.fixture/9", "calls": [{}]})") ==
        "fixture sidecar has format \"reprise.fixture/9\", this reprise reads reprise.fixture/1");
  CHECK(message(R"({"calls": [1]})") == "fixture sidecar: calls[0] must be an object");
  CHECK(message(R"({"calls": [{"tool_use": [{"type": "text", "text": "x"}]}]})") ==
        "fixture sidecar: calls[0].tool_use[0] is not a tool_use block");
  CHECK(message(R"({"calls": [{"usage": {"input_tokens": "9"}}]})") ==
        "fixture sidecar: calls[0]/usage/input_tokens: expected an integer");
}

namespace {

// A small request body and a sidecar text recording it for `calls` calls.
Json small_request() {
  return {{"model", "m"},
          {"max_tokens", 64},
          {"system", "Be brief."},
          {"messages", Json::array({{{"role", "user"}, {"content", "hi"}}})}};
}

Json sidecar_recording(const Json& request, std::size_t calls) {
  Json call = {{"request_sha256", llm::request_fingerprint(request)}, {"request", request}};
  return {{"format", kFixtureFormat}, {"calls", Json(std::vector<Json>(calls, call))}};
}

}  // namespace

TEST_CASE("parse_fixture: the recorded request and cost round trip; the request is written last", "[eval]") {
  Fixture fixture;
  FixtureCall live;
  live.request_sha256 = llm::request_fingerprint(small_request());
  live.model = "m";
  live.stop_reason = "end_turn";
  live.cost_usd = 0.0123;
  live.request = small_request();
  live.extra = {{"future_field", 1}};
  fixture.calls.push_back(live);
  fixture.calls.push_back(FixtureCall{});  // a hand-written seed: no request, no cost

  std::string text = fixture_to_text(fixture);
  auto parsed = parse_fixture(text, "f.json");
  REQUIRE(parsed);
  REQUIRE(parsed->calls.size() == 2u);
  CHECK(parsed->calls[0].request == small_request());
  REQUIRE(parsed->calls[0].cost_usd);
  CHECK(*parsed->calls[0].cost_usd == 0.0123);
  CHECK(parsed->calls[0].extra == Json{{"future_field", 1}});
  CHECK(parsed->calls[1].request.is_null());
  CHECK_FALSE(parsed->calls[1].cost_usd);
  CHECK(fixture_to_text(*parsed) == text);

  // A fixed, readable order: the fingerprint first, unknown fields after the
  // known ones, the long request last; absent fields are not written.
  auto ordered = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys, seed_keys, root_keys;
  for (const auto& [key, value] : ordered.items()) root_keys.push_back(key);
  for (const auto& [key, value] : ordered["calls"][0].items()) keys.push_back(key);
  for (const auto& [key, value] : ordered["calls"][1].items()) seed_keys.push_back(key);
  CHECK(root_keys == std::vector<std::string>{"format", "calls"});
  CHECK(keys == std::vector<std::string>{"request_sha256", "model", "stop_reason", "usage", "cost_usd", "future_field", "request"});
  CHECK(seed_keys == std::vector<std::string>{"request_sha256", "model", "stop_reason", "usage"});
}

TEST_CASE("parse_fixture: a recorded request that does not match request_sha256 is refused, naming file and call", "[eval]") {
  const std::string path = "eval/coach_narrative/cases/week.fixture.json";
  Json good = sidecar_recording(small_request(), 2);
  REQUIRE(parse_fixture(good.dump(2), path));

  // The request edited by hand: its fingerprint is no longer the recorded one.
  Json edited = good;
  edited["calls"][1]["request"]["system"] = "Be brief, and kind.";
  auto refused = parse_fixture(edited.dump(2), path);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().file == path);
  CHECK(refused.error().message ==
        "fixture sidecar: calls[1].request (call 2) does not match its request_sha256: the stored request's fingerprint is " +
            llm::request_fingerprint(edited["calls"][1]["request"]).substr(0, 12) + ", the sidecar says " +
            llm::request_fingerprint(small_request()).substr(0, 12) +
            "; the sidecar was edited by hand: restore it, or delete this call's \"request\" and run `reprise stamp` to "
            "record it again");
  CHECK_THAT(refused.error().render(), Catch::StartsWith(path + ": fixture sidecar: calls[1].request (call 2)"));

  // The fingerprint edited instead, or removed.
  Json refingered = good;
  refingered["calls"][0]["request_sha256"] = std::string(64, 'a');
  auto wrong_fingerprint = parse_fixture(refingered.dump(), path);
  REQUIRE_FALSE(wrong_fingerprint);
  CHECK_THAT(wrong_fingerprint.error().message, Catch::Contains("calls[0].request (call 1) does not match") &&
                                                    Catch::Contains("the sidecar says aaaaaaaaaaaa;"));
  Json unstamped = good;
  unstamped["calls"][0].erase("request_sha256");
  auto no_fingerprint = parse_fixture(unstamped.dump(), path);
  REQUIRE_FALSE(no_fingerprint);
  CHECK_THAT(no_fingerprint.error().message, Catch::Contains("the sidecar says nothing;"));

  Json scalar = good;
  scalar["calls"][0]["request"] = "a request";
  auto not_object = parse_fixture(scalar.dump(), path);
  REQUIRE_FALSE(not_object);
  CHECK(not_object.error().message == "fixture sidecar: calls[0].request must be the request body (a JSON object)");

  Json priced = good;
  priced["calls"][0]["cost_usd"] = "0.01";
  auto bad_cost = parse_fixture(priced.dump(), path);
  REQUIRE_FALSE(bad_cost);
  CHECK(bad_cost.error().message == "fixture sidecar: calls[0].cost_usd must be a number (US dollars)");

  Json recorded_null = good;
  recorded_null["calls"][0]["request"] = nullptr;  // null: not recorded, which is no error
  auto not_recorded = parse_fixture(recorded_null.dump(), path);
  REQUIRE(not_recorded);
  CHECK(not_recorded->calls[0].request.is_null());
}

// ===========================================================================
// The case parser

TEST_CASE("parse_case: a valid case reads into the model with positions", "[eval]") {
  ParsedCase parsed = parse(kCase);
  for (const auto& error : parsed.errors) FAIL(error.render());
  const Case& value = parsed.value;
  CHECK(value.id == "week");
  CHECK(value.agent == "coach_narrative");
  CHECK(value.test_name() == "coach_narrative/week");
  CHECK(value.tags == std::vector<std::string>{"on_track", "smoke"});
  CHECK(value.id_pos.line == 1);
  CHECK(value.id_pos.column == 5);
  CHECK(value.id_source == "id: week");
  CHECK(value.verdict.present);
  CHECK(value.verdict.labels == std::vector<std::string>{"on_track"});
  REQUIRE(value.verdict.score);
  CHECK(value.verdict.score->min == 0.1);
  CHECK(value.verdict.pos.line == 18);
  REQUIRE(value.checks.size() == 2u);
  CHECK(value.checks[0].kind == Check::Kind::contains);
  CHECK(value.checks[0].operand == "29%");
  CHECK(value.checks[0].pos.line == 21);
  CHECK(value.checks[0].pos.column == 7);
  CHECK(value.checks[0].source == "    - contains: \"29%\"");
  CHECK(value.checks[1].kind == Check::Kind::equals);
  CHECK(value.checks[1].at == "/status");
  REQUIRE(value.requests.size() == 1u);
  CHECK(value.requests[0].model == "claude-sonnet-4-5-20250929");
  CHECK(value.requests[0].max_tokens->max == 800);
  CHECK(value.requests[0].temperature->min == 0.4);
  CHECK(value.requests[0].temperature->max == 0.4);
  REQUIRE(value.requests[0].tools);
  CHECK(value.requests[0].tools->empty());  // "offers no tools", not "not checked"
  CHECK(value.requests[0].pos.line == 25);
}

TEST_CASE("parse_case: YAML 1.2 scalar typing in the input", "[eval]") {
  ParsedCase parsed = parse(kCase);
  REQUIRE(parsed.errors.empty());
  const Json& input = parsed.value.input;
  CHECK(input["metrics"]["income"].is_number_integer());
  CHECK(input["metrics"]["income"] == 1850);
  CHECK(input["metrics"]["savings_rate"].is_number_float());
  CHECK(input["week"]["start"] == "2026-03-02");
  CHECK(input["week"]["start"].is_string());
  CHECK(input["user"]["first_name"] == "Maya");
}

TEST_CASE("yaml_to_json: plain scalars are typed, quoted and block scalars are strings", "[eval]") {
  YAML::Node node = YAML::Load(
      "quoted: \"5\"\nsingle: '5'\nint: 5\nfloat: 5.0\nexp: 1e3\nleading_dot: .5\nnegative: -7\nplus: +3\n"
      "yes_word: yes\non_word: on\ntrue_word: true\nTrue_word: True\nquoted_true: \"true\"\nnull_word: null\n"
      "tilde: ~\nempty:\nmixed: 5a\nversion: 1.2.3\nblock: |\n  5\nfolded: >-\n  7\ntagged: !!str 5\n"
      "huge: 99999999999999999999\nlist: [1, \"1\", x]\n");
  Json json = yaml_to_json(node, "", nullptr);
  CHECK(json["quoted"] == "5");
  CHECK(json["single"] == "5");
  CHECK(json["int"] == 5);
  CHECK(json["int"].is_number_integer());
  CHECK(json["float"].is_number_float());
  CHECK(json["float"] == 5.0);
  CHECK(json["exp"] == 1000.0);
  CHECK(json["leading_dot"] == 0.5);
  CHECK(json["negative"] == -7);
  CHECK(json["plus"] == 3);
  CHECK(json["yes_word"] == "yes");  // YAML 1.1's booleans are strings in 1.2
  CHECK(json["on_word"] == "on");
  CHECK(json["true_word"] == true);
  CHECK(json["True_word"] == true);
  CHECK(json["quoted_true"] == "true");
  CHECK(json["null_word"].is_null());
  CHECK(json["tilde"].is_null());
  CHECK(json["empty"].is_null());
  CHECK(json["mixed"] == "5a");
  CHECK(json["version"] == "1.2.3");
  CHECK(json["block"] == "5\n");
  CHECK(json["folded"] == "7");
  CHECK(json["tagged"] == "5");
  CHECK(json["huge"].is_number_float());
  CHECK(json["list"] == Json::array({1, "1", "x"}));
}

TEST_CASE("yaml_to_json: positions by JSON pointer; key position for scalar values", "[eval]") {
  YAML::Node node = YAML::Load("a:\n  b: 1\n  c:\n    - x\n    - {d/e: 2}\n");
  PositionMap positions;
  yaml_to_json(node, "", &positions);
  CHECK(positions.at("/a/b").line == 2);
  CHECK(positions.at("/a/b").column == 3);
  CHECK(positions.at("/a/c/1").line == 5);
  CHECK(positions.at("/a/c/1/d~1e").column == 8);  // '/' in a key is escaped as ~1
}

TEST_CASE("parse_case: check operands keep their YAML type", "[eval]") {
  std::string text = replace_once(kCase, "    - contains: \"29%\"\n",
                                  "    - equals: \"5\"\n      at: /a\n    - equals: 5\n      at: /b\n"
                                  "    - equals: 5.0\n      at: /c\n    - equals: true\n      at: /d\n"
                                  "    - equals: [1, \"2\"]\n      at: /e\n");
  ParsedCase parsed = parse(text);
  REQUIRE(parsed.errors.empty());
  REQUIRE(parsed.value.checks.size() == 6u);
  CHECK(parsed.value.checks[0].operand.is_string());
  CHECK(parsed.value.checks[1].operand.is_number_integer());
  CHECK(parsed.value.checks[2].operand.is_number_float());
  CHECK(parsed.value.checks[3].operand.is_boolean());
  CHECK(parsed.value.checks[4].operand == Json::array({1, "2"}));
}

TEST_CASE("parse_case: YAML syntax errors carry the library's position", "[eval]") {
  ParsedCase indent = parse(replace_once(kCase, "    spending: 1310", "   spending: 1310"));
  CHECK_THAT(only_error(indent), Catch::StartsWith("YAML syntax error: "));
  CHECK(indent.errors[0].pos.line == 10);
  CHECK(indent.errors[0].pos.column == 4);
  CHECK(indent.errors[0].source_line == "   spending: 1310");

  ParsedCase quote = parse(replace_once(kCase, "[\"weekly money coach\"]", "[\"weekly money coach]"));
  CHECK_THAT(only_error(quote), Catch::StartsWith("YAML syntax error: "));
  CHECK(quote.errors[0].pos.line == 30);  // where the library notices (here: the end), not where the quote opened (28)
}

TEST_CASE("parse_case: each schema error at its line and column", "[eval]") {
  SECTION("not a mapping") {
    require_one_error("- a\n- b\n", {1, 1, "a case file must be a mapping with keys id, agent, description, input, expect; found a list"});
  }
  SECTION("tags not a list") {
    require_one_error(replace_once(kCase, "tags: [on_track, smoke]", "tags: 5"), {4, 7, "'tags' must be a list of names, not a scalar"});
  }
  SECTION("bad tag") {
    require_one_error(replace_once(kCase, "tags: [on_track, smoke]", "tags: [on_track, Smoke Test]"),
                      {4, 18, "tag 'Smoke Test' must be lowercase letters, digits, '-' or '_'"});
  }
  SECTION("expect is a list") {
    require_one_error(kCaseHead + "expect: [on_track]\n", {16, 9, "'expect' must be a mapping with verdict, assert and/or request, not a list"});
  }
  SECTION("misspelt top-level key: one error, with the suggestion, and no 'missing' twin") {
    require_one_error(kCaseHead + replace_once(kCaseExpect, "expect:", "expcet:"), {16, 1, "unknown key 'expcet' (did you mean 'expect'?)"});
  }
  SECTION("unknown key with nothing close") {
    require_one_error(kCase + "owner: sam\n", {30, 1, "unknown key 'owner'"});
  }
  SECTION("duplicate key") {
    require_one_error(kCase + "tags: [again]\n", {30, 1, "duplicate key 'tags'"});
  }
  SECTION("missing required key") {
    require_one_error(replace_once(kCase, "description: A steady week.\n", ""), {1, 1, "missing required key 'description'"});
  }
  SECTION("empty description") {
    require_one_error(replace_once(kCase, "description: A steady week.", "description: \"\""), {3, 14, "'description' must not be empty"});
  }
  SECTION("id does not match the file name") {
    require_one_error(kCase, {1, 5, "'id' is 'week' but the file is named 'other.yaml': they must match"}, "other");
  }
  SECTION("id with capitals") {
    require_one_error(replace_once(kCase, "id: week", "id: Week"),
                      {1, 5, "'id' must be lowercase letters, digits, '-' or '_' (at most 100), got 'Week'"});
  }
  SECTION("agent does not match the folder") {
    require_one_error(kCase, {2, 8, "'agent' is 'coach_narrative' but the case is in eval/committee_narrator/cases/: they must match"},
                      "week", "committee_narrator");
  }
  SECTION("unknown agent, with a suggestion") {
    require_one_error(replace_once(kCase, "agent: coach_narrative", "agent: coach_narative"),
                      {2, 8, "unknown agent 'coach_narative' (did you mean 'coach_narrative'?)"}, "week", "coach_narative");
  }
  SECTION("unknown agent, nothing close") {
    require_one_error(replace_once(kCase, "agent: coach_narrative", "agent: no_such_agent"), {2, 8, "unknown agent 'no_such_agent'"},
                      "week", "no_such_agent");
  }
  SECTION("the agent rejects the input, at the value's line") {
    require_one_error(replace_once(kCase, "savings_rate: 0.292", "savings_rate: \"high\""),
                      {11, 5, "input/metrics/savings_rate: 'savings_rate' must be a number, not a string"});
  }
  SECTION("a misspelt input key, with the agent's suggestion") {
    require_one_error(replace_once(kCase, "  categories:\n", "  categories:\n    - {name: Rent, spent: 1, budget: 2, budgt: 2}\n"),
                      {15, 41, "input/categories/0/budgt: unknown key 'budgt' (did you mean 'budget'?)"});
  }
  SECTION("verdict is a list") {
    require_one_error(replace_once(kCase, "  verdict:\n    labels: [on_track]\n    score: {min: 0.1, max: 0.9}\n", "  verdict: [on_track]\n"),
                      {17, 12, "'expect.verdict' must be a mapping with labels and/or score, not a list"});
  }
  SECTION("verdict with a misspelt labels: one error, not also 'needs labels or score'") {
    require_one_error(replace_once(kCase, "    labels: [on_track]\n    score: {min: 0.1, max: 0.9}\n", "    lables: [on_track]\n"),
                      {18, 5, "unknown key 'lables' in 'expect.verdict' (did you mean 'labels'?)"});
  }
  SECTION("score band upside down") {
    require_one_error(replace_once(kCase, "{min: 0.1, max: 0.9}", "{min: 0.9, max: 0.1}"),
                      {19, 12, "'expect.verdict.score': min is greater than max"});
  }
  SECTION("score not a number") {
    require_one_error(replace_once(kCase, "{min: 0.1, max: 0.9}", "{min: low, max: 0.9}"), {19, 18, "'expect.verdict.score.min' must be a number"});
  }
  SECTION("a check with two kinds") {
    require_one_error(replace_once(kCase, "- contains: \"29%\"", "- {contains: a, icontains: b}"),
                      {21, 7, "a check needs exactly one of contains, not_contains, icontains, regex, min_words, max_words, is_json, equals; found 2"});
  }
  SECTION("a check that is not a mapping") {
    require_one_error(replace_once(kCase, "- contains: \"29%\"", "- \"29%\""),
                      {21, 7, "each check must be a mapping like '- contains: text', not a scalar"});
  }
  SECTION("misspelt check kind") {
    require_one_error(replace_once(kCase, "- contains: \"29%\"", "- contians: \"29%\"\n      contains: x"),
                      {21, 7, "unknown key 'contians' in a check (did you mean 'contains'?)"});
  }
  SECTION("equals without at") {
    require_one_error(replace_once(kCase, "      at: /status\n", ""), {22, 7, "'equals' needs 'at': the JSON pointer of the output field it compares"});
  }
  SECTION("at that is not a pointer") {
    require_one_error(replace_once(kCase, "at: /status", "at: status"), {23, 11, "'at' must be a JSON pointer starting with '/'"});
  }
  SECTION("call 0") {
    require_one_error(replace_once(kCase, "- contains: \"29%\"", "- contains: \"29%\"\n      call: 0"),
                      {22, 13, "'call' must be a call number, 1 or more"});
  }
  SECTION("empty contains") {
    require_one_error(replace_once(kCase, "- contains: \"29%\"", "- contains: \"\""), {21, 17, "'contains' needs a non-empty string"});
  }
  SECTION("regex that does not compile") {
    ParsedCase parsed = parse(replace_once(kCase, "- contains: \"29%\"", "- regex: '(unclosed'"));
    CHECK_THAT(only_error(parsed), Catch::StartsWith("'regex' does not compile: "));
    CHECK(parsed.errors[0].pos.line == 21);
    CHECK(parsed.errors[0].pos.column == 14);
  }
  SECTION("min_words negative") {
    require_one_error(replace_once(kCase, "- contains: \"29%\"", "- min_words: -1"), {21, 18, "'min_words' needs a whole number, 0 or more"});
  }
  SECTION("max_words as a quoted string") {
    require_one_error(replace_once(kCase, "- contains: \"29%\"", "- max_words: \"200\""), {21, 18, "'max_words' needs a whole number, 0 or more"});
  }
  SECTION("is_json: yes is a string in YAML 1.2") {
    require_one_error(replace_once(kCase, "- contains: \"29%\"", "- is_json: yes"), {21, 16, "'is_json' needs true or false"});
  }
  SECTION("assert not a list") {
    require_one_error(replace_once(kCase, "  assert:\n    - contains: \"29%\"\n    - equals: on_track\n      at: /status\n", "  assert: {contains: x}\n"),
                      {20, 11, "'expect.assert' must be a list of checks, not a mapping"});
  }
  SECTION("misspelt request key") {
    require_one_error(replace_once(kCase, "    model: claude", "    modle: claude"),
                      {25, 5, "unknown key 'modle' in 'expect.request' (did you mean 'model'?)"});
  }
  SECTION("misspelt band key: one error, not also 'needs min or max'") {
    require_one_error(replace_once(kCase, "max_tokens: {min: 600, max: 800}", "max_tokens: {mn: 600}"),
                      {26, 18, "unknown key 'mn' in 'max_tokens' (did you mean 'min'?)"});
  }
  SECTION("misspelt assert with no verdict: one error, not also 'needs a verdict band or an assertion'") {
    require_one_error(kCaseHead + "expect:\n  asert:\n    - contains: x\n", {17, 3, "unknown key 'asert' in 'expect' (did you mean 'assert'?)"});
  }
  SECTION("verdict with neither labels nor score") {
    require_one_error(replace_once(kCase, "    labels: [on_track]\n    score: {min: 0.1, max: 0.9}\n", "    {}\n"),
                      {18, 5, "'expect.verdict' needs labels or score"});
  }
  SECTION("request band needs min or max") {
    require_one_error(replace_once(kCase, "max_tokens: {min: 600, max: 800}", "max_tokens: {}"), {26, 17, "'max_tokens' needs min or max"});
  }
  SECTION("an expect that checks nothing") {
    require_one_error(kCaseHead + "expect:\n  request:\n    model: m\n",
                      {17, 3, "'expect' needs a verdict band or at least one assertion: a case that checks nothing cannot fail"});
  }
}

TEST_CASE("parse_case: every problem of a file is reported, not only the first", "[eval]") {
  std::string text = replace_once(kCaseHead, "tags: [on_track, smoke]", "tags: 5") + replace_once(kCaseExpect, "at: /status", "at: status");
  text = replace_once(text, "income: 1850", "income: lots");
  ParsedCase parsed = parse(text, "wrong-name");
  std::vector<std::pair<int, std::string>> found;
  for (const auto& error : parsed.errors) found.emplace_back(error.pos.line, error.message);
  CHECK(found == std::vector<std::pair<int, std::string>>{
                     {1, "'id' is 'week' but the file is named 'wrong-name.yaml': they must match"},
                     {4, "'tags' must be a list of names, not a scalar"},
                     {9, "input/metrics/income: 'income' must be a number, not a string"},
                     {23, "'at' must be a JSON pointer starting with '/'"},
                 });
}

TEST_CASE("LoadError::render: file:line:col, then the line and a caret under the column", "[eval]") {
  ParsedCase parsed = parse(replace_once(kCase, "tags: [on_track, smoke]", "tags: 5"));
  REQUIRE(parsed.errors.size() == 1u);
  CHECK(parsed.errors[0].render() ==
        "cases/week.yaml:4:7: 'tags' must be a list of names, not a scalar\n"
        "    4 | tags: 5\n"
        "      |       ^");

  ParsedCase misspelt = parse(kCaseHead + replace_once(kCaseExpect, "expect:", "expcet:"));
  REQUIRE(misspelt.errors.size() == 1u);
  CHECK(misspelt.errors[0].render() ==
        "cases/week.yaml:16:1: unknown key 'expcet' (did you mean 'expect'?)\n"
        "   16 | expcet:\n"
        "      | ^");

  CHECK(LoadError{"a/b.completion.txt", {}, "completion file is empty", ""}.render() == "a/b.completion.txt: completion file is empty");
  CHECK(LoadError{"f.json", {9, 50}, "bad", ""}.render() == "f.json:9:50: bad");
}

TEST_CASE("line_of: 1-based lines, CR dropped, out of range is empty", "[eval]") {
  CHECK(line_of("a\nb\r\nc", 1) == "a");
  CHECK(line_of("a\nb\r\nc", 2) == "b");
  CHECK(line_of("a\nb\r\nc", 3) == "c");
  CHECK(line_of("a\nb\r\nc", 4).empty());
  CHECK(line_of("a", 0).empty());
}

// ===========================================================================
// Expectations

namespace {

agents::AgentOutput output_of(std::vector<std::string> completions, Json output = Json::object()) {
  agents::AgentOutput result;
  result.completions = std::move(completions);
  result.output = std::move(output);
  return result;
}

Check make_check(Check::Kind kind, Json operand, std::string at = "", int call = 0) {
  Check check;
  check.kind = kind;
  check.operand = std::move(operand);
  check.at = std::move(at);
  check.call = call;
  check.pos = {12, 7};
  return check;
}

CheckResult check_one(const Check& check, const agents::AgentOutput& output) {
  auto results = check_assertions({check}, output);
  REQUIRE(results.size() == 1u);
  CHECK(results[0].pos.line == 12);
  return results[0];
}

}  // namespace

TEST_CASE("expectations: contains, not_contains, icontains", "[eval]") {
  auto out = output_of({"Your Emergency Fund grew."});
  auto pass = check_one(make_check(Check::Kind::contains, "Emergency Fund"), out);
  CHECK(pass.passed);
  CHECK(pass.message.empty());
  CHECK(pass.expression == "contains: \"Emergency Fund\"");

  auto fail = check_one(make_check(Check::Kind::contains, "emergency fund"), out);
  CHECK_FALSE(fail.passed);
  CHECK(fail.message == "expected: text containing \"emergency fund\"\n  actual: completion \"Your Emergency Fund grew.\"");

  CHECK(check_one(make_check(Check::Kind::not_contains, "As an AI"), out).passed);
  auto present = check_one(make_check(Check::Kind::not_contains, "grew"), out);
  CHECK_FALSE(present.passed);
  CHECK_THAT(present.message, Catch::StartsWith("expected: text not containing \"grew\""));

  CHECK(check_one(make_check(Check::Kind::icontains, "emergency FUND"), out).passed);
  auto absent = check_one(make_check(Check::Kind::icontains, "japan"), out);
  CHECK_FALSE(absent.passed);
  CHECK_THAT(absent.message, Catch::Contains("\"japan\" in any case"));
}

TEST_CASE("expectations: regex searches anywhere", "[eval]") {
  auto out = output_of({"You spent $412 on dining."});
  CHECK(check_one(make_check(Check::Kind::regex, R"(\$\d{2,})"), out).passed);
  auto fail = check_one(make_check(Check::Kind::regex, R"(^\d+$)"), out);
  CHECK_FALSE(fail.passed);
  CHECK_THAT(fail.message, Catch::StartsWith("expected: text matching /^\\d+$/"));
}

TEST_CASE("expectations: min_words and max_words count words", "[eval]") {
  auto out = output_of({"one two three four"});
  CHECK(check_one(make_check(Check::Kind::min_words, 4), out).passed);
  CHECK(check_one(make_check(Check::Kind::max_words, 4), out).passed);
  auto too_few = check_one(make_check(Check::Kind::min_words, 5), out);
  CHECK_FALSE(too_few.passed);
  CHECK(too_few.message == "expected: at least 5 words\n  actual: 4 words in completion");
  auto too_many = check_one(make_check(Check::Kind::max_words, 3), out);
  CHECK_FALSE(too_many.passed);
  CHECK(too_many.message == "expected: at most 3 words\n  actual: 4 words in completion");
}

TEST_CASE("expectations: is_json on a completion and on an output field", "[eval]") {
  CHECK(check_one(make_check(Check::Kind::is_json, true), output_of({"{\"a\": 1}"})).passed);
  auto prose = check_one(make_check(Check::Kind::is_json, true), output_of({"Sure! {\"a\": 1}"}));
  CHECK_FALSE(prose.passed);
  CHECK_THAT(prose.message, Catch::StartsWith("expected: valid JSON"));
  CHECK(check_one(make_check(Check::Kind::is_json, false), output_of({"plain prose"})).passed);
  CHECK_FALSE(check_one(make_check(Check::Kind::is_json, false), output_of({"[1, 2]"})).passed);

  auto out = output_of({"x"}, {{"seo", {{"title", "T"}}}, {"raw", "{\"k\": 2}"}, {"prose", "not json"}});
  CHECK(check_one(make_check(Check::Kind::is_json, true, "/seo"), out).passed);
  CHECK(check_one(make_check(Check::Kind::is_json, true, "/raw"), out).passed);
  CHECK_FALSE(check_one(make_check(Check::Kind::is_json, true, "/prose"), out).passed);
}

TEST_CASE("expectations: equals compares the value at a pointer, type included", "[eval]") {
  auto out = output_of({"x"}, {{"verdict", {{"label", "approve"}, {"confidence", 0.85}}}, {"count", 5}, {"flags", Json::array({1, 2})}});
  CHECK(check_one(make_check(Check::Kind::equals, "approve", "/verdict/label"), out).passed);
  CHECK(check_one(make_check(Check::Kind::equals, 0.85, "/verdict/confidence"), out).passed);
  CHECK(check_one(make_check(Check::Kind::equals, Json::array({1, 2}), "/flags"), out).passed);

  auto wrong = check_one(make_check(Check::Kind::equals, "reject", "/verdict/label"), out);
  CHECK_FALSE(wrong.passed);
  CHECK(wrong.message == "expected: \"reject\"\n  actual: \"approve\"");
  CHECK(wrong.expression == "equals: \"reject\" (at /verdict/label)");

  auto string_five = check_one(make_check(Check::Kind::equals, "5", "/count"), out);
  CHECK_FALSE(string_five.passed);  // "5" is not 5
  CHECK(string_five.message == "expected: \"5\"\n  actual: 5");
}

TEST_CASE("expectations: at and call choose the target; a missing one fails clearly", "[eval]") {
  auto out = output_of({"draft with Term", "final text"}, {{"seo", {{"title", "Term life"}}}});
  CHECK(check_one(make_check(Check::Kind::contains, "Term", "/seo/title"), out).passed);
  CHECK(check_one(make_check(Check::Kind::contains, "final"), out).passed);  // default: the final call
  CHECK(check_one(make_check(Check::Kind::contains, "draft", "", 1), out).passed);
  auto first_call = check_one(make_check(Check::Kind::contains, "final", "", 1), out);
  CHECK_FALSE(first_call.passed);
  CHECK_THAT(first_call.message, Catch::Contains("actual: completion of call 1 \"draft with Term\""));
  CHECK(first_call.expression == "contains: \"final\" (call 1)");

  auto no_field = check_one(make_check(Check::Kind::contains, "x", "/seo/slug"), out);
  CHECK_FALSE(no_field.passed);
  CHECK(no_field.message == "expected: a value to check\n  actual: the output has no field /seo/slug");

  auto no_call = check_one(make_check(Check::Kind::contains, "x", "", 3), out);
  CHECK_FALSE(no_call.passed);
  CHECK(no_call.message == "expected: a value to check\n  actual: the case made 2 call(s)");
}

TEST_CASE("check_verdict: labels and score band, pass and fail", "[eval]") {
  VerdictBand band;
  band.present = true;
  band.labels = {"watch", "off_track"};
  band.score = NumberBand{0.55, 0.9};
  band.pos = {18, 5};

  auto inside = check_verdict(band, agents::Verdict{"watch", 0.6});
  REQUIRE(inside.size() == 2u);
  CHECK(inside[0].passed);
  CHECK(inside[1].passed);
  CHECK(inside[0].pos.line == 18);

  auto outside = check_verdict(band, agents::Verdict{"on_track", 0.95});
  REQUIRE(outside.size() == 2u);
  CHECK_FALSE(outside[0].passed);
  CHECK(outside[0].message == "expected: a label in [\"watch\",\"off_track\"]\n  actual: \"on_track\"");
  CHECK_FALSE(outside[1].passed);
  CHECK(outside[1].message == "expected: a score 0.55 to 0.9\n  actual: 0.95");

  auto edges = check_verdict(band, agents::Verdict{"off_track", 0.55});
  CHECK((edges[0].passed && edges[1].passed));  // bounds are inclusive

  auto nothing = check_verdict(band, agents::Verdict{});
  CHECK(nothing[0].message == "expected: a label in [\"watch\",\"off_track\"]\n  actual: the agent gave no label");
  CHECK(nothing[1].message == "expected: a score 0.55 to 0.9\n  actual: the agent gave no score");

  VerdictBand at_least;
  at_least.present = true;
  at_least.score = NumberBand{0.7, std::nullopt};
  auto low = check_verdict(at_least, agents::Verdict{std::nullopt, 0.5});
  REQUIRE(low.size() == 1u);
  CHECK(low[0].message == "expected: a score at least 0.7\n  actual: 0.5");

  CHECK(check_verdict(VerdictBand{}, agents::Verdict{"anything", 0.0}).empty());
}

TEST_CASE("check_requests: each request expectation, pass and fail", "[eval]") {
  Json first = Json::parse(R"({"model":"claude-sonnet-4-5-20250929","max_tokens":700,"temperature":0.4,
      "system":[{"type":"text","text":"You are a weekly money coach."}],
      "messages":[{"role":"user","content":"Hi, I am Maya."}],
      "tools":[{"name":"get_balance","description":"","input_schema":{}},{"name":"get_spending","description":"","input_schema":{}}]})");
  Json second = Json::parse(R"({"model":"claude-sonnet-4-5-20250929","max_tokens":700,
      "system":"You are a weekly money coach.",
      "messages":[{"role":"user","content":"Hi"},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"412.50 USD"}]}]})");
  std::vector<ObservedCall> calls = {{"f1", first}, {"f2", second}};

  RequestExpectation all;
  all.pos = {25, 5};
  all.model = "claude-sonnet-4-5-20250929";
  all.max_tokens = NumberBand{600, 800};
  all.system_contains = {"weekly money coach"};
  all.system_not_contains = {"investment advice is fine"};
  all.messages_not_contain = {"sk-ant-"};
  auto passing = check_requests({all}, calls);
  REQUIRE(passing.size() == 10u);  // five checks on each of two calls
  for (const auto& result : passing) {
    INFO(result.expression << "\n" << result.message);
    CHECK(result.passed);
    CHECK(result.pos.line == 25);
  }

  RequestExpectation second_call;
  second_call.call = 2;
  second_call.temperature = NumberBand{0.0, 0.5};
  second_call.fields_present = {"system", "tools"};
  second_call.messages_contain = {"412.50 USD", "Maya"};
  second_call.tools = std::vector<std::string>{"get_balance"};
  auto failing = check_requests({second_call}, calls);
  std::vector<std::string> messages;
  for (const auto& result : failing) messages.push_back(result.expression + " | " + (result.passed ? "pass" : result.message));
  REQUIRE(messages.size() == 6u);
  CHECK(messages[0] == "request (call 2): temperature | expected: 0 to 0.5\n  actual: temperature not set");
  CHECK(messages[1] == "request (call 2): fields_present | pass");
  CHECK(messages[2] == "request (call 2): fields_present | expected: field 'tools' present\n  actual: absent");
  CHECK(messages[3] == "request (call 2): messages_contain | pass");  // found inside a tool_result block
  CHECK_THAT(messages[4], Catch::StartsWith("request (call 2): messages_contain | expected: messages containing \"Maya\"\n  actual: messages \"Hi"));
  CHECK(messages[5] == "request (call 2): tools | expected: [\"get_balance\"]\n  actual: []");

  // Roles, block types and ids are the API's markers, not text the prompt says.
  RequestExpectation markers;
  markers.call = 2;
  markers.messages_contain = {"user", "tool_result"};
  for (const auto& result : check_requests({markers}, calls)) {
    INFO(result.expression);
    CHECK_FALSE(result.passed);
  }

  RequestExpectation tools_first;
  tools_first.call = 1;
  tools_first.tools = std::vector<std::string>{"get_spending", "get_balance"};  // order does not matter
  tools_first.model = "claude-opus-4-5-20251101";
  auto tools = check_requests({tools_first}, calls);
  REQUIRE(tools.size() == 2u);
  CHECK_FALSE(tools[0].passed);
  CHECK(tools[0].message == "expected: \"claude-opus-4-5-20251101\"\n  actual: \"claude-sonnet-4-5-20250929\"");
  CHECK(tools[1].passed);

  RequestExpectation third;
  third.call = 3;
  third.model = "m";
  auto missing = check_requests({third}, calls);
  REQUIRE(missing.size() == 1u);
  CHECK_FALSE(missing[0].passed);
  CHECK(missing[0].message == "expected: a call 3\n  actual: 2 call(s) made");
}

TEST_CASE("check_requests: a failed check is reported at its own key's line", "[eval]") {
  ParsedCase parsed = parse(kCase);
  REQUIRE(parsed.errors.empty());
  REQUIRE(parsed.value.requests.size() == 1u);
  const RequestExpectation& expect = parsed.value.requests[0];
  CHECK(expect.pos.line == 25);
  CHECK(expect.pos_of("temperature").line == 27);
  CHECK(expect.pos_of("temperature").column == 5);
  CHECK(expect.pos_of("system_contains").line == 28);
  CHECK(expect.pos_of("no_such_key").line == expect.pos.line);
  Json body = {{"model", "claude-sonnet-4-5-20250929"}, {"max_tokens", 700}, {"temperature", 1.0},
               {"system", "You are a weekly money coach."}, {"messages", Json::array()}, {"tools", Json::array()}};
  std::vector<ObservedCall> calls{ObservedCall{"", body}};
  int failed = 0;
  for (const auto& result : check_requests(parsed.value.requests, calls)) {
    if (result.passed) continue;
    ++failed;
    CHECK(result.expression == "request (call 1): temperature");
    CHECK(result.pos.line == 27);
  }
  CHECK(failed == 1);
}

// ===========================================================================
// The replay transport

TEST_CASE("ReplayTransport: serves each recorded call as an API body and records what was sent", "[eval]") {
  std::vector<std::string> completions = {"", "Final answer."};
  Fixture fixture;
  FixtureCall tool_call;
  tool_call.model = "claude-sonnet-4-5-20250929";
  tool_call.tool_use = Json::array({{{"type", "tool_use"}, {"id", "toolu_1"}, {"name", "lookup"}, {"input", {{"q", 1}}}}});
  tool_call.request_id = "req_rec";
  fixture.calls.push_back(tool_call);
  ReplayTransport transport(completions, fixture);

  llm::HttpRequest request;
  request.body = R"({"model":"m","max_tokens":5,"messages":[]})";
  auto first = transport.send(request);
  CHECK(first.status == 200);
  CHECK(llm::find_header(first.headers, "request-id") == "req_rec");
  Json body = Json::parse(first.body);
  CHECK(body["content"] == tool_call.tool_use);  // no empty text block before the tool_use
  CHECK(body["stop_reason"] == "tool_use");
  CHECK(body["model"] == "claude-sonnet-4-5-20250929");

  auto second = transport.send(request);  // a seed sidecar: no entry for call 2
  Json second_body = Json::parse(second.body);
  CHECK(second_body["content"] == Json::array({{{"type", "text"}, {"text", "Final answer."}}}));
  CHECK(second_body["stop_reason"] == "end_turn");
  CHECK(second_body["model"] == "m");

  auto third = transport.send(request);
  REQUIRE(third.failure);
  CHECK(third.failure->message == "cached replay has no recorded answer for call 3: the fixture records 2 call(s)");

  REQUIRE(transport.observed().size() == 3u);
  CHECK(transport.observed()[0].fingerprint == llm::request_fingerprint(Json::parse(request.body)));
  CHECK(transport.observed()[0].body == Json::parse(request.body));
}

// ===========================================================================
// Loading a suite: the bad-case corpus (fixtures/bad_cases/README.md)

namespace {

const fs::path kCorpus = test::source_dir() / "fixtures/bad_cases/eval";

struct CorpusError {
  std::string test_name;
  std::string file_suffix;  // the path the error names, relative to the eval root
  int line;
  int column;
  std::string message;      // exact, or a prefix when `prefix` is set
  bool prefix = false;
};

const std::vector<CorpusError> kCorpusErrors = {
    {"coach_narrative/unclosed-quote", "coach_narrative/cases/unclosed-quote.yaml", 37, 25, "YAML syntax error", true},
    {"coach_narrative/bad-indent", "coach_narrative/cases/bad-indent.yaml", 11, 4, "YAML syntax error", true},
    {"coach_narrative/tags-not-a-list", "coach_narrative/cases/tags-not-a-list.yaml", 5, 7, "'tags' must be a list of names, not a scalar"},
    {"coach_narrative/expect-is-a-list", "coach_narrative/cases/expect-is-a-list.yaml", 24, 9,
     "'expect' must be a mapping with verdict, assert and/or request, not a list"},
    {"coach_narrative/misspelt-expect", "coach_narrative/cases/misspelt-expect.yaml", 24, 1, "unknown key 'expcet' (did you mean 'expect'?)"},
    {"coach_narrative/id-mismatch", "coach_narrative/cases/id-mismatch.yaml", 1, 5,
     "'id' is 'steady-week' but the file is named 'id-mismatch.yaml': they must match"},
    {"committee_narrator/filed-in-wrong-folder", "committee_narrator/cases/filed-in-wrong-folder.yaml", 2, 8,
     "'agent' is 'coach_narrative' but the case is in eval/committee_narrator/cases/: they must match"},
    {"no_such_agent/orphan-case", "no_such_agent/cases/orphan-case.yaml", 2, 8, "unknown agent 'no_such_agent'"},
    {"coach_narrative/missing-completion", "coach_narrative/cases/missing-completion.completion.txt", 0, 0, "missing completion file", true},
    {"coach_narrative/empty-completion", "coach_narrative/cases/empty-completion.completion.txt", 0, 0, "completion file is empty"},
    {"coach_narrative/truncated-fixture", "coach_narrative/cases/truncated-fixture.fixture.json", 9, 50,
     "fixture sidecar is not valid JSON", true},
    {"committee_narrator/same-id", "committee_narrator/cases/same-id.yaml", 1, 5,
     "duplicate case id 'same-id': already used by ", true},
    {"invalid/coach_narrative/stray.yaml", "coach_narrative/stray.yaml", 0, 0, "case file outside eval/<agent>/cases/", true},
    {"coach_narrative/savings-rate-not-a-number", "coach_narrative/cases/savings-rate-not-a-number.yaml", 12, 5,
     "input/metrics/savings_rate: 'savings_rate' must be a number, not a string"},
};

const BrokenCase* find_broken(const Suite& suite, const std::string& name) {
  for (const auto& broken : suite.broken) {
    if (broken.test_name == name) return &broken;
  }
  return nullptr;
}

const LoadedCase* find_loaded(const Suite& suite, const std::string& name) {
  for (const auto& loaded : suite.cases) {
    if (loaded.spec.test_name() == name) return &loaded;
  }
  return nullptr;
}

void check_corpus(const Suite& suite) {
  CHECK(suite.broken.size() == kCorpusErrors.size());
  for (const auto& expected : kCorpusErrors) {
    INFO(expected.test_name);
    const BrokenCase* broken = find_broken(suite, expected.test_name);
    REQUIRE(broken != nullptr);
    REQUIRE(broken->errors.size() == 1u);  // one broken file, one error: never a second report of the same mistake
    const LoadError& error = broken->errors[0];
    INFO(error.render());
    CHECK(ends_with(error.file, expected.file_suffix));
    CHECK(error.pos.line == expected.line);
    CHECK(error.pos.column == expected.column);
    if (expected.prefix) {
      CHECK_THAT(error.message, Catch::StartsWith(expected.message));
    } else {
      CHECK(error.message == expected.message);
    }
    if (expected.line > 0 && ends_with(error.file, ".yaml")) {
      CHECK(error.source_line == line_of(test::read_text(kCorpus / expected.file_suffix), expected.line));
    }
  }
  std::vector<std::string> loaded;
  for (const auto& one : suite.cases) loaded.push_back(one.spec.test_name());
  std::sort(loaded.begin(), loaded.end());
  CHECK(loaded == std::vector<std::string>{"coach_narrative/no-status-line", "coach_narrative/same-id", "coach_narrative/valid-steady-week"});
}

}  // namespace

TEST_CASE("load_suite: the bad-case corpus gives each file its one error and loads the rest", "[eval]") {
  for (unsigned jobs : {1u, 4u}) {
    INFO("jobs " << jobs);
    check_corpus(load_suite(kCorpus, LoadOptions{true, jobs, {}}));
  }
}

TEST_CASE("load_suite: in the corpus, the valid case passes and no-status-line fails at replay", "[eval]") {
  Suite suite = load_suite(kCorpus, LoadOptions{true, 1, {}});
  const LoadedCase* valid = find_loaded(suite, "coach_narrative/valid-steady-week");
  REQUIRE(valid != nullptr);
  CaseOutcome outcome = replay_case(*valid);
  for (const auto& result : outcome.results) {
    INFO(result.expression << "\n" << result.message);
    CHECK(result.passed);
  }
  CHECK(outcome.stale.empty());
  CHECK(outcome.passed(StalePolicy::fail));
  REQUIRE(outcome.output);
  CHECK(outcome.output->verdict.label == "on_track");

  const LoadedCase* no_status = find_loaded(suite, "coach_narrative/no-status-line");
  REQUIRE(no_status != nullptr);
  CaseOutcome failed = replay_case(*no_status);
  REQUIRE(failed.error);
  CHECK(failed.error->kind == agents::AgentError::Kind::parse);
  CHECK(failed.error->message == "the narrative does not end with 'Status: on_track|watch|off_track'");
  CHECK_FALSE(failed.passed(StalePolicy::warn));
}

TEST_CASE("load_suite: a missing eval root is one broken entry, not a crash", "[eval]") {
  TempDir dir("suite");
  Suite suite = load_suite(dir / "nope", LoadOptions{});
  CHECK(suite.cases.empty());
  REQUIRE(suite.broken.size() == 1u);
  CHECK(suite.broken[0].test_name == "invalid/eval-root");
  CHECK(suite.broken[0].errors[0].message == "the eval folder does not exist or is not a folder");
}

// ===========================================================================
// A private eval root with copies of the corpus's valid case

namespace {

const fs::path kValidCase = kCorpus / "coach_narrative/cases/valid-steady-week";

// Copies valid-steady-week into `root` as coach_narrative/<id>, with its id changed.
fs::path add_case(const fs::path& root, const std::string& id, bool with_sidecar = true) {
  fs::path folder = root / "coach_narrative" / "cases";
  fs::create_directories(folder);
  std::string yaml = test::read_text(kValidCase.string() + ".yaml");
  test::write_text(folder / (id + ".yaml"), replace_once(yaml, "id: valid-steady-week", "id: " + id));
  fs::copy_file(kValidCase.string() + ".completion.txt", folder / (id + ".completion.txt"));
  if (with_sidecar) fs::copy_file(kValidCase.string() + ".fixture.json", folder / (id + ".fixture.json"));
  return folder / (id + ".yaml");
}

std::string recorded_fingerprint() {
  auto fixture = parse_fixture(test::read_text(kValidCase.string() + ".fixture.json"), "f");
  REQUIRE(fixture);
  return fixture->calls[0].request_sha256;
}

}  // namespace

TEST_CASE("replay_case: an unchanged case replays fresh and passes", "[eval]") {
  TempDir dir("replay");
  add_case(dir / "eval", "week-a");
  Suite suite = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(suite.broken.empty());
  REQUIRE(suite.cases.size() == 1u);
  CaseOutcome outcome = replay_case(suite.cases[0]);
  CHECK(outcome.stale.empty());
  REQUIRE(outcome.calls.size() == 1u);
  CHECK(outcome.calls[0].fingerprint == recorded_fingerprint());
  CHECK(outcome.passed(StalePolicy::fail));
}

TEST_CASE("replay_case: a changed input makes the fixture stale", "[eval]") {
  TempDir dir("replay");
  add_case(dir / "eval", "week-a");
  Suite suite = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(suite.cases.size() == 1u);
  LoadedCase changed = suite.cases[0];
  changed.spec.input["metrics"]["income"] = 1900;

  CaseOutcome outcome = replay_case(changed);
  REQUIRE(outcome.stale.size() == 1u);
  const StaleCall& stale = outcome.stale[0];
  CHECK(stale.call == 1);
  CHECK(stale.recorded == recorded_fingerprint());
  CHECK(stale.current != stale.recorded);
  CHECK(stale.current == llm::request_fingerprint(outcome.calls[0].body));
  CHECK(outcome.checks_passed());  // the recorded answer still passes ...
  CHECK_FALSE(outcome.passed(StalePolicy::fail));  // ... but a stale fixture fails under --stale=fail
  CHECK(outcome.passed(StalePolicy::warn));
  CHECK(describe_stale(stale) ==
        "call 1: the request built today (fingerprint " + stale.current.substr(0, 12) +
            ") differs from the one the fixture was recorded for (" + stale.recorded.substr(0, 12) + ")");

  LoadedCase unstamped = suite.cases[0];
  unstamped.fixture.calls[0].request_sha256.clear();
  CaseOutcome never = replay_case(unstamped);
  REQUIRE(never.stale.size() == 1u);
  CHECK(describe_stale(never.stale[0]) == "call 1: the fixture was never stamped with a request fingerprint");
}

TEST_CASE("replay_case: a completion with more sections than calls fails the call count", "[eval]") {
  TempDir dir("replay");
  add_case(dir / "eval", "week-a");
  Suite suite = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(suite.cases.size() == 1u);
  LoadedCase extra = suite.cases[0];
  extra.completions.push_back("a second answer nobody asked for");
  extra.fixture.calls.push_back(extra.fixture.calls[0]);
  CaseOutcome outcome = replay_case(extra);
  CHECK_FALSE(outcome.checks_passed());
  REQUIRE_FALSE(outcome.results.empty());
  CHECK(outcome.results.back().message == "expected: the agent makes the 2 call(s) the fixture records\n  actual: it made 1");
}

// ===========================================================================
// The parsed-case cache

TEST_CASE("case cache: case_to_json and case_from_json lose nothing", "[eval]") {
  std::string text = replace_once(kCase, "    - contains: \"29%\"\n",
                                  "    - contains: \"29%\"\n      call: 1\n    - is_json: false\n    - regex: 'x+'\n");
  ParsedCase parsed = parse(text);
  REQUIRE(parsed.errors.empty());
  Json json = case_to_json(parsed.value);
  Case back = case_from_json(json);
  CHECK(case_to_json(back) == json);
  CHECK(back.checks[0].call == 1);
  CHECK(back.checks[1].kind == Check::Kind::is_json);
  CHECK(back.checks[0].source == parsed.value.checks[0].source);
  CHECK(back.requests[0].tools == parsed.value.requests[0].tools);
  CHECK(back.requests[0].max_tokens->min == 600);
  CHECK(back.verdict.score->max == 0.9);
  CHECK(back.input == parsed.value.input);
  CHECK(back.id_pos.line == 1);
}

TEST_CASE("case cache: a second load hits the cache and yields identical cases", "[eval]") {
  TempDir dir("cache");
  add_case(dir / "eval", "week-a");
  add_case(dir / "eval", "week-b");
  LoadOptions options{true, 1, dir / "cache"};

  Suite cold = load_suite(dir / "eval", options);
  CHECK(cold.cache_hits == 0u);
  REQUIRE(cold.cases.size() == 2u);
  CHECK_FALSE(fs::is_empty(dir / "cache"));

  Suite warm = load_suite(dir / "eval", options);
  CHECK(warm.cache_hits == 2u);
  REQUIRE(warm.cases.size() == 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(case_to_json(warm.cases[i].spec) == case_to_json(cold.cases[i].spec));
    CHECK(warm.cases[i].spec.path == cold.cases[i].spec.path);
    CHECK(warm.cases[i].spec.display_path == cold.cases[i].spec.display_path);
    CHECK(warm.cases[i].completions == cold.cases[i].completions);
    CHECK(fixture_to_text(warm.cases[i].fixture) == fixture_to_text(cold.cases[i].fixture));
    CHECK(replay_case(warm.cases[i]).passed(StalePolicy::fail));
  }

  Suite uncached = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  CHECK(uncached.cache_hits == 0u);
}

TEST_CASE("case cache: editing a case file invalidates its entry only", "[eval]") {
  TempDir dir("cache");
  fs::path edited = add_case(dir / "eval", "week-a");
  add_case(dir / "eval", "week-b");
  LoadOptions options{true, 1, dir / "cache"};
  load_suite(dir / "eval", options);

  // A longer text: the size changes too, so the edit is seen even when the
  // file system's clock has not ticked since the copy (same inode, same mtime).
  test::write_text(edited, replace_once(test::read_text(edited), "- contains: \"29%\"", "- contains: \"31% of income\""));
  Suite after_edit = load_suite(dir / "eval", options);
  CHECK(after_edit.cache_hits == 1u);  // week-b only
  const LoadedCase* changed = find_loaded(after_edit, "coach_narrative/week-a");
  REQUIRE(changed != nullptr);
  CHECK(changed->spec.checks[1].operand == "31% of income");
  CHECK_FALSE(replay_case(*changed).checks_passed());

  // Same content, new modification time: the cache is keyed by content, so it still hits.
  fs::last_write_time(edited, fs::last_write_time(edited) + std::chrono::seconds(5));
  Suite touched = load_suite(dir / "eval", options);
  CHECK(touched.cache_hits == 2u);
}

TEST_CASE("case cache: an edit that keeps the size and the modification time is still seen", "[eval]") {
  // A cache keyed by size and mtime serves the old parse here (an edit in the
  // same clock tick); keys made of content cannot.
  TempDir dir("cache");
  fs::path edited = add_case(dir / "eval", "week-a");
  LoadOptions options{true, 1, dir / "cache"};
  REQUIRE(load_suite(dir / "eval", options).cases.size() == 1u);
  auto mtime = fs::last_write_time(edited);
  test::write_text(edited, replace_once(test::read_text(edited), "- contains: \"29%\"", "- contains: \"39%\""));
  fs::last_write_time(edited, mtime);
  Suite after = load_suite(dir / "eval", options);
  CHECK(after.cache_hits == 0u);
  REQUIRE(after.cases.size() == 1u);
  CHECK(after.cases[0].spec.checks[1].operand == "39%");
}

TEST_CASE("case cache: outcomes are keyed by the case, completion and sidecar together", "[eval]") {
  TempDir dir("cache");
  fs::path case_file = add_case(dir / "eval", "week-a");
  LoadOptions options{true, 1, dir / "cache"};
  Suite first = load_suite(dir / "eval", options);
  REQUIRE(first.cache);
  const LoadedCase& loaded = first.cases.at(0);
  CaseOutcome outcome = replay_case(loaded);
  first.cache->store_outcome(loaded.spec.path, loaded.inputs_digest, outcome_to_json(outcome));
  first.cache->save();

  Suite same = load_suite(dir / "eval", options);
  auto reused = same.cache->find_outcome(same.cases.at(0).spec.path, same.cases.at(0).inputs_digest);
  REQUIRE(reused);
  CHECK(outcome_to_json(outcome_from_json(*reused)) == outcome_to_json(outcome));

  // A changed completion changes the key, though the case file did not change.
  fs::path completion = same.cases.at(0).spec.completion_path();
  test::write_text(completion, test::read_text(completion) + " ");
  Suite edited = load_suite(dir / "eval", options);
  CHECK(edited.cache_hits == 1u);
  CHECK(edited.cases.at(0).inputs_digest != same.cases.at(0).inputs_digest);
  CHECK_FALSE(edited.cache->find_outcome(case_file, edited.cases.at(0).inputs_digest));
}

TEST_CASE("case cache: a broken edit is reported, not served from the cache", "[eval]") {
  TempDir dir("cache");
  fs::path edited = add_case(dir / "eval", "week-a");
  LoadOptions options{true, 1, dir / "cache"};
  REQUIRE(load_suite(dir / "eval", options).cases.size() == 1u);
  test::write_text(edited, replace_once(test::read_text(edited), "tags: [on_track, smoke]", "tags: 5"));
  Suite suite = load_suite(dir / "eval", options);
  CHECK(suite.cases.empty());
  REQUIRE(suite.broken.size() == 1u);
  CHECK(suite.broken[0].errors[0].message == "'tags' must be a list of names, not a scalar");
}

TEST_CASE("case cache: a corrupt or truncated cache file is ignored and rewritten", "[eval]") {
  TempDir dir("cache");
  add_case(dir / "eval", "week-a");
  LoadOptions options{true, 1, dir / "cache"};
  Suite cold = load_suite(dir / "eval", options);
  REQUIRE(cold.cases.size() == 1u);

  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir / "cache")) files.push_back(entry.path());
  REQUIRE(files.size() == 1u);
  std::string good = test::read_text(files[0]);

  for (const std::string& damage : {std::string("not msgpack at all"), good.substr(0, good.size() / 2), std::string()}) {
    test::write_text(files[0], damage);
    Suite suite = load_suite(dir / "eval", options);
    CHECK(suite.cache_hits == 0u);
    CHECK(suite.broken.empty());
    REQUIRE(suite.cases.size() == 1u);
    CHECK(case_to_json(suite.cases[0].spec) == case_to_json(cold.cases[0].spec));
    CHECK(load_suite(dir / "eval", options).cache_hits == 1u);  // rewritten by the run that ignored it
  }
}

// ===========================================================================
// Stamping

TEST_CASE("stamp_cases: writes the sidecar of a hand-written case, which then replays fresh", "[eval]") {
  TempDir dir("stamp");
  fs::path yaml = add_case(dir / "eval", "week-a", false);
  fs::path completion = dir / "eval/coach_narrative/cases/week-a.completion.txt";
  std::string yaml_before = test::read_text(yaml), completion_before = test::read_text(completion);

  Suite strict = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(strict.broken.size() == 1u);
  CHECK_THAT(strict.broken[0].errors[0].message, Catch::StartsWith("missing fixture sidecar") &&
                                                     Catch::EndsWith("run `reprise stamp coach_narrative/week-a` to write it"));

  Suite lenient = load_suite(dir / "eval", LoadOptions{false, 1, {}});
  REQUIRE(lenient.cases.size() == 1u);
  auto results = stamp_cases(lenient, {"coach_narrative/week-a"}, StampMode::stamp, "");
  REQUIRE(results.size() == 1u);
  CHECK(results[0].status == StampResult::Status::written);

  auto fixture = parse_fixture(test::read_text(dir / "eval/coach_narrative/cases/week-a.fixture.json"), "f");
  REQUIRE(fixture);
  CHECK(fixture->calls[0].request_sha256 == recorded_fingerprint());
  CHECK(fixture->calls[0].model == "claude-sonnet-4-5-20250929");
  CHECK(fixture->calls[0].usage_estimated);
  CHECK(fixture->calls[0].recorded["how"] == "hand-written");
  CHECK(llm::request_fingerprint(fixture->calls[0].request) == recorded_fingerprint());  // the request itself, recorded
  CHECK(test::read_text(yaml) == yaml_before);
  CHECK(test::read_text(completion) == completion_before);

  Suite after = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(after.cases.size() == 1u);
  CHECK(replay_case(after.cases[0]).passed(StalePolicy::fail));

  auto again = stamp_cases(after, {}, StampMode::stamp, "");
  REQUIRE(again.size() == 1u);
  CHECK(again[0].status == StampResult::Status::unchanged);
  auto unknown = stamp_cases(after, {"coach_narrative/nope"}, StampMode::stamp, "");
  REQUIRE(unknown.size() == 1u);
  CHECK(unknown[0].status == StampResult::Status::refused);
  CHECK(unknown[0].detail == "no loadable case matches this name");
}

TEST_CASE("stamp_cases: restamp keeps the old fingerprint; stamp refuses a stale case", "[eval]") {
  TempDir dir("stamp");
  fs::path yaml = add_case(dir / "eval", "week-a");
  test::write_text(yaml, replace_once(test::read_text(yaml), "income: 1850", "income: 1900"));
  Suite suite = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(suite.cases.size() == 1u);

  auto refused = stamp_cases(suite, {"week-a"}, StampMode::stamp, "");
  REQUIRE(refused.size() == 1u);
  CHECK(refused[0].status == StampResult::Status::refused);
  CHECK(refused[0].detail == "call 1 is stale; use `reprise restamp` after reviewing the change");

  auto restamped = stamp_cases(suite, {"coach_narrative"}, StampMode::restamp, "income corrected; answer unchanged");
  REQUIRE(restamped.size() == 1u);
  CHECK(restamped[0].status == StampResult::Status::written);
  auto fixture = parse_fixture(test::read_text(dir / "eval/coach_narrative/cases/week-a.fixture.json"), "f");
  REQUIRE(fixture);
  REQUIRE(fixture->calls[0].restamps.size() == 1u);
  CHECK(fixture->calls[0].restamps[0]["from"] == recorded_fingerprint());
  CHECK(fixture->calls[0].restamps[0]["reason"] == "income corrected; answer unchanged");
  CHECK(fixture->calls[0].request_sha256 != recorded_fingerprint());
  CHECK(llm::request_fingerprint(fixture->calls[0].request) == fixture->calls[0].request_sha256);  // the new request

  Suite after = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(after.cases.size() == 1u);
  CHECK(replay_case(after.cases[0]).stale.empty());
  auto not_stale = stamp_cases(after, {"week-a"}, StampMode::restamp, "again");
  CHECK(not_stale[0].status == StampResult::Status::unchanged);
}

TEST_CASE("stamp_cases: restamp refuses a stale case whose answer no longer passes", "[eval]") {
  TempDir dir("stamp");
  fs::path yaml = add_case(dir / "eval", "week-a");
  // The request changes (stale) and the request expectation now fails.
  test::write_text(yaml, replace_once(test::read_text(yaml), "first_name: Maya", "first_name: Priya"));
  fs::path sidecar = dir / "eval/coach_narrative/cases/week-a.fixture.json";
  std::string before = test::read_text(sidecar);
  Suite suite = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(suite.cases.size() == 1u);
  auto results = stamp_cases(suite, {"week-a"}, StampMode::restamp, "renamed");
  REQUIRE(results.size() == 1u);
  CHECK(results[0].status == StampResult::Status::refused);
  CHECK_THAT(results[0].detail, Catch::StartsWith("the recorded answer no longer passes"));
  CHECK(test::read_text(sidecar) == before);
}

TEST_CASE("stamp_cases: records the request of a call stamped before requests were, keeping its fingerprint", "[eval]") {
  TempDir dir("stamp");
  add_case(dir / "eval", "week-a");
  fs::path sidecar = dir / "eval/coach_narrative/cases/week-a.fixture.json";
  auto before = parse_fixture(test::read_text(sidecar), "f");
  REQUIRE(before);
  before->calls[0].request = nullptr;  // as every sidecar was before requests were recorded
  test::write_text(sidecar, fixture_to_text(*before));

  Suite suite = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(suite.cases.size() == 1u);
  auto results = stamp_cases(suite, {}, StampMode::stamp, "");
  REQUIRE(results.size() == 1u);
  CHECK(results[0].status == StampResult::Status::written);
  CHECK(results[0].detail == "recorded the request of call 1");

  auto after = parse_fixture(test::read_text(sidecar), "f");
  REQUIRE(after);
  const FixtureCall& call = after->calls[0];
  CHECK(call.request_sha256 == recorded_fingerprint());  // no semantic change
  REQUIRE(call.request.is_object());
  CHECK(llm::request_fingerprint(call.request) == call.request_sha256);
  CHECK(call.request == replay_case(suite.cases[0]).calls[0].body);
  Fixture without_request = *after;
  without_request.calls[0].request = nullptr;
  CHECK(fixture_to_text(without_request) == fixture_to_text(*before));  // nothing else moved

  Suite reloaded = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(reloaded.cases.size() == 1u);
  CHECK(replay_case(reloaded.cases[0]).passed(StalePolicy::fail));
  auto again = stamp_cases(reloaded, {"week-a"}, StampMode::stamp, "");
  REQUIRE(again.size() == 1u);
  CHECK(again[0].status == StampResult::Status::unchanged);
}

// ===========================================================================
// Requests as lines, and the diff against the recorded request

namespace {

// The request coach_narrative builds for the corpus's valid case: a real agent request.
Json coach_request() {
  TempDir dir("request");
  add_case(dir / "eval", "week-a");
  Suite suite = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  REQUIRE(suite.cases.size() == 1u);
  CaseOutcome outcome = replay_case(suite.cases[0]);
  REQUIRE(outcome.calls.size() == 1u);
  return outcome.calls[0].body;
}

// Every '\n' ends a line, and what follows the last one is a line too (empty when the text ends in '\n').
std::vector<std::string> split_at_newlines(const std::string& text) {
  std::vector<std::string> lines(1);
  for (char c : text) {
    if (c == '\n') {
      lines.emplace_back();
    } else {
      lines.back() += c;
    }
  }
  return lines;
}

std::string without_ansi(std::string text) {
  for (std::size_t at = text.find('\x1b'); at != std::string::npos; at = text.find('\x1b', at)) {
    text.erase(at, text.find('m', at) - at + 1);
  }
  return text;
}

}  // namespace

TEST_CASE("request_lines: a real agent request shows its system prompt line by line", "[eval]") {
  Json body = coach_request();
  std::vector<std::string> lines = request_lines(body);
  REQUIRE(lines.size() > 3u);
  CHECK(lines[0] == "model: \"claude-sonnet-4-5-20250929\"");
  CHECK(lines[1] == "max_tokens: " + body["max_tokens"].dump());
  CHECK(lines[2] == "temperature: 0.4");

  auto system = std::find(lines.begin(), lines.end(), "system:");
  auto message = std::find(lines.begin(), lines.end(), "messages[0] user:");
  REQUIRE(system != lines.end());
  REQUIRE(message != lines.end());
  std::vector<std::string> expected_system;
  for (const auto& line : split_at_newlines(body["system"].get<std::string>())) expected_system.push_back("  " + line);
  CHECK(expected_system.size() > 20u);  // a real prompt: many lines, not one escaped string
  CHECK(std::vector<std::string>(system + 1, message) == expected_system);
  CHECK(std::none_of(lines.begin(), lines.end(), [](const std::string& line) { return line.find("\\n") != std::string::npos; }));
  CHECK(request_lines(Json::parse(body.dump())) == lines);  // deterministic
}

TEST_CASE("request_lines: blocks, tool use and results, tools and unknown keys, each readable", "[eval]") {
  Json body = Json::parse(R"({
    "model": "m", "max_tokens": 64, "temperature": 0.5, "stream": true, "top_k": 5,
    "system": [{"type": "text", "text": "Line one.\nLine two.", "cache_control": {"type": "ephemeral"}}],
    "messages": [
      {"role": "user", "content": "Hi\r"},
      {"role": "assistant", "content": [{"type": "text", "text": "Looking."},
                                        {"type": "tool_use", "id": "t1", "name": "lookup", "input": {"q": 1}}]},
      {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "{\"a\":1,\"b\":[2,3]}"},
                                   {"type": "tool_result", "tool_use_id": "t2", "content": "not json", "is_error": true}]}
    ],
    "tools": [{"name": "lookup", "description": "Find a thing.\nSecond line.", "input_schema": {"type": "object"}}],
    "tool_choice": {"type": "auto"}
  })");
  std::vector<std::string> expected = {
      "model: \"m\"",
      "max_tokens: 64",
      "temperature: 0.5",
      "top_k: 5",
      "stream: true",
      "system[0] text {\"cache_control\": {\"type\": \"ephemeral\"}}:",
      "  Line one.",
      "  Line two.",
      "messages[0] user:",
      "  Hi\\r",  // a control character shows
      "messages[1] assistant:",
      "  [0] text:",
      "    Looking.",
      "  [1] tool_use {\"id\": \"t1\", \"input\": {\"q\": 1}, \"name\": \"lookup\"}",
      "messages[2] user:",
      "  [0] tool_result {\"tool_use_id\": \"t1\"}:",
      "    {",
      "      \"a\": 1,",
      "      \"b\": [",
      "        2,",
      "        3",
      "      ]",
      "    }",
      "  [1] tool_result {\"is_error\": true, \"tool_use_id\": \"t2\"}:",
      "    not json",
      "tools:",
      "  lookup: Find a thing.",
      "    Second line.",
      "    input_schema:",
      "      {",
      "        \"type\": \"object\"",
      "      }",
      "tool_choice:",
      "  {",
      "    \"type\": \"auto\"",
      "  }",
  };
  CHECK(request_lines(body) == expected);

  // A tool result that is JSON but not in compact form is shown as its text, so no difference hides.
  Json spaced = body;
  spaced["messages"][2]["content"][0]["content"] = "{\"a\": 1}";
  CHECK(request_lines(spaced)[16] == "    {\"a\": 1}");
}

TEST_CASE("request_lines: a long line breaks after each sentence; a short one stays whole", "[eval]") {
  std::string a(70, 'a'), b(30, 'b'), c(30, 'c');
  Json body = {{"system", a + ". " + b + "? " + c + ". Short. Lines stay."}};
  CHECK(request_lines(body) ==
        std::vector<std::string>{"system:", "  " + a + ".", "    " + b + "?", "    " + c + ".", "    Short.", "    Lines stay."});
  CHECK(request_lines(Json{{"system", "Short. Lines stay."}}) == std::vector<std::string>{"system:", "  Short. Lines stay."});
}

TEST_CASE("diff_requests: a one-sentence edit of the system prompt is one line out, one line in", "[eval]") {
  Json recorded = coach_request();
  Json now = recorded;
  now["system"] = replace_once(recorded["system"].get<std::string>(), "Write for that moment:", "Write for that moment, briefly:");
  std::vector<std::string> lines = request_lines(recorded);
  auto at = std::find(lines.begin(), lines.end(), "  Write for that moment:");
  REQUIRE(at != lines.end());
  auto k = static_cast<std::size_t>(at - lines.begin());  // 0-based
  REQUIRE(k >= 3u);
  REQUIRE(k + 3 < lines.size());

  RequestDiff diff = diff_requests(recorded, now);
  CHECK(diff.recorded);
  CHECK(diff.changed);
  CHECK(diff.added == 1);
  CHECK(diff.removed == 1);
  std::string expected = fmt::format("--- recorded (fixture)\n+++ built now\n@@ -{0},7 +{0},7 @@\n", k - 2);
  for (std::size_t i = k - 3; i < k; ++i) expected += " " + lines[i] + "\n";
  expected += "-  Write for that moment:\n+  Write for that moment, briefly:\n";
  for (std::size_t i = k + 1; i <= k + 3; ++i) expected += " " + lines[i] + "\n";
  CHECK(diff.unified == expected);
  CHECK(diff.render(false) == expected);

  RequestDiff tight = diff_requests(recorded, now, 0);
  CHECK(tight.unified == fmt::format("--- recorded (fixture)\n+++ built now\n@@ -{0} +{0} @@\n"
                                     "-  Write for that moment:\n+  Write for that moment, briefly:\n",
                                     k + 1));
}

TEST_CASE("diff_requests: hunks with their context, far changes apart, near ones together", "[eval]") {
  Json recorded = {{"model", "m"}, {"system", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj"}};
  Json now = {{"model", "m"}, {"system", "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk"}};
  // Lines: model (1), system: (2), a..j (3..12); d is line 6 and k is added after j.
  RequestDiff near = diff_requests(recorded, now, 3);
  CHECK(near.added == 2);
  CHECK(near.removed == 1);
  CHECK(near.unified ==
        "--- recorded (fixture)\n+++ built now\n@@ -3,10 +3,11 @@\n   a\n   b\n   c\n-  d\n+  D\n   e\n   f\n   g\n   h\n   i\n   j\n+  k\n");
  RequestDiff apart = diff_requests(recorded, now, 2);
  CHECK(apart.unified ==
        "--- recorded (fixture)\n+++ built now\n@@ -4,5 +4,5 @@\n   b\n   c\n-  d\n+  D\n   e\n   f\n"
        "@@ -11,2 +11,3 @@\n   i\n   j\n+  k\n");
}

TEST_CASE("diff_requests: identical requests are unchanged; no recorded request says so in one line", "[eval]") {
  Json body = coach_request();
  RequestDiff same = diff_requests(body, Json::parse(body.dump()));
  CHECK(same.recorded);
  CHECK_FALSE(same.changed);
  CHECK(same.added == 0);
  CHECK(same.removed == 0);
  CHECK(same.unified.empty());
  CHECK(same.render(true).empty());

  RequestDiff missing = diff_requests(nullptr, body);
  CHECK_FALSE(missing.recorded);
  CHECK_FALSE(missing.changed);
  CHECK(missing.unified.empty());
  CHECK(missing.render(false) == "the fixture has no recorded request: run `reprise stamp` to record it\n");
  CHECK(missing.render(true) == missing.render(false));
}

TEST_CASE("RequestDiff::render: ANSI colours only when asked", "[eval]") {
  Json recorded = {{"model", "m"}, {"system", "one\ntwo\nthree"}};
  Json now = {{"model", "m"}, {"system", "one\n2\nthree"}};
  RequestDiff diff = diff_requests(recorded, now);
  std::string plain = diff.render(false);
  std::string coloured = diff.render(true);
  CHECK(plain == "--- recorded (fixture)\n+++ built now\n@@ -1,5 +1,5 @@\n model: \"m\"\n system:\n   one\n-  two\n+  2\n   three\n");
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK_THAT(coloured, Catch::Contains("\x1b[31m-  two\x1b[0m\n") && Catch::Contains("\x1b[32m+  2\x1b[0m\n") &&
                           Catch::Contains("\x1b[36m@@ -1,5 +1,5 @@\x1b[0m\n"));
  CHECK_THAT(coloured, Catch::Contains("\n   one\n"));  // context lines stay plain
  CHECK(without_ansi(coloured) == plain);
}

// ===========================================================================
// The summary table

TEST_CASE("RunSummary: tallies per agent and renders both tables", "[eval]") {
  RunSummary summary;
  summary.add("coach_narrative", true, false, 0.5);
  summary.add("coach_narrative", false, true, 0.25);
  summary.add("finance_chat", true, true, 1.0);
  summary.load_errors = 1;
  AgentTally total = summary.total();
  CHECK(total.passed == 2);
  CHECK(total.failed == 1);
  CHECK(total.stale == 2);
  CHECK(total.seconds == 1.75);
  std::string table = render_table(summary);
  CHECK_THAT(table, Catch::Contains("coach_narrative       1       1       1     0.750\n"));
  CHECK_THAT(table, Catch::Contains("1 case file(s) failed to load"));
  CHECK(render_markdown(summary) ==
        "| agent | passed | failed | stale | time (s) |\n|---|---:|---:|---:|---:|\n"
        "| coach_narrative | 1 | 1 | 1 | 0.750 |\n| finance_chat | 1 | 0 | 1 | 1.000 |\n| **total** | 2 | 1 | 2 | 1.750 |\n");
}

// ===========================================================================
// Settings from the environment

namespace {

// Sets or unsets environment variables for one test and restores them after.
class ScopedEnvironment {
 public:
  ScopedEnvironment& set(const std::string& name, const char* value) {
    if (saved_.count(name) == 0) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) ::setenv(name.c_str(), value, 1);
    else ::unsetenv(name.c_str());
    return *this;
  }
  ~ScopedEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

}  // namespace

TEST_CASE("settings_from_environment: CI makes stale fail; the cache folder's fallbacks", "[eval]") {
  ScopedEnvironment env;
  env.set("CI", nullptr).set("REPRISE_CACHE_DIR", "/tmp/reprise-cache").set("XDG_CACHE_HOME", "/xdg").set("HOME", "/home/u");
  RunSettings local = settings_from_environment();
  CHECK(local.stale == StalePolicy::warn);
  CHECK(local.stale_origin == "default");
  CHECK(local.use_cache);
  CHECK(local.cache_dir == "/tmp/reprise-cache");

  env.set("CI", "");  // set, even empty: a CI run
  RunSettings ci = settings_from_environment();
  CHECK(ci.stale == StalePolicy::fail);
  CHECK(ci.stale_origin == "environment (CI)");

  env.set("REPRISE_CACHE_DIR", nullptr);
  CHECK(settings_from_environment().cache_dir == fs::path("/xdg/reprise"));
  env.set("XDG_CACHE_HOME", nullptr);
  CHECK(settings_from_environment().cache_dir == fs::path("/home/u/.cache/reprise"));
  env.set("HOME", nullptr);
  CHECK_FALSE(settings_from_environment().use_cache);
}

// ===========================================================================
// Review: line diffs, candidates, accept and reject, orphans

namespace {

std::string join_lines(const std::vector<DiffLine>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += line.kind == DiffLine::Kind::added ? '+' : line.kind == DiffLine::Kind::removed ? '-' : ' ';
    out += line.text + "\n";
  }
  return out;
}


Fixture read_fixture(const fs::path& path) {
  auto fixture = parse_fixture(test::read_text(path), path.string());
  REQUIRE(fixture);
  return *fixture;
}

// A live run's candidate, written by hand: the accepted sidecar with live
// provenance and new usage, and `completion` as the answer.
void write_candidate_files(const fs::path& case_file, const std::string& completion, double cost_usd = 0.0125) {
  Fixture fixture = read_fixture(fixture_path_for(case_file));
  for (auto& call : fixture.calls) {
    call.recorded = {{"how", "live"}, {"at", "2026-11-22T09:00:00Z"}};
    call.usage = llm::Usage{600, 300, 0, 0, std::nullopt};
    call.usage_estimated = false;
    call.cost_usd = cost_usd;
    call.request_id = "req_candidate";
  }
  test::write_text(candidate_completion_path_for(case_file), completion);
  test::write_text(candidate_sidecar_path_for(case_file), fixture_to_text(fixture));
}

const LoadedCase& only_case(const Suite& suite) {
  INFO((suite.broken.empty() ? "" : suite.broken[0].errors[0].render()));
  REQUIRE(suite.broken.empty());
  REQUIRE(suite.cases.size() == 1u);
  return suite.cases[0];
}

const std::string kSteady = "steady-week-on-track";

}  // namespace

TEST_CASE("diff_lines: hunks with three lines of context, headers as diff -u writes them", "[eval][review]") {
  CHECK(diff_lines("a\nb\nc\n", "a\nb\nc").empty());  // a final newline adds no line

  auto hunks = diff_lines("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n");
  REQUIRE(hunks.size() == 1u);
  CHECK(hunks[0].old_start == 2);
  CHECK(hunks[0].old_count == 7);
  CHECK(hunks[0].new_start == 2);
  CHECK(hunks[0].new_count == 7);
  CHECK(join_lines(hunks[0].lines) == " 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");

  // Changes more than six lines apart get a hunk each; closer ones share one.
  std::string lines;
  for (int i = 1; i <= 20; ++i) lines += std::to_string(i) + "\n";
  std::string far = replace_once(replace_once(lines, "\n2\n", "\ntwo\n"), "\n10\n", "\nten\n");
  CHECK(diff_lines(lines, far).size() == 2u);
  std::string near = replace_once(replace_once(lines, "\n2\n", "\ntwo\n"), "\n9\n", "\nnine\n");
  CHECK(diff_lines(lines, near).size() == 1u);

  // Lines added at the top: the old side is empty and names line 0.
  auto added = diff_lines("", "new\n");
  REQUIRE(added.size() == 1u);
  CHECK(added[0].old_start == 0);
  CHECK(added[0].old_count == 0);
  CHECK(render_unified_diff(added, "a", "b", false) == "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n");

  std::string plain = render_unified_diff(hunks, "accepted", "candidate", false);
  CHECK(plain == "--- accepted\n+++ candidate\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  std::string coloured = render_unified_diff(hunks, "accepted", "candidate", true);
  CHECK_THAT(coloured, Catch::Contains("\x1b[31m-5\x1b[0m\n"));
  CHECK_THAT(coloured, Catch::Contains("\x1b[32m+five\x1b[0m\n"));
  CHECK_THAT(coloured, Catch::Contains("\x1b[36m@@ -2,7 +2,7 @@\x1b[0m\n"));
  CHECK(render_unified_diff({}, "a", "b", true).empty());
}

TEST_CASE("accept_candidate: renames the candidate over the completion and the sidecar, never the case", "[eval][review]") {
  TempDir dir("review");
  fs::path case_file = copy_bundled_case(dir / "eval", "coach_narrative", kSteady);
  std::string yaml = test::read_text(case_file);
  std::string proposal = replace_once(test::read_text(completion_path_for(case_file)), "quietly strong", "strong");
  write_candidate_files(case_file, proposal);
  std::string candidate_sidecar = test::read_text(candidate_sidecar_path_for(case_file));

  Suite suite = load_suite(dir / "eval", LoadOptions{false, 1, {}});
  const LoadedCase& loaded = only_case(suite);
  auto pending = find_candidates(suite);
  REQUIRE(pending.size() == 1u);
  CHECK(pending[0].candidate.state == CandidateState::complete);

  ActionResult result = accept_candidate(loaded.spec);
  INFO(result.detail);
  CHECK(result.ok);
  CHECK(result.detail == "1 call(s) accepted");
  CHECK(test::read_text(completion_path_for(case_file)) == proposal);
  CHECK(test::read_text(fixture_path_for(case_file)) == candidate_sidecar);
  CHECK_FALSE(fs::exists(candidate_completion_path_for(case_file)));
  CHECK_FALSE(fs::exists(candidate_sidecar_path_for(case_file)));
  CHECK(test::read_text(case_file) == yaml);
  CHECK(read_fixture(fixture_path_for(case_file)).calls[0].recorded["how"] == "live");

  // Nothing left to accept; the accepted case replays fresh and passes.
  CHECK_FALSE(accept_candidate(loaded.spec).ok);
  CHECK(find_candidates(suite).empty());
  Suite after = load_suite(dir / "eval", LoadOptions{true, 1, {}});
  CHECK(replay_case(only_case(after)).passed(StalePolicy::fail));
}

TEST_CASE("reject_candidate: deletes both candidate files and nothing else", "[eval][review]") {
  TempDir dir("review");
  fs::path case_file = copy_bundled_case(dir / "eval", "coach_narrative", kSteady);
  std::string completion = test::read_text(completion_path_for(case_file));
  std::string sidecar = test::read_text(fixture_path_for(case_file));
  write_candidate_files(case_file, "Maya, a different answer.\n\nStatus: watch\n");
  Suite suite = load_suite(dir / "eval", LoadOptions{false, 1, {}});

  ActionResult result = reject_candidate(only_case(suite).spec);
  CHECK(result.ok);
  CHECK(result.detail == "2 candidate file(s) deleted");
  CHECK_FALSE(fs::exists(candidate_completion_path_for(case_file)));
  CHECK_FALSE(fs::exists(candidate_sidecar_path_for(case_file)));
  CHECK(test::read_text(completion_path_for(case_file)) == completion);
  CHECK(test::read_text(fixture_path_for(case_file)) == sidecar);
  CHECK(fs::exists(case_file));
  ActionResult again = reject_candidate(only_case(suite).spec);
  CHECK_FALSE(again.ok);
  CHECK(again.detail == "no candidate to reject");
}

TEST_CASE("load_candidate: a missing, unreadable or mismatched file makes it incomplete, never a crash", "[eval][review]") {
  TempDir dir("review");
  fs::path case_file = copy_bundled_case(dir / "eval", "coach_narrative", kSteady);
  CHECK_FALSE(load_candidate(case_file));
  CHECK_FALSE(has_candidate(case_file));

  auto require_incomplete = [&](const std::string& problem) {
    auto candidate = load_candidate(case_file);
    REQUIRE(candidate);
    CHECK(candidate->state == CandidateState::incomplete);
    CHECK_THAT(candidate->problem, Catch::Contains(problem));
    CHECK(candidate->completions.empty());
  };
  SECTION("the completion alone: the live run stopped before the sidecar") {
    test::write_text(candidate_completion_path_for(case_file), "text\n");
    require_incomplete("no candidate sidecar");
  }
  SECTION("a sidecar that is not JSON") {
    write_candidate_files(case_file, "text\n");
    test::write_text(candidate_sidecar_path_for(case_file), "{\"calls\": [");
    require_incomplete("fixture sidecar is not valid JSON");
  }
  SECTION("an empty completion") {
    write_candidate_files(case_file, "\n  \n");
    require_incomplete("the completion is empty");
  }
  SECTION("a completion whose sections do not match the sidecar's calls") {
    write_candidate_files(case_file, "=== reprise call 1/2 ===\none\n=== reprise call 2/2 ===\ntwo\n");
    require_incomplete("the candidate sidecar records 1 call(s) but its completion has 2 section(s)");
  }
  SECTION("a completion that is a folder") {
    write_candidate_files(case_file, "text\n");
    fs::remove(candidate_completion_path_for(case_file));
    fs::create_directories(candidate_completion_path_for(case_file));
    require_incomplete("is a directory");
  }
  SECTION("a sidecar alone that does not fit the accepted completion") {
    Fixture two = read_fixture(fixture_path_for(case_file));
    two.calls.push_back(two.calls[0]);
    test::write_text(candidate_sidecar_path_for(case_file), fixture_to_text(two));
    require_incomplete("a candidate sidecar without its completion");
  }

  // An incomplete candidate is refused by accept, deleted by reject.
  Suite suite = load_suite(dir / "eval", LoadOptions{false, 1, {}});
  const Case& spec = only_case(suite).spec;
  std::string accepted = test::read_text(completion_path_for(case_file));
  ActionResult refused = accept_candidate(spec);
  CHECK_FALSE(refused.ok);
  CHECK_THAT(refused.detail, Catch::StartsWith("the candidate is incomplete, reject it: "));
  CHECK(test::read_text(completion_path_for(case_file)) == accepted);
  CHECK(reject_candidate(spec).ok);
  CHECK_FALSE(has_candidate(case_file));
}

TEST_CASE("accept_candidate: an accept interrupted between its renames is recognised and finished", "[eval][review]") {
  TempDir dir("review");
  fs::path case_file = copy_bundled_case(dir / "eval", "coach_narrative", kSteady);
  std::string proposal = replace_once(test::read_text(completion_path_for(case_file)), "quietly strong", "strong");
  write_candidate_files(case_file, proposal);
  std::string candidate_sidecar = test::read_text(candidate_sidecar_path_for(case_file));
  // The first rename of an accept, then a crash.
  fs::rename(candidate_completion_path_for(case_file), completion_path_for(case_file));

  auto candidate = load_candidate(case_file);
  REQUIRE(candidate);
  CHECK(candidate->state == CandidateState::interrupted_accept);
  Suite suite = load_suite(dir / "eval", LoadOptions{false, 1, {}});
  auto pending = find_candidates(suite);
  REQUIRE(pending.size() == 1u);
  CandidateReview review = review_candidate(*pending[0].loaded, pending[0].candidate);
  REQUIRE(review.after);
  CHECK(review.after->expectations_hold());
  CHECK_THAT(render_review(review, false), Catch::Contains("INTERRUPTED ACCEPT"));

  ActionResult finished = accept_candidate(only_case(suite).spec);
  CHECK(finished.ok);
  CHECK_THAT(finished.detail, Catch::StartsWith("finished an interrupted accept"));
  CHECK(test::read_text(fixture_path_for(case_file)) == candidate_sidecar);
  CHECK(test::read_text(completion_path_for(case_file)) == proposal);
  CHECK_FALSE(has_candidate(case_file));
}

TEST_CASE("review_candidate: verdict, band, expectations, tokens and cost before and after, and the diff", "[eval][review]") {
  TempDir dir("review");
  fs::path case_file = copy_bundled_case(dir / "eval", "coach_narrative", kSteady);
  std::string accepted = test::read_text(completion_path_for(case_file));
  write_candidate_files(case_file, replace_once(accepted, "Status: on_track", "Status: watch"), 0.0125);
  Suite suite = load_suite(dir / "eval", LoadOptions{false, 1, {}});
  const LoadedCase& loaded = only_case(suite);
  auto candidate = load_candidate(case_file);
  REQUIRE(candidate);

  CandidateReview review = review_candidate(loaded, *candidate);
  CHECK(review.test_name == "coach_narrative/" + kSteady);
  CHECK(review.state == CandidateState::complete);
  CHECK(review.has_band);
  REQUIRE(review.before.verdict);
  CHECK(review.before.verdict->label == "on_track");
  CHECK(review.before.band_holds);
  CHECK(review.before.expectations_hold());
  CHECK(review.before.stale.empty());
  REQUIRE(review.after);
  REQUIRE(review.after->verdict);
  CHECK(review.after->verdict->label == "watch");
  CHECK_FALSE(review.after->band_holds);
  CHECK_FALSE(review.after->expectations_hold());
  std::vector<std::string> failing;
  for (const auto& failure : review.after->failures) failing.push_back(failure.expression);
  CHECK(failing == std::vector<std::string>{"verdict.labels", "equals: \"on_track\" (at /status)"});
  CHECK(review.after->stale.empty());  // same request as the accepted answer

  // Tokens summed over calls; the accepted answer's usage is estimated and
  // priced from the table, the candidate's cost is what the live run recorded.
  const llm::Usage& before_usage = loaded.fixture.calls[0].usage;
  CHECK(review.before_usage.input_tokens == before_usage.input_tokens);
  CHECK(review.before_usage.output_tokens == before_usage.output_tokens);
  CHECK(review.before_usage.estimated);
  auto priced = llm::usd_for_usage(loaded.fixture.calls[0].model, before_usage);
  REQUIRE(priced);
  REQUIRE(review.before_usage.usd);
  CHECK(*review.before_usage.usd == Approx(*priced));
  REQUIRE(review.after_usage);
  CHECK(review.after_usage->input_tokens == 600);
  CHECK(review.after_usage->output_tokens == 300);
  CHECK_FALSE(review.after_usage->estimated);
  CHECK(review.after_usage->usd == 0.0125);

  REQUIRE(review.diff.size() == 1u);
  CHECK_THAT(join_lines(review.diff[0].lines), Catch::Contains("-Status: on_track\n+Status: watch\n"));

  std::string text = render_review(review, false);
  INFO(text);
  CHECK_THAT(text, Catch::Contains("  verdict       on_track -> watch\n"));
  CHECK_THAT(text, Catch::Contains("  band          holds -> FAILS\n"));
  CHECK_THAT(text, Catch::Contains("  expectations  hold -> 2 failing\n"));
  CHECK_THAT(text, Catch::Contains("  requests      fresh -> fresh\n"));
  CHECK_THAT(text, Catch::Contains(fmt::format("  tokens        in {} -> 600 ({:+}), out {} -> 300 ({:+})", before_usage.input_tokens,
                                               600 - before_usage.input_tokens, before_usage.output_tokens,
                                               300 - before_usage.output_tokens)));
  CHECK_THAT(text, Catch::Contains(fmt::format("  cost          ${:.6f} -> $0.012500", *priced)));
  CHECK_THAT(text, Catch::Contains("--- " + loaded.spec.display_path.substr(0, loaded.spec.display_path.size() - 5) + ".completion.txt\n"));
  CHECK_THAT(text, Catch::Contains("-Status: on_track\n+Status: watch\n"));
  // Failures point at the case file's line that asked for them.
  const SourcePos band = review.after->failures[0].pos;
  CHECK_THAT(line_of(test::read_text(case_file), band.line), Catch::Contains("labels: [on_track]"));
  CHECK_THAT(text, Catch::Contains(fmt::format("{}:{}:{}: verdict.labels\n", loaded.spec.display_path, band.line, band.column)));
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK_THAT(render_review(review, true), Catch::Contains("\x1b[31mFAILS\x1b[0m"));

  Json json = review_to_json(review);
  CHECK(json["case"] == "coach_narrative/" + kSteady);
  CHECK(json["state"] == "complete");
  CHECK(json["verdict"]["before"]["label"] == "on_track");
  CHECK(json["verdict"]["after"]["label"] == "watch");
  CHECK(json["band"]["before"] == true);
  CHECK(json["band"]["after"] == false);
  CHECK(json["expectations"]["after"] == false);
  CHECK(json["expectations"]["failing_after"].size() == 2u);
  CHECK(json["tokens"]["output"]["after"] == 300);
  CHECK(json["tokens"]["output"]["change"] == 300 - before_usage.output_tokens);
  CHECK(json["usd"]["after"] == 0.0125);
  CHECK(json["completion_changed"] == true);
  CHECK_THAT(json["diff"].get<std::string>(), Catch::Contains("+Status: watch\n"));
}

TEST_CASE("review_candidate: a candidate recorded for another request is stale; unknown prices stay unknown", "[eval][review]") {
  TempDir dir("review");
  fs::path case_file = copy_bundled_case(dir / "eval", "coach_narrative", kSteady);
  Fixture fixture = read_fixture(fixture_path_for(case_file));
  fixture.calls[0].request_sha256 = std::string(64, 'a');
  fixture.calls[0].request = nullptr;
  fixture.calls[0].model = "no-such-model";
  test::write_text(candidate_sidecar_path_for(case_file), fixture_to_text(fixture));
  test::write_text(candidate_completion_path_for(case_file), test::read_text(completion_path_for(case_file)));
  Suite suite = load_suite(dir / "eval", LoadOptions{false, 1, {}});
  auto candidate = load_candidate(case_file);
  REQUIRE(candidate);

  CandidateReview review = review_candidate(only_case(suite), *candidate);
  REQUIRE(review.after);
  REQUIRE(review.after->stale.size() == 1u);
  CHECK(review.after->stale[0].recorded == std::string(64, 'a'));
  CHECK(review.after->failures.empty());
  CHECK(review.diff.empty());
  REQUIRE(review.after_usage);
  CHECK_FALSE(review.after_usage->usd);
  std::string text = render_review(review, false);
  CHECK_THAT(text, Catch::Contains("  requests      fresh -> STALE (call 1)\n"));
  CHECK_THAT(text, Catch::Contains(" -> unknown\n"));
  CHECK_THAT(text, Catch::Contains("  completion    unchanged\n"));
  CHECK(review_to_json(review)["fresh"]["after"] == false);
  CHECK(review_to_json(review)["usd"]["change"].is_null());
  CHECK_FALSE(usage_totals(Fixture{}).usd);  // no sidecar: unknown, not $0
}

TEST_CASE("find_orphans: each kind of file without a case, and a case without a completion", "[eval][review]") {
  TempDir dir("review");
  fs::path root = dir / "eval";
  fs::path kept = copy_bundled_case(root, "coach_narrative", kSteady);
  write_candidate_files(kept, "owned by a case\n");
  fs::path cases = root / "coach_narrative" / "cases";
  test::write_text(cases / "gone.completion.txt", "x\n");
  test::write_text(cases / "gone.fixture.json", "{}\n");
  test::write_text(cases / "gone.completion.candidate.txt", "x\n");
  test::write_text(cases / "gone.candidate.json", "{}\n");
  test::write_text(cases / "no-answer.yaml", "id: no-answer\n");
  test::write_text(cases / ".gone.completion.txt.tmp.1.0", "a temporary, not looked at\n");
  test::write_text(cases / "notes.md", "not a case file\n");

  std::vector<std::pair<Orphan::Kind, std::string>> found;
  for (const auto& orphan : find_orphans(root)) found.emplace_back(orphan.kind, orphan.path.filename().string());
  using Kind = Orphan::Kind;
  CHECK(found == std::vector<std::pair<Kind, std::string>>{
                     {Kind::candidate_sidecar, "gone.candidate.json"},
                     {Kind::candidate_completion, "gone.completion.candidate.txt"},
                     {Kind::completion, "gone.completion.txt"},
                     {Kind::sidecar, "gone.fixture.json"},
                     {Kind::case_without_completion, "no-answer.yaml"},
                 });
  CHECK(to_string(Kind::candidate_sidecar) == "candidate sidecar without a case");
  CHECK(to_string(Kind::case_without_completion) == "case without a completion");

  TempDir clean("review");
  copy_bundled_case(clean / "eval", "coach_narrative", kSteady);
  CHECK(find_orphans(clean / "eval").empty());
}

TEST_CASE("run_review: scripted accept and reject, the listing, and answers read from a stream", "[eval][review]") {
  TempDir dir("review");
  fs::path root = dir / "eval";
  fs::path steady = copy_bundled_case(root, "coach_narrative", kSteady);
  fs::path dining = copy_bundled_case(root, "coach_narrative", "dining-far-over-budget");
  std::string steady_proposal = replace_once(test::read_text(completion_path_for(steady)), "quietly strong", "strong");
  std::string dining_accepted = test::read_text(completion_path_for(dining));
  auto propose_both = [&] {
    write_candidate_files(steady, steady_proposal);
    write_candidate_files(dining, dining_accepted + "\nPS.\n");
  };
  propose_both();
  Suite suite = load_suite(root, LoadOptions{false, 1, {}});
  REQUIRE(suite.broken.empty());
  std::istringstream no_input;
  std::ostringstream out, err;

  SECTION("listing changes nothing; JSON is one entry per candidate") {
    ReviewOptions options;
    options.json = true;
    CHECK(run_review(suite, options, no_input, out, err) == 0);
    Json listed = Json::parse(out.str());
    REQUIRE(listed.size() == 2u);
    CHECK(listed[0]["case"] == "coach_narrative/dining-far-over-budget");
    CHECK(listed[1]["case"] == "coach_narrative/" + kSteady);
    CHECK(has_candidate(steady));
    CHECK(has_candidate(dining));
    options.json = false;
    options.selectors = {kSteady};
    std::ostringstream text;
    CHECK(run_review(suite, options, no_input, text, err) == 0);
    CHECK_THAT(text.str(), Catch::Contains("1 pending candidate(s)"));
    CHECK_THAT(text.str(), !Catch::Contains("dining-far-over-budget"));
  }
  SECTION("--accept one, --reject the other") {
    ReviewOptions options;
    options.accept = {kSteady};
    options.reject = {"coach_narrative/dining-far-over-budget"};
    CHECK(run_review(suite, options, no_input, out, err) == 0);
    INFO(out.str());
    CHECK(test::read_text(completion_path_for(steady)) == steady_proposal);
    CHECK(test::read_text(completion_path_for(dining)) == dining_accepted);
    CHECK_FALSE(has_candidate(steady));
    CHECK_FALSE(has_candidate(dining));
    CHECK_THAT(out.str(), Catch::EndsWith("1 accepted, 1 rejected, 0 failed, 0 still pending\n"));
  }
  SECTION("--accept-all, narrowed by a selector") {
    ReviewOptions options;
    options.accept_all = true;
    options.selectors = {"dining-far-over-budget"};
    CHECK(run_review(suite, options, no_input, out, err) == 0);
    CHECK_FALSE(has_candidate(dining));
    CHECK(test::read_text(completion_path_for(dining)) == dining_accepted + "\nPS.\n");
    CHECK(has_candidate(steady));
  }
  SECTION("interactive: a then r, one line each") {
    ReviewOptions options;
    options.interactive = true;
    std::istringstream answers("x\na\nr\n");
    CHECK(run_review(suite, options, answers, out, err) == 0);
    INFO(out.str());
    CHECK_THAT(out.str(), Catch::Contains("answer a, r, s, A, R or q\n"));
    CHECK(test::read_text(completion_path_for(dining)) == dining_accepted + "\nPS.\n");  // dining comes first: accepted
    CHECK(test::read_text(completion_path_for(steady)) != steady_proposal);                // then steady: rejected
    CHECK_FALSE(has_candidate(steady));
    CHECK_FALSE(has_candidate(dining));
  }
  SECTION("interactive: end of input quits and leaves the rest pending") {
    ReviewOptions options;
    options.interactive = true;
    std::istringstream answers("s\n");
    CHECK(run_review(suite, options, answers, out, err) == 0);
    CHECK(has_candidate(steady));
    CHECK(has_candidate(dining));
    CHECK_THAT(out.str(), Catch::EndsWith("0 accepted, 0 rejected, 0 failed, 2 still pending\n"));
  }
  SECTION("interactive: A accepts this one and every one after") {
    ReviewOptions options;
    options.interactive = true;
    std::istringstream answers("A\n");
    CHECK(run_review(suite, options, answers, out, err) == 0);
    CHECK_FALSE(has_candidate(steady));
    CHECK_FALSE(has_candidate(dining));
    CHECK(test::read_text(completion_path_for(steady)) == steady_proposal);
  }
}

TEST_CASE("run_review: names that match nothing, a missing candidate, and contradictory flags", "[eval][review]") {
  TempDir dir("review");
  fs::path root = dir / "eval";
  fs::path steady = copy_bundled_case(root, "coach_narrative", kSteady);
  write_candidate_files(steady, "Maya, another answer.\n\nStatus: on_track\n");
  Suite suite = load_suite(root, LoadOptions{false, 1, {}});
  std::istringstream no_input;
  std::ostringstream out, err;

  ReviewOptions unknown;
  unknown.accept = {kSteady, "no-such-case"};
  CHECK(run_review(suite, unknown, no_input, out, err) == 1);
  CHECK(err.str() == "reprise review: no loadable case is named 'no-such-case' (name it <agent>/<id> or <id>)\n");
  CHECK(has_candidate(steady));  // nothing was done

  REQUIRE(reject_candidate(suite.cases[0].spec).ok);
  ReviewOptions missing;
  missing.accept = {kSteady};
  CHECK(run_review(suite, missing, no_input, out, err) == 1);
  CHECK_THAT(out.str(), Catch::Contains("FAILED    " + kSteady + ": no candidate to accept\n"));

  ReviewOptions both;
  both.accept_all = both.reject_all = true;
  CHECK(review_usage_problem(both) == "--accept-all and --reject-all exclude each other");
  ReviewOptions list_and_act;
  list_and_act.list = true;
  list_and_act.accept = {kSteady};
  CHECK(review_usage_problem(list_and_act));
  ReviewOptions same;
  same.accept = same.reject = {kSteady};
  CHECK(review_usage_problem(same) == "'" + kSteady + "' is named by both --accept and --reject");
  CHECK_FALSE(review_usage_problem(ReviewOptions{}));
}
