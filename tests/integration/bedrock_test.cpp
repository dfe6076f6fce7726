// Tests of the two SigV4-signed AWS calls of src/llm: Bedrock InvokeModel (the
// fallback provider, bedrock_provider.hpp) and Secrets Manager GetSecretValue
// (the API key, secrets.hpp).
//
// [llm] cases run the provider and the key source in memory; [net] cases send
// through the real CurlTransport to the loopback fake (tests/fake_api), which
// records what arrived, so the signature can be recomputed from the bytes
// received. The wall clock is fixed, so a signature is exact.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fake_api/fake_api.hpp"
#include "reprise/llm/bedrock_provider.hpp"
#include "reprise/llm/curl_transport.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/secrets.hpp"
#include "reprise/llm/sigv4.hpp"
#include "reprise/util/text.hpp"
#include "unit/test_support.hpp"

using namespace reprise;
using test::FakeApi;
using test::ScriptedResponse;
using Json = nlohmann::json;

namespace {

// 2025-10-09T08:53:20Z
const auto kFixedTime = std::chrono::system_clock::time_point{std::chrono::seconds{1'760'000'000}};
constexpr const char* kFixedStamp = "20251009T085320Z";
llm::WallClock fixed_clock() {
  return [] { return kFixedTime; };
}

// The example credentials of the AWS documentation: not a real account.
constexpr const char* kAccessKeyId = "AKIDEXAMPLE";
constexpr const char* kSecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kSessionToken = "IQoJb3JpZ2luX2VjEXAMPLE//session+token==";

constexpr const char* kSonnet = "claude-sonnet-4-5-20250929";
constexpr const char* kSonnetProfile = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
constexpr const char* kSonnetPathOnWire = "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke";

constexpr const char* kSecretId = "reprise/anthropic-api-key";
constexpr const char* kFixtureKey = "fake-anthropic-key-for-tests-0000";

llm::AwsCredentials credentials(bool with_session_token) {
  return {kAccessKeyId, kSecretAccessKey, with_session_token ? kSessionToken : ""};
}

llm::BedrockConfig bedrock_config(std::string endpoint = "", bool with_session_token = false) {
  llm::BedrockConfig config;
  config.region = "us-east-1";
  config.endpoint = std::move(endpoint);
  config.credentials = credentials(with_session_token);
  config.profiles = llm::bedrock_profiles_for(llm::ModelRoles{}, "us");
  return config;
}

llm::Request hello_request() {
  llm::Request request;
  request.model = kSonnet;
  request.max_tokens = 64;
  request.system_text = "You are a finance coach.";
  request.temperature = 0.2;
  request.messages.push_back(llm::Message::user_text("Hello"));
  return request;
}

std::string fixture(const char* name) { return test::read_text(test::source_dir() / "fixtures/api" / name); }

std::shared_ptr<llm::CurlTransport> transport(std::chrono::milliseconds total = std::chrono::milliseconds(2000)) {
  llm::CurlTransportOptions options;
  options.connect_timeout = std::chrono::milliseconds(500);
  options.total_timeout = total;
  return std::make_shared<llm::CurlTransport>(options);
}

llm::Headers as_headers(const test::FakeHeaders& headers) { return {headers.begin(), headers.end()}; }

std::string header(const test::RecordedRequest& request, std::string_view name) {
  return llm::find_header(as_headers(request.headers), name).value_or("");
}

bool has_header(const llm::Headers& headers, std::string_view name) {
  return llm::find_header(headers, name).has_value();
}

// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b;c, Signature=..." -> {a, b, c}
std::set<std::string> signed_header_names(const std::string& authorization) {
  std::set<std::string> names;
  auto start = authorization.find("SignedHeaders=");
  if (start == std::string::npos) return names;
  start += std::string_view("SignedHeaders=").size();
  std::string list = authorization.substr(start, authorization.find(',', start) - start);
  std::istringstream parts(list);
  for (std::string name; std::getline(parts, name, ';');) names.insert(name);
  return names;
}

// The request as received, signed again on its own: the headers the sender
// says it signed (with the values that arrived), the body that arrived, the
// path as it travelled. Equal to the Authorization received only if the
// sender signed exactly what it sent.
llm::SigV4Signature resign_received(const test::RecordedRequest& received, const std::string& base_url,
                                    const std::string& path_on_wire, const std::string& service,
                                    const llm::AwsCredentials& creds) {
  auto names = signed_header_names(header(received, "authorization"));
  llm::SigV4Request request;
  request.method = received.method;
  request.url = base_url + path_on_wire;
  for (const auto& [name, value] : received.headers) {
    if (names.count(util::to_lower_ascii(name)) != 0) request.headers.emplace_back(name, value);
  }
  request.body = received.body;
  request.region = "us-east-1";
  request.service = service;
  request.timestamp = header(received, "x-amz-date");
  auto signature = llm::sign_sigv4(request, creds);
  REQUIRE(signature);
  return *signature;
}

// A Transport in memory, for the key source's unit tests: answers from a
// queue (a network failure when it is empty) and counts what it was sent.
class QueueTransport final : public llm::Transport {
 public:
  void push(llm::HttpResponse answer) {
    std::lock_guard lock(mutex_);
    answers_.push_back(std::move(answer));
  }
  void delay_each_answer(std::chrono::milliseconds delay) { delay_ = delay; }
  llm::HttpResponse send(const llm::HttpRequest& request) override {
    std::this_thread::sleep_for(delay_);
    std::lock_guard lock(mutex_);
    sent_.push_back(request);
    if (answers_.empty()) return {0, {}, "", llm::TransportFailure{llm::TransportFailure::Kind::network, "queue empty"}};
    llm::HttpResponse answer = std::move(answers_.front());
    answers_.pop_front();
    return answer;
  }
  std::size_t sent() const {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<llm::HttpResponse> answers_;
  std::vector<llm::HttpRequest> sent_;
  std::chrono::milliseconds delay_{0};
};

// Runs get() on `threads` threads released together; returns how many got a key.
int concurrent_gets(llm::ApiKeySource& source, int threads) {
  std::atomic<int> ready{0};
  std::atomic<int> keys{0};
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&] {
      ++ready;
      while (ready < threads) std::this_thread::yield();
      if (source.get()) ++keys;
    });
  }
  for (auto& thread : running) thread.join();
  return keys;
}

llm::SecretsManagerConfig secrets_config(std::string endpoint = "https://secretsmanager.invalid") {
  return {"us-east-1", std::move(endpoint), credentials(false), kSecretId};
}

Json secret_answer(const std::string& secret_string) {
  return Json{{"ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:reprise/anthropic-api-key-a1B2c3"},
              {"Name", kSecretId},
              {"SecretString", secret_string},
              {"VersionId", "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE"},
              {"VersionStages", {"AWSCURRENT"}},
              {"CreatedDate", 1.760000000123e9}};
}

void check_names_no_secret(const std::string& message, const std::string& secret) {
  CHECK(message.find(kSecretId) != std::string::npos);
  CHECK(message.find(secret) == std::string::npos);
  CHECK(message.find(kSecretAccessKey) == std::string::npos);
}

}  // namespace

