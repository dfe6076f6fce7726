// Integration tests of src/llm over real sockets: the libcurl transport and
// the Anthropic provider against the loopback fake API (tests/fake_api).
// Everything listens on 127.0.0.1; nothing leaves the machine. Timeouts are
// ~200 ms so the slow cases stay quick.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fake_api/fake_api.hpp"
#include "reprise/llm/client.hpp"
#include "reprise/llm/curl_transport.hpp"
#include "reprise/llm/http.hpp"

using namespace reprise;
using test::FakeApi;
using test::ScriptedResponse;

namespace {

llm::Request hello_request() {
  llm::Request request;
  request.model = "claude-sonnet-4-5-20250929";
  request.max_tokens = 64;
  request.messages.push_back(llm::Message::user_text("Hello"));
  return request;
}

std::shared_ptr<llm::CurlTransport> short_transport() {
  llm::CurlTransportOptions options;
  options.connect_timeout = std::chrono::milliseconds(200);
  options.total_timeout = std::chrono::milliseconds(200);
  return std::make_shared<llm::CurlTransport>(options);
}

llm::CallResult call(const FakeApi& api, std::shared_ptr<llm::Transport> transport = short_transport()) {
  llm::ClientConfig config;
  config.base_url = api.base_url();
  config.api_key = "sk-ant-test-key";
  llm::Client client(config, std::move(transport));
  return client.invoke(hello_request(), {"test"});
}

std::string header(const test::RecordedRequest& request, std::string_view name) {
  llm::Headers headers(request.headers.begin(), request.headers.end());
  return llm::find_header(headers, name).value_or("");
}

}  // namespace

TEST_CASE("CurlTransport: a 200 from the fake is parsed by the provider, request-id kept", "[net]") {
  FakeApi api;
  api.push({200, {{"request-id", "req_011CSample"}}, test::sample_message_body(), {}, false, false});
  auto result = call(api);
  REQUIRE(result);
  CHECK(result->text() == "Hello! You spent $412.30 on dining this month.");
  CHECK(result->request_id == "req_011CSample");
  CHECK(result->usage.input_tokens == 2095);
  CHECK(result->usage.output_tokens == 503);
}

TEST_CASE("CurlTransport: sends POST /v1/messages with the key, version and content type", "[net]") {
  FakeApi api;
  api.push({200, {}, test::sample_message_body(), {}, false, false});
  REQUIRE(call(api));
  auto received = api.requests();
  REQUIRE(received.size() == 1);
  CHECK(received[0].method == "POST");
  CHECK(received[0].path == "/v1/messages");
  CHECK(header(received[0], "x-api-key") == "sk-ant-test-key");
  CHECK(header(received[0], "anthropic-version") == "2023-06-01");
  CHECK(header(received[0], "content-type") == "application/json");
  CHECK(header(received[0], "expect").empty());
  CHECK(nlohmann::json::parse(received[0].body).at("model") == "claude-sonnet-4-5-20250929");
}

TEST_CASE("CurlTransport: every error status of the API maps to its category, request-id kept", "[net]") {
  struct Row {
    int status;
    const char* type;
    llm::ErrorCategory category;
  };
  const std::vector<Row> rows = {
      {400, "invalid_request_error", llm::ErrorCategory::invalid_request},
      {401, "authentication_error", llm::ErrorCategory::auth},
      {403, "permission_error", llm::ErrorCategory::permission},
      {404, "not_found_error", llm::ErrorCategory::not_found},
      {408, "timeout_error", llm::ErrorCategory::timeout},
      {409, "conflict_error", llm::ErrorCategory::conflict},
      {413, "request_too_large", llm::ErrorCategory::too_large},
      {429, "rate_limit_error", llm::ErrorCategory::rate_limited},
      {500, "api_error", llm::ErrorCategory::server},
      {504, "timeout_error", llm::ErrorCategory::timeout},
      {529, "overloaded_error", llm::ErrorCategory::overloaded},
  };
  FakeApi api;
  auto transport = short_transport();
  for (const auto& row : rows) {
    CAPTURE(row.status);
    api.push({row.status, {{"request-id", "req_" + std::to_string(row.status)}},
              test::api_error_body(row.type, "scripted"), {}, false, false});
    auto result = call(api, transport);
    REQUIRE_FALSE(result);
    CHECK(result.error().category == row.category);
    CHECK(result.error().status == row.status);
    CHECK(result.error().api_error_type == row.type);
    CHECK(result.error().request_id == "req_" + std::to_string(row.status));
  }
}

