// Unit tests of what a model call leaves behind: the call log line and its
// sink (src/llm/call_log), the fallback alert's webhook body and its sending
// (src/llm/alert, also over a loopback socket), and the redaction that keeps
// keys out of both (src/util/secrets_scan).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fake_api/fake_api.hpp"
#include "reprise/llm/alert.hpp"
#include "reprise/llm/call_log.hpp"
#include "reprise/llm/curl_transport.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/pricing.hpp"
#include "reprise/util/clock.hpp"
#include "reprise/util/secrets_scan.hpp"
#include "unit/test_support.hpp"

using namespace reprise;
using llm::Json;

namespace {

constexpr const char* kApiKey = "sk-ant-api03-Zq9xW2vB7nM4kL1pR8tY5uI0oP3aS6dF";

llm::Request sample_request() {
  llm::Request request;
  request.model = "claude-sonnet-4-5-20250929";
  request.max_tokens = 400;
  request.system_text = "You are a coach.\nBe kind.";
  request.messages.push_back(llm::Message::user_text("Line one\nline two\r\nand \"quoted\" text"));
  return request;
}

llm::Response sample_response() {
  llm::Response response;
  response.id = "msg_01";
  response.model = "claude-sonnet-4-5-20250929";
  response.content.push_back(llm::ContentBlock::make_text("First paragraph.\n\nSecond paragraph."));
  response.stop_reason = "end_turn";
  response.usage.input_tokens = 1200;
  response.usage.output_tokens = 300;
  response.request_id = "req_011CSample";
  response.provider = "anthropic";
  return response;
}

llm::CallRecord sample_record() {
  auto request = sample_request();
  auto response = sample_response();
  llm::CallRecord record;
  record.timestamp = "2026-11-22T01:02:03.456Z";
  record.agent = "coach_narrative";
  record.invocation_id = "inv-7f3a";
  record.call_index = 1;
  record.model = request.model;
  record.provider = "anthropic";
  record.latency_ms = 1234.5678;
  record.attempts = 2;
  record.usage = response.usage;
  record.request_id = response.request_id;
  record.prompt_sha256 = llm::request_fingerprint(request);
  record.request = llm::request_to_json(request);
  record.response = llm::response_to_json(response);
  record.input = {{"user", "Dana"}, {"notes", "multi\nline"}};
  llm::price_call(record);
  return record;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Keys of a JSON object line, in the order they were written.
std::vector<std::string> keys_in_order(const std::string& line) {
  std::vector<std::string> keys;
  auto json = nlohmann::ordered_json::parse(line);  // named: items() of a temporary would dangle
  for (const auto& item : json.items()) keys.push_back(item.key());
  return keys;
}

const std::vector<std::string> kProdKeys = {
    "event",  "schema",   "timestamp", "environment", "agent",    "invocation_id", "call_index",
    "provider", "model",  "latency_ms", "attempts",   "fallback", "error",         "usage",
    "cost_usd", "cost_error", "request_id", "prompt_sha256"};

}  // namespace

// ---------------------------------------------------------------- call log

TEST_CASE("call_record_json: a prod line has prompt_sha256 and no request, response or input", "[llm][call_log]") {
  auto record = sample_record();
  std::string line = llm::call_record_json(record, llm::LogEnvironment::prod);
  CHECK(keys_in_order(line) == kProdKeys);
  auto json = Json::parse(line);
  CHECK(json["event"] == "llm_call");
  CHECK(json["schema"] == "reprise.llm_call/1");
  CHECK(json["environment"] == "prod");
  CHECK(json["prompt_sha256"] == llm::request_fingerprint(sample_request()));
  CHECK(json["prompt_sha256"].get<std::string>().size() == 64);
  CHECK(json["agent"] == "coach_narrative");
  CHECK(json["invocation_id"] == "inv-7f3a");
  CHECK(json["call_index"] == 1);
  CHECK(json["attempts"] == 2);
  CHECK(json["fallback"] == false);
  CHECK(json["latency_ms"] == Approx(1234.568));
  CHECK(json["error"].is_null());
  CHECK(json["usage"]["input_tokens"] == 1200);
  CHECK(json["request_id"] == "req_011CSample");
  // Nothing of the prompt, the completion or the input, under any key.
  CHECK(line.find("coach.") == std::string::npos);
  CHECK(line.find("paragraph") == std::string::npos);
  CHECK(line.find("Dana") == std::string::npos);
}

TEST_CASE("call_record_json: a non-prod line carries the request, response and input to rebuild a case", "[llm][call_log]") {
  auto record = sample_record();
  std::string line = llm::call_record_json(record, llm::LogEnvironment::non_prod);
  auto keys = keys_in_order(line);
  auto expected = kProdKeys;
  expected.insert(expected.end(), {"request", "response", "input"});
  CHECK(keys == expected);
  auto json = Json::parse(line);
  CHECK(json["environment"] == "non-prod");
  CHECK(json["request"] == llm::request_to_json(sample_request()));
  CHECK(llm::request_fingerprint(json["request"]) == json["prompt_sha256"]);
  auto response = llm::response_from_json(json["response"]);
  REQUIRE(response);
  CHECK(response->text() == "First paragraph.\n\nSecond paragraph.");
  CHECK(json["input"]["user"] == "Dana");
}

TEST_CASE("call_record_json: one line even when payloads hold newlines or bad UTF-8", "[llm][call_log]") {
  auto record = sample_record();
  record.input = {{"text", "a\nb\r\nc\td"}, {"bad_utf8", std::string("caf\xC3", 4)}};
  record.agent = "agent\nwith newline";
  std::string line = llm::call_record_json(record, llm::LogEnvironment::non_prod);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
  auto json = Json::parse(line);
  CHECK(json["input"]["text"] == "a\nb\r\nc\td");
  CHECK(json["agent"] == "agent\nwith newline");
  CHECK(json["input"]["bad_utf8"] == "caf\xEF\xBF\xBD");  // U+FFFD
}

TEST_CASE("call_record_json: a failed call carries category, status and type, never the message", "[llm][call_log]") {
  llm::CallRecord record;
  record.timestamp = "2026-11-22T01:02:03.456Z";
  record.agent = "finance_chat";
  record.model = "claude-sonnet-4-5-20250929";
  record.provider = "anthropic";
  record.attempts = 3;
  record.fallback = true;
  llm::LlmError error;
  error.category = llm::ErrorCategory::overloaded;
  error.status = 529;
  error.api_error_type = "overloaded_error";
  error.message = "Overloaded; your prompt was: my salary is 91k";
  error.request_id = "req_err_1";
  record.error = error;
  llm::price_call(record);
  auto json = Json::parse(llm::call_record_json(record, llm::LogEnvironment::non_prod));
  CHECK(json["error"] == Json{{"category", "overloaded"}, {"status", 529}, {"api_error_type", "overloaded_error"}});
  CHECK(json["request_id"] == "req_err_1");  // from the error when the record has none
  CHECK(json["fallback"] == true);
  CHECK(json["usage"].is_null());
  CHECK(json["cost_usd"].is_null());
  CHECK_FALSE(json["cost_error"].get<std::string>().empty());
  CHECK(json.dump().find("salary") == std::string::npos);
}

TEST_CASE("price_call: a known model is priced by the table; an unknown one is null with the reason", "[llm][call_log]") {
  auto record = sample_record();
  auto expected = llm::usd_for_usage(record.model, *record.usage);
  REQUIRE(expected);
  REQUIRE(record.cost_usd);
  CHECK(*record.cost_usd == Approx(*expected));
  CHECK(*record.cost_usd > 0);
  CHECK(record.cost_error.empty());
  CHECK(Json::parse(llm::call_record_json(record, llm::LogEnvironment::prod))["cost_error"].is_null());

  record.model = "claude-imaginary-9";
  llm::price_call(record);
  CHECK_FALSE(record.cost_usd);
  CHECK(record.cost_error.find("claude-imaginary-9") != std::string::npos);
  auto json = Json::parse(llm::call_record_json(record, llm::LogEnvironment::prod));
  CHECK(json["cost_usd"].is_null());
  CHECK(json["cost_error"].get<std::string>().find("claude-imaginary-9") != std::string::npos);
}

TEST_CASE("log_environment_from: exactly non-prod is non-prod; unset and anything else is prod", "[llm][call_log]") {
  CHECK(llm::log_environment_from(std::string("non-prod")) == llm::LogEnvironment::non_prod);
  CHECK(llm::log_environment_from(std::nullopt) == llm::LogEnvironment::prod);
  for (const char* value : {"", "prod", "NON-PROD", "nonprod", "non-prod ", "staging"}) {
    CAPTURE(value);
    CHECK(llm::log_environment_from(std::string(value)) == llm::LogEnvironment::prod);
  }
}

TEST_CASE("utc_timestamp_ms: UTC ISO 8601 with milliseconds, truncated, also before 1970", "[util][call_log]") {
  using namespace std::chrono;
  // 2026-11-22T01:02:03Z is 1795309323 s after the epoch.
  system_clock::time_point time{seconds(1795309323) + milliseconds(456) + microseconds(999)};
  CHECK(util::utc_timestamp_ms(time) == "2026-11-22T01:02:03.456Z");
  CHECK(util::utc_timestamp_ms(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  CHECK(util::utc_timestamp_ms(system_clock::time_point{} - milliseconds(1)) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("CallLog::to_file: 8 threads x 200 records give exactly 1600 whole lines", "[llm][call_log]") {
  test::TempDir dir("call-log");
  // Two sinks opened apart, as two processes would: without O_APPEND they
  // would write over each other's lines.
  auto first = llm::CallLog::to_file(dir / "calls.jsonl", llm::LogEnvironment::non_prod);
  auto second = llm::CallLog::to_file(dir / "calls.jsonl", llm::LogEnvironment::non_prod);
  REQUIRE(first);
  REQUIRE(second);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    llm::CallLog& log = t % 2 == 0 ? *first : *second;
    threads.emplace_back([&log, t] {
      auto record = sample_record();
      record.agent = "thread-" + std::to_string(t);
      record.input = {{"padding", std::string(6000, static_cast<char>('a' + t))}};  // lines longer than PIPE_BUF
      for (int i = 0; i < kPerThread; ++i) {
        record.call_index = i;
        log.write(record);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(first->failed_writes() == 0);
  CHECK(second->failed_writes() == 0);

  std::string text = test::read_text(dir / "calls.jsonl");
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  auto lines = lines_of(text);
  REQUIRE(lines.size() == kThreads * kPerThread);
  std::set<std::pair<std::string, int>> seen;
  for (const auto& line : lines) {
    auto json = Json::parse(line);  // throws, failing the test, on a torn line
    auto agent = json["agent"].get<std::string>();
    char fill = static_cast<char>('a' + std::stoi(agent.substr(7)));
    CHECK(json["input"]["padding"] == std::string(6000, fill));
    seen.emplace(agent, json["call_index"].get<int>());
  }
  CHECK(seen.size() == kThreads * kPerThread);
}

TEST_CASE("CallLog::to_file: appends to an existing file; a missing folder is an error naming the path", "[llm][call_log]") {
  test::TempDir dir("call-log");
  test::write_text(dir / "calls.jsonl", "{\"earlier\":true}\n");
  {
    auto log = llm::CallLog::to_file(dir / "calls.jsonl", llm::LogEnvironment::prod);
    REQUIRE(log);
    CHECK(log->environment() == llm::LogEnvironment::prod);
    log->write(sample_record());
  }
  auto lines = lines_of(test::read_text(dir / "calls.jsonl"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "{\"earlier\":true}");
  CHECK(Json::parse(lines[1])["event"] == "llm_call");
  CHECK(Json::parse(lines[1]).count("request") == 0);

  auto missing = llm::CallLog::to_file(dir / "no-such-folder" / "calls.jsonl", llm::LogEnvironment::prod);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().find("no-such-folder/calls.jsonl") != std::string::npos);
  CHECK(missing.error().find("No such file or directory") != std::string::npos);
}

TEST_CASE("CallLog::write: a failing write is counted, never thrown", "[llm][call_log]") {
  REQUIRE(std::filesystem::exists("/dev/full"));  // every write to it fails with ENOSPC
  auto log = llm::CallLog::to_file("/dev/full", llm::LogEnvironment::prod);
  REQUIRE(log);
  auto copy = *log;  // copies share the sink and its count
  CHECK_NOTHROW(log->write(sample_record()));
  CHECK_NOTHROW(copy.write(sample_record()));
  CHECK(log->failed_writes() == 2);
}

TEST_CASE("CallLog::write: known secrets and key shapes never reach the file", "[llm][call_log]") {
  test::TempDir dir("call-log");
  const std::string aws_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  auto log = llm::CallLog::to_file(dir / "calls.jsonl", llm::LogEnvironment::non_prod, {aws_secret, "short"});
  REQUIRE(log);
  auto record = sample_record();
  record.input = {{"pasted", std::string("my key is ") + kApiKey}, {"secret", "x" + aws_secret + "y"}, {"word", "short"}};
  log->write(record);
  std::string text = test::read_text(dir / "calls.jsonl");
  CHECK(text.find(kApiKey) == std::string::npos);
  CHECK(text.find(aws_secret) == std::string::npos);
  auto json = Json::parse(lines_of(text).at(0));
  CHECK(json["input"]["pasted"] == "my key is [REDACTED]");
  CHECK(json["input"]["secret"] == "x[REDACTED]y");
  CHECK(json["input"]["word"] == "short");  // shorter than 8 bytes: not treated as a secret
  CHECK(json["prompt_sha256"] == record.prompt_sha256);
}

// ---------------------------------------------------------------- alert

namespace {

llm::FallbackAlert sample_alert() {
  llm::FallbackAlert alert;
  alert.agent = "committee_narrator";
  alert.model = "claude-sonnet-4-5-20250929";
  alert.category = "overloaded";
  alert.request_id = "req_011CAlert";
  alert.status = 529;
  alert.environment = "prod";
  alert.timestamp = "2026-11-22T01:02:03.456Z";
  return alert;
}

std::map<std::string, std::string> embed_fields(const Json& body) {
  std::map<std::string, std::string> fields;
  for (const auto& field : body.at("embeds").at(0).at("fields")) fields[field.at("name")] = field.at("value");
  return fields;
}

// Records what send_alert hands over and answers as scripted.
class ScriptedTransport final : public llm::Transport {
 public:
  llm::HttpResponse answer;
  bool throws = false;
  std::vector<llm::HttpRequest> sent;

  llm::HttpResponse send(const llm::HttpRequest& request) override {
    sent.push_back(request);
    if (throws) throw std::runtime_error("transport exploded");
    return answer;
  }
};

}  // namespace

TEST_CASE("discord_alert_body: names agent, model, category, status and request id; mentions nobody", "[llm][alert]") {
  auto body = Json::parse(llm::discord_alert_body(sample_alert()));
  std::set<std::string> keys;
  for (const auto& item : body.items()) keys.insert(item.key());
  CHECK(keys == std::set<std::string>{"content", "embeds", "allowed_mentions"});
  CHECK(body["allowed_mentions"] == Json{{"parse", Json::array()}});

  std::string content = body["content"];
  for (const char* expected : {"committee_narrator", "claude-sonnet-4-5-20250929", "overloaded", "HTTP 529",
                               "req_011CAlert", "bedrock"}) {
    CAPTURE(expected);
    CHECK(content.find(expected) != std::string::npos);
  }
  CHECK(content.size() <= 2000);
  CHECK(content.find('\n') == std::string::npos);

  REQUIRE(body["embeds"].size() == 1);
  const auto& embed = body["embeds"][0];
  CHECK(embed["title"].get<std::string>().find("bedrock") != std::string::npos);
  CHECK(embed["color"].is_number_integer());
  CHECK(embed["timestamp"] == "2026-11-22T01:02:03.456Z");
  auto fields = embed_fields(body);
  CHECK(fields["Agent"] == "`committee_narrator`");
  CHECK(fields["Model"] == "`claude-sonnet-4-5-20250929`");
  CHECK(fields["Error"] == "`overloaded`");
  CHECK(fields["Status"] == "HTTP 529");
  CHECK(fields["Request id"] == "`req_011CAlert`");
  CHECK(fields["Environment"] == "`prod`");
}

TEST_CASE("discord_alert_body: a hostile agent name is escaped, kept on one line, and pings no one", "[llm][alert]") {
  auto alert = sample_alert();
  alert.agent = "evil\"agent\n@everyone `code` <@123> \\ [x](https://evil.example)";
  std::string text = llm::discord_alert_body(alert);
  auto body = Json::parse(text);  // the quote and backslash did not break the JSON
  CHECK(body["allowed_mentions"]["parse"].empty());
  std::string agent = embed_fields(body)["Agent"];
  CHECK(agent == "`evil\"agent @everyone 'code' <@123> \\ [x](https://evil.example)`");
  std::string content = body["content"];
  CHECK(content.find('\n') == std::string::npos);
  CHECK(content.find("`evil\"agent @everyone 'code'") != std::string::npos);
}

TEST_CASE("discord_alert_body: keys are redacted, long values cut to Discord's limits", "[llm][alert]") {
  auto alert = sample_alert();
  alert.agent = std::string("agent-with-") + kApiKey;
  alert.model = std::string(5000, 'm');
  alert.request_id = std::string(3000, 'r');
  alert.timestamp.clear();
  std::string text = llm::discord_alert_body(alert);
  CHECK(text.find(kApiKey) == std::string::npos);
  auto body = Json::parse(text);
  CHECK(embed_fields(body)["Agent"] == "`agent-with-[REDACTED]`");
  CHECK(body["content"].get<std::string>().size() <= 2000);
  std::size_t total = body["embeds"][0]["title"].get<std::string>().size();
  for (const auto& field : body["embeds"][0]["fields"]) {
    CHECK(field["name"].get<std::string>().size() <= 256);
    CHECK(field["value"].get<std::string>().size() <= 1024);
    total += field["name"].get<std::string>().size() + field["value"].get<std::string>().size();
  }
  CHECK(total <= 6000);
  CHECK(body["embeds"][0]["timestamp"].get<std::string>().size() == std::string("2026-11-22T01:02:03.456Z").size());
}

TEST_CASE("send_alert: POSTs the JSON body; true only on 2xx; never throws", "[llm][alert]") {
  const std::string url = "https://discord.example/api/webhooks/1/token";
  ScriptedTransport transport;
  transport.answer.status = 204;
  CHECK(llm::send_alert(transport, url, sample_alert()));
  REQUIRE(transport.sent.size() == 1);
  const auto& request = transport.sent[0];
  CHECK(request.method == "POST");
  CHECK(request.url == url);
  CHECK(llm::find_header(request.headers, "Content-Type") == "application/json");
  CHECK(request.body == llm::discord_alert_body(sample_alert()));

  transport.answer.status = 200;
  CHECK(llm::send_alert(transport, url, sample_alert()));
  transport.answer.status = 500;
  CHECK_FALSE(llm::send_alert(transport, url, sample_alert()));
  transport.answer.status = 429;
  CHECK_FALSE(llm::send_alert(transport, url, sample_alert()));
  transport.answer = {};
  transport.answer.failure = llm::TransportFailure{llm::TransportFailure::Kind::network, "refused"};
  CHECK_FALSE(llm::send_alert(transport, url, sample_alert()));
  transport.throws = true;
  bool sent = true;
  CHECK_NOTHROW(sent = llm::send_alert(transport, url, sample_alert()));
  CHECK_FALSE(sent);

  // The URL holds the webhook's token: not sent in clear text, not sent anywhere when unset.
  transport.sent.clear();
  CHECK_FALSE(llm::send_alert(transport, "http://discord.example/api/webhooks/1/token", sample_alert()));
  CHECK_FALSE(llm::send_alert(transport, "", sample_alert()));
  CHECK(transport.sent.empty());
}

namespace {

llm::CurlTransport short_curl() {
  llm::CurlTransportOptions options;
  options.connect_timeout = std::chrono::milliseconds(500);
  options.total_timeout = std::chrono::milliseconds(1000);
  return llm::CurlTransport(options);
}

}  // namespace

TEST_CASE("send_alert over a socket: true on 204 with the body received, false on 500", "[net][alert]") {
  test::FakeApi webhook;
  webhook.push({204, {}, "", {}, false, false});
  webhook.push({500, {}, "{\"message\":\"boom\"}", {}, false, false});
  auto transport = short_curl();
  std::string url = webhook.base_url() + "/api/webhooks/123/token";
  CHECK(llm::send_alert(transport, url, sample_alert()));
  CHECK_FALSE(llm::send_alert(transport, url, sample_alert()));
  auto received = webhook.requests();
  REQUIRE(received.size() == 2);
  CHECK(received[0].path == "/api/webhooks/123/token");
  auto body = Json::parse(received[0].body);
  CHECK(body["embeds"][0]["fields"].size() >= 5);
  CHECK(body["content"].get<std::string>().find("committee_narrator") != std::string::npos);
}

TEST_CASE("send_alert over a socket: a refused connection is false, not an exception", "[net][alert]") {
  std::string url;
  {
    test::FakeApi closed;  // its port is free again once it is gone
    url = closed.base_url() + "/api/webhooks/123/token";
  }
  auto transport = short_curl();
  bool sent = true;
  CHECK_NOTHROW(sent = llm::send_alert(transport, url, sample_alert()));
  CHECK_FALSE(sent);
}

// ---------------------------------------------------------------- redaction

TEST_CASE("redact_secrets: each secret shape is replaced, the keyword kept", "[util][redact]") {
  struct Row {
    std::string text;
    std::string expected;
  };
  const std::vector<Row> rows = {
      {std::string("key=") + kApiKey + " end", "key=[REDACTED] end"},
      {"sk-ant-admin01-abc_DEF-123", "[REDACTED]"},
      {"id AKIAIOSFODNN7EXAMPLE, temp ASIAY34FZKBOKMUTVV7A.", "id [REDACTED], temp [REDACTED]."},
      {"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig-9_x== next", "Authorization: Bearer [REDACTED] next"},
      {"authorization: bearer abcd1234efgh5678.", "authorization: bearer [REDACTED]."},
      {"x-api-key: sk-test-0123456789\r\n", "x-api-key: [REDACTED]\r\n"},
      {"X-Api-Key:plainvalue99", "X-Api-Key:[REDACTED]"},
      {"{\"x-api-key\":\"k-0123456789abcdef\",\"a\":1}", "{\"x-api-key\":\"[REDACTED]\",\"a\":1}"},
      {"{\"x-api-key\": \"k-0123456789abcdef\"}", "{\"x-api-key\": \"[REDACTED]\"}"},
      {"\"{\\\"x-api-key\\\":\\\"k-0123456789abcdef\\\"}\"", "\"{\\\"x-api-key\\\":\\\"[REDACTED]\\\"}\""},
      {"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "aws_secret_access_key = [REDACTED]\n"},
      {"export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "export AWS_SECRET_ACCESS_KEY=[REDACTED]"},
      {"{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}", "{\"SecretAccessKey\": \"[REDACTED]\"}"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    CHECK(util::redact_secrets(row.text) == row.expected);
    CHECK(util::redact_secrets(row.expected) == row.expected);  // idempotent
  }
}

TEST_CASE("redact_secrets: known secrets of 8 bytes or more, every occurrence", "[util][redact]") {
  const std::vector<std::string> known = {"hunter2-but-longer", "", "tiny", "https://discord.com/api/webhooks/1/tok3n"};
  CHECK(util::redact_secrets("a hunter2-but-longer b hunter2-but-longer", known) == "a [REDACTED] b [REDACTED]");
  CHECK(util::redact_secrets("tiny things", known) == "tiny things");
  CHECK(util::redact_secrets("posting to https://discord.com/api/webhooks/1/tok3n now", known) ==
        "posting to [REDACTED] now");
  CHECK(util::redact_secrets("nothing here", known) == "nothing here");
}

TEST_CASE("redact_secrets: no false positives on prose, digests, ids and model names", "[util][redact]") {
  const std::vector<std::string> clean = {
      "The bearer of bad news said: Bearer bonds are old. Bearer Authentication uses a token.",
      "Keys start with sk-ant- and are secret; see the x-api-key header docs.",
      "prompt_sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "SHA 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
      "invocation 3f2504e0-4f89-11d3-9a0c-0305e82c3301 request req_011CSample model claude-sonnet-4-5-20250929",
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0 and arn:aws:bedrock:us-east-1::foundation-model/x",
      "AKIA is the prefix of an access key id; AKIASHORT is not one; XAKIAIOSFODNN7EXAMPLE neither.",
      "Set aws_secret_access_key in your profile.",
      "Caf\xC3\xA9 na\xC3\xAFve r\xC3\xA9sum\xC3\xA9, $412.30 on dining.",
  };
  for (const auto& text : clean) {
    CAPTURE(text);
    CHECK(util::find_secrets(text).empty());
    CHECK(util::redact_secrets(text) == text);
  }
}

TEST_CASE("find_secrets: kinds, byte offsets of the values, line and column", "[util][redact]") {
  std::string text = std::string("line one\nkey ") + kApiKey + "\nAuthorization: Bearer tok3n-abcdef-0123\n" +
                     "x-api-key: sk-ant-api03-inheader id=AKIAIOSFODNN7EXAMPLE known=my-known-secret";
  auto findings = util::find_secrets(text, {"my-known-secret"});
  REQUIRE(findings.size() == 5);

  CHECK(findings[0].kind == util::SecretKind::anthropic_key);
  CHECK(findings[0].offset == text.find(kApiKey));
  CHECK(findings[0].length == std::string(kApiKey).size());
  auto position = util::position_of(text, findings[0].offset);
  CHECK(position.line == 2);
  CHECK(position.column == 5);

  CHECK(findings[1].kind == util::SecretKind::bearer_token);
  CHECK(text.substr(findings[1].offset, findings[1].length) == "tok3n-abcdef-0123");
  CHECK(util::position_of(text, findings[1].offset).line == 3);
  CHECK(util::position_of(text, findings[1].offset).column == 23);

  // The same bytes match the header rule and the key shape: reported once, as the more specific kind.
  CHECK(findings[2].kind == util::SecretKind::anthropic_key);
  CHECK(text.substr(findings[2].offset, findings[2].length) == "sk-ant-api03-inheader");

  CHECK(findings[3].kind == util::SecretKind::aws_access_key_id);
  CHECK(text.substr(findings[3].offset, findings[3].length) == "AKIAIOSFODNN7EXAMPLE");
  CHECK(findings[4].kind == util::SecretKind::known_secret);
  CHECK(text.substr(findings[4].offset, findings[4].length) == "my-known-secret");
  CHECK(util::to_string(findings[4].kind) == "known_secret");

  CHECK(util::position_of(text, 0).line == 1);
  CHECK(util::position_of(text, 0).column == 1);
}

TEST_CASE("find_secrets: overlapping matches merge, so redaction leaves no tail", "[util][redact]") {
  // A known secret that starts inside a key and runs past it.
  std::string text = "x sk-ant-abc123 tail-of-known y";
  auto findings = util::find_secrets(text, {"abc123 tail-of-known"});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].offset == 2);
  CHECK(findings[0].length == std::string("sk-ant-abc123 tail-of-known").size());
  CHECK(util::redact_secrets(text, {"abc123 tail-of-known"}) == "x [REDACTED] y");
}