// ---------------------------------------------------------------------------
// Bedrock, in memory
// ---------------------------------------------------------------------------

TEST_CASE("bedrock_profiles_for: each role's model becomes <geo>.anthropic.<model>-v1:0", "[llm][bedrock]") {
  llm::ModelRoles roles;
  auto us = llm::bedrock_profiles_for(roles, "us");
  CHECK(us.size() == 3);
  CHECK(us.at("claude-sonnet-4-5-20250929") == "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
  CHECK(us.at("claude-opus-4-5-20251101") == "us.anthropic.claude-opus-4-5-20251101-v1:0");
  CHECK(us.at("claude-haiku-4-5-20251001") == "us.anthropic.claude-haiku-4-5-20251001-v1:0");
  CHECK(llm::bedrock_profiles_for(roles, "global").at(kSonnet) == "global.anthropic.claude-sonnet-4-5-20250929-v1:0");
  CHECK(llm::bedrock_profiles_for(roles, "eu").at("claude-haiku-4-5-20251001") ==
        "eu.anthropic.claude-haiku-4-5-20251001-v1:0");
}

TEST_CASE("BedrockProvider: POSTs to the default regional endpoint, the profile id with ':' as %3A", "[llm][bedrock]") {
  llm::BedrockProvider provider(bedrock_config(), fixed_clock());
  auto http = provider.build_http_request(hello_request());
  REQUIRE(http);
  CHECK(http->method == "POST");
  CHECK(http->url == std::string("https://bedrock-runtime.us-east-1.amazonaws.com") + kSonnetPathOnWire);
  CHECK(llm::find_header(http->headers, "content-type") == "application/json");
  CHECK(llm::find_header(http->headers, "accept") == "application/json");
  CHECK(llm::find_header(http->headers, "x-amz-date") == kFixedStamp);
  CHECK(llm::find_header(http->headers, "x-api-key") == std::nullopt);
}

TEST_CASE("BedrockProvider: an endpoint from the config is used as given, trailing '/' dropped", "[llm][bedrock]") {
  llm::BedrockProvider provider(bedrock_config("http://127.0.0.1:9/"), fixed_clock());
  auto http = provider.build_http_request(hello_request());
  REQUIRE(http);
  CHECK(http->url == std::string("http://127.0.0.1:9") + kSonnetPathOnWire);
}

TEST_CASE("BedrockProvider: the body is the Messages request minus model and stream, plus anthropic_version",
          "[llm][bedrock]") {
  auto request = hello_request();
  request.stream = true;  // InvokeModel does not stream: dropped, not sent
  llm::BedrockProvider provider(bedrock_config(), fixed_clock());
  auto http = provider.build_http_request(request);
  REQUIRE(http);
  Json body = Json::parse(http->body);
  CHECK_FALSE(body.contains("model"));
  CHECK_FALSE(body.contains("stream"));
  CHECK(body.at("anthropic_version") == "bedrock-2023-05-31");

  Json expected = llm::request_to_json(request);
  expected.erase("model");
  expected.erase("stream");
  expected["anthropic_version"] = "bedrock-2023-05-31";
  CHECK(body == expected);
  CHECK(body.at("system") == "You are a finance coach.");
  CHECK(body.at("max_tokens") == 64);
}

TEST_CASE("BedrockProvider: a model without an inference profile is invalid_request naming the model",
          "[llm][bedrock]") {
  auto request = hello_request();
  request.model = "claude-3-opus-20240229";
  llm::BedrockProvider provider(bedrock_config(), fixed_clock());
  auto http = provider.build_http_request(request);
  REQUIRE_FALSE(http);
  CHECK(http.error().category == llm::ErrorCategory::invalid_request);
  CHECK(http.error().message.find("'claude-3-opus-20240229'") != std::string::npos);
  CHECK(http.error().message.find(kSonnet) != std::string::npos);  // lists the configured ones
}

TEST_CASE("BedrockProvider: missing credentials are an auth error that shows no secret", "[llm][bedrock]") {
  auto config = bedrock_config();
  config.credentials.access_key_id.clear();
  llm::BedrockProvider provider(config, fixed_clock());
  auto http = provider.build_http_request(hello_request());
  REQUIRE_FALSE(http);
  CHECK(http.error().category == llm::ErrorCategory::auth);
  CHECK(http.error().message.find("access key id") != std::string::npos);
  CHECK(http.error().message.find(kSecretAccessKey) == std::string::npos);
}

TEST_CASE("BedrockProvider: X-Amz-Security-Token is added with a session token and only then", "[llm][bedrock]") {
  auto with = llm::BedrockProvider(bedrock_config("", true), fixed_clock()).build_http_request(hello_request());
  auto without = llm::BedrockProvider(bedrock_config("", false), fixed_clock()).build_http_request(hello_request());
  REQUIRE(with);
  REQUIRE(without);
  CHECK(llm::find_header(with->headers, "x-amz-security-token") == kSessionToken);
  CHECK(llm::find_header(with->headers, "authorization")->find("x-amz-security-token") != std::string::npos);
  CHECK_FALSE(has_header(without->headers, "x-amz-security-token"));
  CHECK(llm::find_header(without->headers, "authorization")->find("x-amz-security-token") == std::string::npos);
}

TEST_CASE("BedrockProvider: a 200 Messages body is a Response from provider bedrock with its request id",
          "[llm][bedrock]") {
  llm::BedrockProvider provider(bedrock_config(), fixed_clock());
  llm::HttpResponse http{200, {{"X-Amzn-RequestId", "5f1c0e3a-7d2b-4c1e-9a55-2b8f0c6d4e11"}},
                         fixture("bedrock_message_text.json"), std::nullopt};
  auto response = provider.parse_http_response(http);
  REQUIRE(response);
  CHECK(response->provider == "bedrock");
  CHECK(response->request_id == "5f1c0e3a-7d2b-4c1e-9a55-2b8f0c6d4e11");
  CHECK(response->id == "msg_bdrk_01Hq3yVdXk8Rr2TzNmB7cQpL");
  CHECK(response->text() == "Hello from the fallback! You spent $412.30 on dining this month.");
  CHECK(response->usage.output_tokens == 507);
}

TEST_CASE("BedrockProvider: the error type is read from x-amzn-ErrorType up to ':', else from the body's __type",
          "[llm][bedrock]") {
  llm::BedrockProvider provider(bedrock_config(), fixed_clock());
  llm::HttpResponse throttled{
      429,
      {{"x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"},
       {"x-amzn-RequestId", "req-throttled"}},
      fixture("bedrock_error_throttling.json"),
      std::nullopt};
  auto error = provider.parse_http_response(throttled);
  REQUIRE_FALSE(error);
  CHECK(error.error().api_error_type == "ThrottlingException");
  CHECK(error.error().category == llm::ErrorCategory::rate_limited);
  CHECK(error.error().message == "Too many requests, please wait before trying again.");
  CHECK(error.error().request_id == "req-throttled");

  llm::HttpResponse quota{400, {}, R"({"__type":"ServiceQuotaExceededException","message":"quota"})", std::nullopt};
  auto quota_error = provider.parse_http_response(quota);
  REQUIRE_FALSE(quota_error);
  CHECK(quota_error.error().api_error_type == "ServiceQuotaExceededException");
  CHECK(quota_error.error().category == llm::ErrorCategory::rate_limited);  // a 400, but not a bad request
}

TEST_CASE("BedrockProvider: an unknown error type or an error body that is not JSON falls back to the status",
          "[llm][bedrock]") {
  llm::BedrockProvider provider(bedrock_config(), fixed_clock());
  auto unknown = provider.parse_http_response({502, {{"x-amzn-ErrorType", "SomethingNewException"}}, "{}", std::nullopt});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().category == llm::ErrorCategory::server);
  CHECK(unknown.error().api_error_type == "SomethingNewException");
  auto html = provider.parse_http_response({504, {}, "<html>Gateway Timeout</html>", std::nullopt});
  REQUIRE_FALSE(html);
  CHECK(html.error().category == llm::ErrorCategory::timeout);
  CHECK(html.error().message.find("HTTP 504") != std::string::npos);
}