TEST_CASE("CurlTransport: a connection closed before the body is a network error", "[net]") {
  FakeApi api;
  api.push({200, {}, test::sample_message_body(), {}, true, false});
  auto result = call(api);
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::network);
  CHECK(result.error().message.find("sk-ant-test-key") == std::string::npos);
}

TEST_CASE("CurlTransport: a refused connection is a network error", "[net]") {
  std::string url;
  {
    FakeApi closed;  // its port is free again once it is gone
    url = closed.base_url();
  }
  llm::ClientConfig config;
  config.base_url = url;
  config.api_key = "sk-ant-test-key";
  llm::Client client(config, short_transport());
  auto result = client.invoke(hello_request(), {"test"});
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::network);
  CHECK_FALSE(result.error().message.empty());
  CHECK(result.error().message.find("sk-ant-test-key") == std::string::npos);
}

TEST_CASE("CurlTransport: an answer slower than the total timeout is a timeout", "[net]") {
  FakeApi api;
  api.push({200, {}, test::sample_message_body(), std::chrono::milliseconds(600), false, false});
  auto started = std::chrono::steady_clock::now();
  auto result = call(api);
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::timeout);
  CHECK(took < std::chrono::milliseconds(550));
}

// Truncated: the headers promise Content-Length N, half the body arrives, then
// the connection closes. libcurl reports CURLE_PARTIAL_FILE before the body
// reaches the provider, so this is network (retryable), not parse: the
// server's answer was cut in transit, not malformed.
TEST_CASE("CurlTransport: a body shorter than its Content-Length is a network error", "[net]") {
  FakeApi api;
  api.push({200, {}, test::sample_message_body(), {}, false, true});
  auto result = call(api);
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::network);
}

TEST_CASE("CurlTransport: 8 threads calling at once all get their answers", "[net]") {
  FakeApi api;
  constexpr int kThreads = 8;
  constexpr int kCallsEach = 3;
  for (int i = 0; i < kThreads * kCallsEach; ++i) {
    api.push({200, {{"request-id", "req_" + std::to_string(i)}}, test::sample_message_body(), {}, false, false});
  }
  llm::CurlTransportOptions options;
  options.total_timeout = std::chrono::milliseconds(5000);
  auto transport = std::make_shared<llm::CurlTransport>(options);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int c = 0; c < kCallsEach; ++c) {
        auto result = call(api, transport);
        if (result && result->text() == "Hello! You spent $412.30 on dining this month.") ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == kThreads * kCallsEach);
  CHECK(api.requests().size() == static_cast<std::size_t>(kThreads * kCallsEach));
}

TEST_CASE("Client retries over real sockets: a 529 then a 200 succeeds with 2 requests received", "[net]") {
  FakeApi api;
  api.push({529, {{"retry-after-ms", "10"}}, test::api_error_body("overloaded_error", "Overloaded"), {}, false, false});
  api.push({200, {{"request-id", "req_after_retry"}}, test::sample_message_body(), {}, false, false});
  llm::ClientConfig config;
  config.base_url = api.base_url();
  config.api_key = "sk-ant-test-key";
  config.retry = llm::RetryPolicy{};
  llm::Client client(config, short_transport());
  auto result = client.invoke(hello_request(), {"test"});
  REQUIRE(result);
  CHECK(result->request_id == "req_after_retry");
  CHECK(api.requests().size() == 2u);
}