TEST_CASE("BedrockProvider: no answer is network or timeout, as for the Anthropic provider", "[llm][bedrock]") {
  llm::BedrockProvider provider(bedrock_config(), fixed_clock());
  using Kind = llm::TransportFailure::Kind;
  auto timeout = provider.parse_http_response({0, {}, "", llm::TransportFailure{Kind::timeout, "Timeout was reached"}});
  REQUIRE_FALSE(timeout);
  CHECK(timeout.error().category == llm::ErrorCategory::timeout);
  CHECK(timeout.error().message == "Timeout was reached");
  auto refused = provider.parse_http_response({0, {}, "", llm::TransportFailure{Kind::network, "Connection refused"}});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().category == llm::ErrorCategory::network);
}

TEST_CASE("BedrockProvider: a 200 whose body is not a Messages response is a parse error", "[llm][bedrock]") {
  llm::BedrockProvider provider(bedrock_config(), fixed_clock());
  auto not_json = provider.parse_http_response({200, {}, "not json", std::nullopt});
  REQUIRE_FALSE(not_json);
  CHECK(not_json.error().category == llm::ErrorCategory::parse);
  // A Converse-shaped answer: valid JSON, wrong API.
  auto converse = provider.parse_http_response(
      {200, {}, R"({"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn"})",
       std::nullopt});
  REQUIRE_FALSE(converse);
  CHECK(converse.error().category == llm::ErrorCategory::parse);
}

// ---------------------------------------------------------------------------
// Bedrock, over loopback sockets
// ---------------------------------------------------------------------------

TEST_CASE("Bedrock over loopback: POST /model/<profile>/invoke is answered and parsed as a bedrock Response",
          "[net][bedrock]") {
  FakeApi api;
  api.push({200, {{"x-amzn-RequestId", "7a1e4a9e-0b0d-4d4f-8f1a-1c9e2f3b4d5e"}}, fixture("bedrock_message_text.json"),
            {}, false, false});
  llm::BedrockProvider provider(bedrock_config(api.base_url()), fixed_clock());
  auto http = provider.build_http_request(hello_request());
  REQUIRE(http);
  auto response = provider.parse_http_response(transport()->send(*http));
  REQUIRE(response);
  CHECK(response->provider == "bedrock");
  CHECK(response->request_id == "7a1e4a9e-0b0d-4d4f-8f1a-1c9e2f3b4d5e");
  CHECK(response->text() == "Hello from the fallback! You spent $412.30 on dining this month.");

  auto received = api.requests();
  REQUIRE(received.size() == 1);
  CHECK(received[0].method == "POST");
  // The fake records the path percent-decoded; the form on the wire is checked below, by the signature.
  CHECK(received[0].path == std::string("/model/") + kSonnetProfile + "/invoke");
  CHECK(header(received[0], "content-type") == "application/json");
  CHECK(header(received[0], "accept") == "application/json");
  CHECK(header(received[0], "x-amz-date") == kFixedStamp);
  CHECK(header(received[0], "x-api-key").empty());
  Json body = Json::parse(received[0].body);
  CHECK(body.at("anthropic_version") == "bedrock-2023-05-31");
  CHECK_FALSE(body.contains("model"));
  CHECK_FALSE(body.contains("stream"));
  CHECK(body.at("messages").at(0).at("content") == "Hello");
}

TEST_CASE("Bedrock over loopback: the Authorization received equals the signature recomputed from the request",
          "[net][bedrock]") {
  for (bool with_token : {false, true}) {
    CAPTURE(with_token);
    FakeApi api;
    api.push({200, {}, fixture("bedrock_message_text.json"), {}, false, false});
    llm::BedrockProvider provider(bedrock_config(api.base_url(), with_token), fixed_clock());
    auto http = provider.build_http_request(hello_request());
    REQUIRE(http);
    REQUIRE(provider.parse_http_response(transport()->send(*http)));
    auto received = api.requests();
    REQUIRE(received.size() == 1);

    auto again = resign_received(received[0], api.base_url(), kSonnetPathOnWire, "bedrock", credentials(with_token));
    CHECK(header(received[0], "authorization") == again.authorization);
    // The canonical URI encodes the encoded ':' once more (SigV4, non-S3 services).
    CHECK(again.canonical_request.find("\n/model/us.anthropic.claude-sonnet-4-5-20250929-v1%253A0/invoke\n") !=
          std::string::npos);
    CHECK(again.authorization.find("Credential=AKIDEXAMPLE/20251009/us-east-1/bedrock/aws4_request") !=
          std::string::npos);
    std::string expected_signed = with_token ? "accept;content-type;host;x-amz-date;x-amz-security-token"
                                             : "accept;content-type;host;x-amz-date";
    CHECK(again.signed_headers == expected_signed);
  }
}

TEST_CASE("Bedrock over loopback: X-Amz-Security-Token arrives when a session token is set, never otherwise",
          "[net][bedrock]") {
  FakeApi api;
  api.push({200, {}, fixture("bedrock_message_text.json"), {}, false, false});
  api.push({200, {}, fixture("bedrock_message_text.json"), {}, false, false});
  auto sender = transport();
  for (bool with_token : {true, false}) {
    llm::BedrockProvider provider(bedrock_config(api.base_url(), with_token), fixed_clock());
    auto http = provider.build_http_request(hello_request());
    REQUIRE(http);
    REQUIRE(provider.parse_http_response(sender->send(*http)));
  }
  auto received = api.requests();
  REQUIRE(received.size() == 2);
  CHECK(header(received[0], "x-amz-security-token") == kSessionToken);
  CHECK_FALSE(has_header(as_headers(received[1].headers), "x-amz-security-token"));
}

TEST_CASE("Bedrock over loopback: every Bedrock error status and type maps to its category, request id kept",
          "[net][bedrock]") {
  struct Row {
    int status;
    const char* type;
    llm::ErrorCategory category;
  };
  const std::vector<Row> rows = {
      {400, "ValidationException", llm::ErrorCategory::invalid_request},
      {403, "AccessDeniedException", llm::ErrorCategory::permission},
      {403, "UnrecognizedClientException", llm::ErrorCategory::auth},
      {403, "InvalidSignatureException", llm::ErrorCategory::auth},
      {403, "ExpiredTokenException", llm::ErrorCategory::auth},
      {404, "ResourceNotFoundException", llm::ErrorCategory::not_found},
      {408, "ModelTimeoutException", llm::ErrorCategory::timeout},
      {424, "ModelErrorException", llm::ErrorCategory::server},
      {429, "ThrottlingException", llm::ErrorCategory::rate_limited},
      {429, "ModelNotReadyException", llm::ErrorCategory::rate_limited},
      {400, "ServiceQuotaExceededException", llm::ErrorCategory::rate_limited},
      {429, "ServiceQuotaExceededException", llm::ErrorCategory::rate_limited},
      {500, "InternalServerException", llm::ErrorCategory::server},
      {503, "ServiceUnavailableException", llm::ErrorCategory::overloaded},
  };
  FakeApi api;
  auto sender = transport();
  llm::BedrockProvider provider(bedrock_config(api.base_url()), fixed_clock());
  for (const auto& row : rows) {
    CAPTURE(row.status, row.type);
    std::string request_id = std::string("req-") + row.type;
    api.push({row.status,
              {{"x-amzn-ErrorType", std::string(row.type) + ":http://internal.amazon.com/coral/com.amazon.bedrock/"},
               {"x-amzn-RequestId", request_id}},
              Json{{"message", std::string("scripted ") + row.type}}.dump(),
              {},
              false,
              false});
    auto http = provider.build_http_request(hello_request());
    REQUIRE(http);
    auto result = provider.parse_http_response(sender->send(*http));
    REQUIRE_FALSE(result);
    CHECK(result.error().category == row.category);
    CHECK(result.error().status == row.status);
    CHECK(result.error().api_error_type == row.type);
    CHECK(result.error().message == std::string("scripted ") + row.type);
    CHECK(result.error().request_id == request_id);
  }
}

TEST_CASE("Bedrock over loopback: a refused connection is network, a slow answer is timeout", "[net][bedrock]") {
  std::string closed_url;
  {
    FakeApi closed;
    closed_url = closed.base_url();
  }
  llm::BedrockProvider refused_provider(bedrock_config(closed_url), fixed_clock());
  auto refused_http = refused_provider.build_http_request(hello_request());
  REQUIRE(refused_http);
  auto refused = refused_provider.parse_http_response(transport()->send(*refused_http));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().category == llm::ErrorCategory::network);
  CHECK(refused.error().message.find(kSecretAccessKey) == std::string::npos);

  FakeApi slow;
  slow.push({200, {}, fixture("bedrock_message_text.json"), std::chrono::milliseconds(600), false, false});
  llm::BedrockProvider slow_provider(bedrock_config(slow.base_url()), fixed_clock());
  auto slow_http = slow_provider.build_http_request(hello_request());
  REQUIRE(slow_http);
  auto timed_out = slow_provider.parse_http_response(transport(std::chrono::milliseconds(200))->send(*slow_http));
  REQUIRE_FALSE(timed_out);
  CHECK(timed_out.error().category == llm::ErrorCategory::timeout);
}

// ---------------------------------------------------------------------------
// Secrets Manager and the API key, in memory
// ---------------------------------------------------------------------------

TEST_CASE("api_key_from_secret_string: a raw key, surrounding whitespace trimmed", "[llm][secrets]") {
  auto key = llm::api_key_from_secret_string("  fake-anthropic-key-raw-1234\n");
  REQUIRE(key);
  CHECK(*key == "fake-anthropic-key-raw-1234");
}

TEST_CASE("api_key_from_secret_string: a JSON object, ANTHROPIC_API_KEY then api_key then apiKey", "[llm][secrets]") {
  CHECK(*llm::api_key_from_secret_string(R"({"ANTHROPIC_API_KEY":"k1","api_key":"k2","apiKey":"k3"})") == "k1");
  CHECK(*llm::api_key_from_secret_string(R"({"api_key":"k2","apiKey":"k3"})") == "k2");
  CHECK(*llm::api_key_from_secret_string(R"({"apiKey":"k3","other":"x"})") == "k3");
  CHECK(*llm::api_key_from_secret_string(R"({"ANTHROPIC_API_KEY":"","api_key":"k2"})") == "k2");
}

TEST_CASE("api_key_from_secret_string: anything else is an error that does not echo the secret", "[llm][secrets]") {
  const std::string hidden = "fake-hidden-value-9876";
  const std::vector<std::string> bad = {
      "",
      "   \n",
      hidden + " with spaces",
      "line1-" + hidden + "\nline2",
      "\"" + hidden + "\"",
      "[\"" + hidden + "\"]",
      "{\"password\":\"" + hidden + "\"}",
      "{\"ANTHROPIC_API_KEY\":42,\"token\":\"" + hidden + "\"}",
      "{\"ANTHROPIC_API_KEY\":\"" + hidden + "\"",  // truncated JSON
  };
  for (const auto& secret : bad) {
    CAPTURE(secret);
    auto key = llm::api_key_from_secret_string(secret);
    REQUIRE_FALSE(key);
    CHECK_FALSE(key.error().empty());
    CHECK(key.error().find(hidden) == std::string::npos);
  }
  // The field names of a JSON secret help; its values never appear.
  auto fields = llm::api_key_from_secret_string("{\"password\":\"" + hidden + "\"}");
  CHECK(fields.error().find("password") != std::string::npos);
}

TEST_CASE("ApiKeySource: the environment key wins and Secrets Manager is not called", "[llm][secrets]") {
  auto queue = std::make_shared<QueueTransport>();
  llm::ApiKeySource source("fake-env-key", secrets_config(), queue, fixed_clock());
  REQUIRE(source.get());
  CHECK(*source.get() == "fake-env-key");
  CHECK(queue->sent() == 0);
}

TEST_CASE("ApiKeySource: with neither source configured the error says which variables to set", "[llm][secrets]") {
  llm::ApiKeySource source(std::nullopt);
  auto key = source.get();
  REQUIRE_FALSE(key);
  CHECK(key.error().find("ANTHROPIC_API_KEY") != std::string::npos);
  CHECK(key.error().find("AWS_ACCESS_KEY_ID") != std::string::npos);
  CHECK(key.error().find("Secrets Manager") != std::string::npos);
  llm::ApiKeySource empty_env(std::string(""));  // set but empty counts as unset
  CHECK_FALSE(empty_env.get());
}

TEST_CASE("ApiKeySource: a failed fetch is not kept, the next call fetches again, a success is kept",
          "[llm][secrets]") {
  auto queue = std::make_shared<QueueTransport>();
  queue->push({500, {{"x-amzn-ErrorType", "InternalServiceError"}}, R"({"Message":"try later"})", std::nullopt});
  queue->push({200, {}, secret_answer(kFixtureKey).dump(), std::nullopt});
  llm::ApiKeySource source(std::nullopt, secrets_config(), queue, fixed_clock());
  auto first = source.get();
  REQUIRE_FALSE(first);
  CHECK(first.error().find("InternalServiceError") != std::string::npos);
  auto second = source.get();
  REQUIRE(second);
  CHECK(*second == kFixtureKey);
  CHECK(*source.get() == kFixtureKey);
  CHECK(queue->sent() == 2);
}

TEST_CASE("ApiKeySource: calls made during a failing fetch share its failure; the next call tries again",
          "[llm][secrets]") {
  auto queue = std::make_shared<QueueTransport>();
  queue->delay_each_answer(std::chrono::milliseconds(300));  // every thread asks while the fetch is under way
  queue->push({500, {}, R"({"__type":"InternalServiceError","Message":"try later"})", std::nullopt});
  queue->push({200, {}, secret_answer(kFixtureKey).dump(), std::nullopt});
  llm::ApiKeySource source(std::nullopt, secrets_config(), queue, fixed_clock());
  CHECK(concurrent_gets(source, 8) == 0);
  CHECK(queue->sent() == 1);
  CHECK(concurrent_gets(source, 8) == 8);
  CHECK(queue->sent() == 2);
}

// ---------------------------------------------------------------------------
// Secrets Manager, over loopback sockets
// ---------------------------------------------------------------------------

TEST_CASE("Secrets Manager over loopback: GetSecretValue is POST / with the JSON 1.1 target, signed", "[net][secrets]") {
  FakeApi api;
  api.push({200, {{"x-amzn-RequestId", "b7f0c3de-1111-4c1e-9a55-2b8f0c6d4e11"}},
            fixture("secretsmanager_get_secret_value.json"), {}, false, false});
  auto sender = transport();
  auto secret = llm::fetch_secret_string(*sender, secrets_config(api.base_url()), fixed_clock());
  REQUIRE(secret);
  CHECK(*llm::api_key_from_secret_string(*secret) == kFixtureKey);

  auto received = api.requests();
  REQUIRE(received.size() == 1);
  CHECK(received[0].method == "POST");
  CHECK(received[0].path == "/");
  CHECK(header(received[0], "x-amz-target") == "secretsmanager.GetSecretValue");
  CHECK(header(received[0], "content-type") == "application/x-amz-json-1.1");
  CHECK(Json::parse(received[0].body) == Json{{"SecretId", kSecretId}});
  CHECK(header(received[0], "x-amz-date") == kFixedStamp);
  CHECK_FALSE(has_header(as_headers(received[0].headers), "x-amz-security-token"));

  auto again = resign_received(received[0], api.base_url(), "/", "secretsmanager", credentials(false));
  CHECK(header(received[0], "authorization") == again.authorization);
  CHECK(again.signed_headers == "content-type;host;x-amz-date;x-amz-target");
  CHECK(again.authorization.find("/20251009/us-east-1/secretsmanager/aws4_request") != std::string::npos);
}

TEST_CASE("Secrets Manager over loopback: a raw secret string is the key", "[net][secrets]") {
  FakeApi api;
  api.push({200, {}, secret_answer("fake-raw-key-over-the-wire\n").dump(), {}, false, false});
  llm::ApiKeySource source(std::nullopt, secrets_config(api.base_url()), transport(), fixed_clock());
  auto key = source.get();
  REQUIRE(key);
  CHECK(*key == "fake-raw-key-over-the-wire");
}

TEST_CASE("Secrets Manager over loopback: 8 threads asking at once cause one GetSecretValue", "[net][secrets]") {
  FakeApi api;
  // Slow enough that every thread asks while the one fetch is under way.
  api.push({200, {}, fixture("secretsmanager_get_secret_value.json"), std::chrono::milliseconds(300), false, false});
  llm::ApiKeySource source(std::nullopt, secrets_config(api.base_url()), transport(std::chrono::milliseconds(5000)),
                           fixed_clock());
  CHECK(concurrent_gets(source, 8) == 8);
  CHECK(api.requests().size() == 1u);
  // Cached: later calls send nothing either.
  CHECK(*source.get() == kFixtureKey);
  CHECK(api.requests().size() == 1u);
}

TEST_CASE("Secrets Manager over loopback: errors name the secret id, status and AWS type, never the secret",
          "[net][secrets]") {
  struct Row {
    const char* what;
    ScriptedResponse answer;
    std::vector<std::string> expected_parts;
  };
  const std::string hidden = "fake-hidden-secret-value-4242";
  const std::vector<Row> rows = {
      {"not found, as Secrets Manager sends it (400)",
       {400, {{"x-amzn-RequestId", "req-nf"}}, fixture("secretsmanager_error_not_found.json"), {}, false, false},
       {"HTTP 400", "ResourceNotFoundException", "can't find the specified secret", "req-nf"}},
      {"not found with a 404",
       {404, {}, fixture("secretsmanager_error_not_found.json"), {}, false, false},
       {"HTTP 404", "ResourceNotFoundException"}},
      {"access denied, type in the header",
       {400, {{"x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/coral/"}},
        R"({"Message":"User is not authorized to perform: secretsmanager:GetSecretValue"})", {}, false, false},
       {"HTTP 400", "AccessDeniedException", "not authorized"}},
      {"a 200 whose body is not JSON (and holds the secret)",
       {200, {}, "SecretString=" + hidden, {}, false, false},
       {"not a JSON object"}},
      {"a 200 without SecretString",
       {200, {}, Json{{"Name", kSecretId}, {"SecretBinary", "ZmFrZS1oaWRkZW4tc2VjcmV0LXZhbHVlLTQyNDI="}}.dump(), {},
        false, false},
       {"no SecretString", "SecretBinary"}},
      {"a secret that is not a key",
       {200, {}, secret_answer("{\"password\":\"" + hidden + "\"}").dump(), {}, false, false},
       {"ANTHROPIC_API_KEY"}},
  };
  FakeApi api;
  auto sender = transport();
  std::size_t sent = 0;
  for (const auto& row : rows) {
    CAPTURE(row.what);
    api.push(row.answer);
    llm::ApiKeySource source(std::nullopt, secrets_config(api.base_url()), sender, fixed_clock());
    auto key = source.get();
    REQUIRE_FALSE(key);
    CAPTURE(key.error());
    for (const auto& part : row.expected_parts) CHECK(key.error().find(part) != std::string::npos);
    check_names_no_secret(key.error(), hidden);
    CHECK(api.requests().size() == ++sent);
  }
}

TEST_CASE("Secrets Manager over loopback: a refused connection is an error naming the secret id", "[net][secrets]") {
  std::string closed_url;
  {
    FakeApi closed;
    closed_url = closed.base_url();
  }
  auto sender = transport();
  auto secret = llm::fetch_secret_string(*sender, secrets_config(closed_url), fixed_clock());
  REQUIRE_FALSE(secret);
  CHECK(secret.error().find("no answer") != std::string::npos);
  check_names_no_secret(secret.error(), kFixtureKey);
}
