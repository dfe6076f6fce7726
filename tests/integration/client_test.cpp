// Integration tests of src/llm over real sockets: the libcurl transport, the
// Anthropic provider and the whole Client (retries, Bedrock fallback, alert,
// call log) against loopback fakes (tests/fake_api).
// Everything listens on 127.0.0.1; nothing leaves the machine. Timeouts are
// ~200 ms so the slow cases stay quick.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake_api/fake_api.hpp"
#include "reprise/llm/bedrock_provider.hpp"
#include "reprise/llm/call_log.hpp"
#include "reprise/llm/client.hpp"
#include "reprise/llm/client_environment.hpp"
#include "reprise/llm/curl_transport.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/http.hpp"
#include "reprise/llm/invocation_client.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/util/files.hpp"
#include "reprise/util/secrets_scan.hpp"

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

// A transport that gives up on a call after `total`, and on connecting after `connect`.
std::shared_ptr<llm::CurlTransport> transport_with(std::chrono::milliseconds total,
                                                   std::chrono::milliseconds connect = llm::CurlTransportOptions{}.connect_timeout) {
  llm::CurlTransportOptions options;
  options.connect_timeout = connect;
  options.total_timeout = total;
  return std::make_shared<llm::CurlTransport>(options);
}

std::shared_ptr<llm::CurlTransport> short_transport() {
  return transport_with(std::chrono::milliseconds(200), std::chrono::milliseconds(200));
}

llm::CallResult call_url(const std::string& base_url, std::shared_ptr<llm::Transport> transport = short_transport()) {
  llm::ClientConfig config;
  config.base_url = base_url;
  config.api_key = "sk-ant-test-key";
  llm::Client client(config, std::move(transport));
  return client.invoke(hello_request(), llm::CallContext::for_agent("test"));
}

llm::CallResult call(const FakeApi& api, std::shared_ptr<llm::Transport> transport = short_transport()) {
  return call_url(api.base_url(), std::move(transport));
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
  auto result = client.invoke(hello_request(), llm::CallContext::for_agent("test"));
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
  auto transport = transport_with(std::chrono::milliseconds(5000));
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

// TLS verification has no off switch: a certificate nobody vouches for is
// refused before a byte of the request (and its key) is sent.
TEST_CASE("CurlTransport: a self-signed certificate is refused; the request never reaches the server", "[net]") {
  test::SelfSignedTlsServer server(test::sample_message_body());
  REQUIRE(server.post_without_verification("/v1/messages") == 200);  // the server itself answers
  REQUIRE(server.requests_answered() == 1);
  // A TLS handshake under a sanitizer on a loaded machine can take longer
  // than short_transport's 200 ms: a timeout here would hide the refusal.
  auto result = call_url(server.base_url(), transport_with(std::chrono::seconds(20), std::chrono::seconds(20)));
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::network);
  CHECK_THAT(result.error().message, Catch::Contains("certificate"));
  CHECK(result.error().message.find("sk-ant-test-key") == std::string::npos);
  CHECK(server.requests_answered() == 1);
}

// Connection reuse: each thread keeps one curl handle and with it one
// kept-alive connection per server. The fake counts the connections it
// accepts, so a transport that opened one per call would show 20, not 1.
TEST_CASE("CurlTransport: a thread's sequential calls, retries included, share one connection", "[net]") {
  FakeApi api;
  api.set_default({200, {}, test::sample_message_body(), {}, false, false});
  auto transport = transport_with(std::chrono::milliseconds(5000));
  constexpr int kCalls = 20;
  int ok = 0;
  for (int i = 0; i < kCalls; ++i) ok += call(api, transport) ? 1 : 0;
  CHECK(ok == kCalls);
  CHECK(api.accepted_connections() == 1);
  auto received = api.requests();
  REQUIRE(received.size() == static_cast<std::size_t>(kCalls));
  std::set<int> client_ports;
  for (const auto& request : received) client_ports.insert(request.remote_port);
  CHECK(client_ports.size() == 1u);

  // A retry after a 529 goes out on the same connection.
  api.push({529, {{"retry-after-ms", "1"}}, test::api_error_body("overloaded_error", "Overloaded"), {}, false, false});
  llm::ClientConfig config;
  config.base_url = api.base_url();
  config.api_key = "sk-ant-test-key";
  config.retry = llm::RetryPolicy{};
  CHECK(llm::Client(config, transport).invoke(hello_request(), llm::CallContext::for_agent("test")));
  CHECK(api.requests().size() == static_cast<std::size_t>(kCalls + 2));
  CHECK(api.accepted_connections() == 1);
}

TEST_CASE("CurlTransport: concurrent callers open one connection each, then reuse it", "[net]") {
  FakeApi api;
  api.set_default({200, {}, test::sample_message_body(), {}, false, false});
  auto transport = transport_with(std::chrono::milliseconds(5000));
  constexpr int kThreads = 4;
  constexpr int kCallsEach = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int c = 0; c < kCallsEach; ++c) ok += call(api, transport) ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == kThreads * kCallsEach);
  CHECK(api.requests().size() == static_cast<std::size_t>(kThreads * kCallsEach));
  CHECK(api.accepted_connections() == kThreads);
}

// A connect() that never completes: a listening socket whose accept queue is
// full (backlog 0, one connection already waiting, nobody accepting) drops
// further SYNs, so the client's connect hangs until its connect timeout.
TEST_CASE("CurlTransport: a connection that cannot be established ends at the connect timeout", "[net]") {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 0) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int filler = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    REQUIRE(filler >= 0);
    (void)::connect(filler, reinterpret_cast<sockaddr*>(&address), sizeof address);
    fillers.push_back(filler);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the fillers' handshakes land

  llm::CurlTransportOptions options;
  options.connect_timeout = std::chrono::milliseconds(200);
  options.total_timeout = std::chrono::milliseconds(5000);
  llm::CurlTransport transport(options);
  llm::HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/v1/messages";
  request.body = "{}";
  auto started = std::chrono::steady_clock::now();
  auto response = transport.send(request);
  auto took = std::chrono::steady_clock::now() - started;
  for (int filler : fillers) ::close(filler);
  ::close(listener);
  REQUIRE(response.failure);
  CHECK(response.failure->kind == llm::TransportFailure::Kind::timeout);
  CHECK(took >= std::chrono::milliseconds(150));
  CHECK(took < std::chrono::milliseconds(2000));  // the connect timeout, not the 5 s total one
}

// libcurl reads http_proxy / https_proxy / no_proxy itself on every transfer
// unless CURLOPT_PROXY is set; CurlTransport leaves it unset. A second fake
// plays the proxy: a proxied request arrives in absolute form.
namespace {

class ScopedVariable {
 public:
  ScopedVariable(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedVariable() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("CurlTransport: http_proxy from the environment is honoured, no_proxy too", "[net]") {
  FakeApi origin;
  FakeApi proxy;
  origin.set_default({200, {}, test::sample_message_body(), {}, false, false});
  proxy.set_default({200, {}, test::sample_message_body(), {}, false, false});
  {
    ScopedVariable http_proxy("http_proxy", proxy.base_url().c_str());
    ScopedVariable no_proxy("no_proxy", nullptr);
    ScopedVariable no_proxy_upper("NO_PROXY", nullptr);
    REQUIRE(call(origin));
    auto through_proxy = proxy.requests();
    REQUIRE(through_proxy.size() == 1u);
    CHECK(through_proxy[0].path == origin.base_url() + "/v1/messages");
    CHECK(header(through_proxy[0], "x-api-key") == "sk-ant-test-key");
    CHECK(origin.requests().empty());
  }
  {
    ScopedVariable http_proxy("http_proxy", proxy.base_url().c_str());
    ScopedVariable no_proxy("no_proxy", "127.0.0.1");
    REQUIRE(call(origin));
    CHECK(proxy.requests().size() == 1u);
    CHECK(origin.requests().size() == 1u);
  }
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
  auto result = client.invoke(hello_request(), llm::CallContext::for_agent("test"));
  REQUIRE(result);
  CHECK(result->request_id == "req_after_retry");
  CHECK(api.requests().size() == 2u);
}

TEST_CASE("Client retries over real sockets: a dropped connection and a timeout are retried, then the answer comes",
          "[net]") {
  FakeApi api;
  api.push({200, {}, test::sample_message_body(), {}, true, false});                            // closed before the body
  api.push({200, {}, test::sample_message_body(), std::chrono::milliseconds(400), false, false});  // past the 200 ms timeout
  api.push({200, {{"request-id", "req_third"}}, test::sample_message_body(), {}, false, false});
  llm::ClientConfig config;
  config.base_url = api.base_url();
  config.api_key = "sk-ant-test-key";
  config.retry = llm::RetryPolicy{};
  config.retry->initial_delay = std::chrono::milliseconds(10);
  llm::Client client(config, short_transport());
  auto result = client.invoke(hello_request(), llm::CallContext::for_agent("test"));
  REQUIRE(result);
  CHECK(result->request_id == "req_third");
  CHECK(api.requests().size() == 3u);

  SECTION("without a RetryPolicy (cached replay, dry-run) the first failure is the answer") {
    api.push({200, {}, test::sample_message_body(), {}, true, false});
    config.retry.reset();
    auto once = llm::Client(config, short_transport()).invoke(hello_request(), llm::CallContext::for_agent("test"));
    REQUIRE_FALSE(once);
    CHECK(once.error().category == llm::ErrorCategory::network);
    CHECK(api.requests().size() == 4u);
  }
}

// ---------------------------------------------------------------------------
// The whole call over real sockets: retries, Bedrock fallback, the alert, the
// call log, streaming through the client, and secrets kept out of everything.
// Three fakes play Anthropic, Bedrock and the webhook.

namespace {

constexpr const char* kApiKey = "sk-ant-api03-Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg-TESTKEY";
constexpr const char* kAwsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* kSessionToken = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue";

struct Fakes {
  FakeApi anthropic;
  FakeApi bedrock;
  FakeApi webhook;
};

// Fast retries (1 ms, told by the server) so exhausting them takes no time.
test::FakeHeaders overloaded_headers(const std::string& request_id) {
  return {{"request-id", request_id}, {"retry-after-ms", "1"}};
}

void push_overloaded(FakeApi& api, int times, const std::string& request_id = "req_overloaded") {
  for (int i = 0; i < times; ++i) {
    api.push({529, overloaded_headers(request_id), test::api_error_body("overloaded_error", "Overloaded")});
  }
}

llm::ClientConfig fallback_config(const Fakes& fakes, bool with_alert = true) {
  llm::ClientConfig config;
  config.base_url = fakes.anthropic.base_url();
  config.api_key = kApiKey;
  config.retry = llm::RetryPolicy{};
  llm::BedrockConfig bedrock;
  bedrock.region = "us-east-1";
  bedrock.endpoint = fakes.bedrock.base_url();
  bedrock.credentials = {"AKIDEXAMPLE", kAwsSecret, kSessionToken};
  bedrock.profiles = llm::bedrock_profiles_for(config.models, "us");
  config.fallback = bedrock;
  if (with_alert) config.alert_webhook_url = fakes.webhook.base_url() + "/api/webhooks/1/token";
  config.environment_name = "non-prod";
  return config;
}

std::string bedrock_body() { return test::api_fixture("bedrock_message_text.json"); }

llm::CallResult invoke_with(const llm::ClientConfig& config, const std::string& agent = "coach_narrative") {
  llm::Client client(config, short_transport());
  return client.invoke(hello_request(), llm::CallContext::for_agent(agent));
}

std::string temp_log_path(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / ("reprise-calllog-" + name + "-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  return path.string();
}

std::vector<nlohmann::json> read_json_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("Fallback: Anthropic overloaded on every attempt -> one alert, then Bedrock answers, marked fallback",
          "[net][fallback]") {
  Fakes fakes;
  push_overloaded(fakes.anthropic, 3, "req_primary");
  fakes.webhook.push({204, {}, ""});
  fakes.bedrock.push({200, {{"x-amzn-RequestId", "bedrock-req-1"}}, bedrock_body()});

  auto result = invoke_with(fallback_config(fakes));
  REQUIRE(result);
  CHECK(result->fallback);
  CHECK(result->provider == "bedrock");
  CHECK(result->request_id == "bedrock-req-1");
  CHECK(fakes.anthropic.requests().size() == 3u);  // the first attempt and the SDK default of 2 retries
  REQUIRE(fakes.bedrock.requests().size() == 1u);
  // The fake records the path decoded; bedrock_test checks the %3A on the wire.
  CHECK(fakes.bedrock.requests()[0].path == "/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke");

  auto alerts = fakes.webhook.requests();
  REQUIRE(alerts.size() == 1u);
  const auto& alert = alerts[0];
  CHECK(alert.path == "/api/webhooks/1/token");
  auto body = nlohmann::json::parse(alert.body);
  std::string text = body.dump();
  CHECK(text.find("coach_narrative") != std::string::npos);
  CHECK(text.find("claude-sonnet-4-5-20250929") != std::string::npos);
  CHECK(text.find("overloaded") != std::string::npos);
  CHECK(text.find("req_primary") != std::string::npos);
  CHECK(text.find("Hello") == std::string::npos);  // the prompt's text
  CHECK(text.find(kApiKey) == std::string::npos);
}

TEST_CASE("Fallback: an Anthropic attempt that hangs still leaves Bedrock its reserve of the deadline", "[net][fallback]") {
  Fakes fakes;
  // Answers only after the whole call's deadline: without the reserve the
  // attempt would run until the deadline and Bedrock would get no time.
  fakes.anthropic.push({200, {}, test::sample_message_body(), std::chrono::milliseconds(2500), false, false});
  fakes.webhook.push({204, {}, ""});
  fakes.bedrock.push({200, {{"x-amzn-RequestId", "bedrock-req-after-hang"}}, bedrock_body()});
  llm::ClientConfig config = fallback_config(fakes);
  config.retry->deadline = std::chrono::milliseconds(2000);
  config.retry->fallback_reserve = std::chrono::milliseconds(1000);
  // The transport alone would wait for the answer.
  llm::Client client(config, transport_with(std::chrono::milliseconds(10000)));
  auto started = std::chrono::steady_clock::now();
  auto result = client.invoke(hello_request(), llm::CallContext::for_agent("coach_narrative"));
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE(result);
  CHECK(result->fallback);
  CHECK(result->request_id == "bedrock-req-after-hang");
  CHECK(fakes.anthropic.requests().size() == 1u);  // a retry's 500 ms wait would pass the primary's 1 s
  CHECK(took >= std::chrono::milliseconds(900));   // the primary had its 1 s
  CHECK(took < std::chrono::milliseconds(2000));   // and Bedrock answered within the deadline
}

TEST_CASE("Fallback is not taken for a non-retryable error, nor when the server says not to retry", "[net][fallback]") {
  Fakes fakes;
  SECTION("400 invalid_request") {
    fakes.anthropic.push({400, {{"request-id", "req_bad"}}, test::api_error_body("invalid_request_error", "max_tokens: too big")});
    auto result = invoke_with(fallback_config(fakes));
    REQUIRE_FALSE(result);
    CHECK(result.error().category == llm::ErrorCategory::invalid_request);
    CHECK(fakes.anthropic.requests().size() == 1u);
  }
  SECTION("500 with x-should-retry: false") {
    fakes.anthropic.push({500, {{"x-should-retry", "false"}}, test::api_error_body("api_error", "Internal")});
    auto result = invoke_with(fallback_config(fakes));
    REQUIRE_FALSE(result);
    CHECK(result.error().category == llm::ErrorCategory::server);
    CHECK(fakes.anthropic.requests().size() == 1u);
  }
  SECTION("401 auth") {
    fakes.anthropic.push({401, {}, test::api_error_body("authentication_error", "invalid x-api-key")});
    REQUIRE_FALSE(invoke_with(fallback_config(fakes)));
  }
  CHECK(fakes.bedrock.requests().empty());
  CHECK(fakes.webhook.requests().empty());
}

TEST_CASE("Fallback: a retry that succeeds never reaches Bedrock or the webhook", "[net][fallback]") {
  Fakes fakes;
  push_overloaded(fakes.anthropic, 2);
  fakes.anthropic.push({200, {{"request-id", "req_third"}}, test::sample_message_body()});
  auto result = invoke_with(fallback_config(fakes));
  REQUIRE(result);
  CHECK_FALSE(result->fallback);
  CHECK(result->provider == "anthropic");
  CHECK(fakes.bedrock.requests().empty());
  CHECK(fakes.webhook.requests().empty());
}

TEST_CASE("Fallback: when Bedrock fails too, the original Anthropic error is returned; the alert went once",
          "[net][fallback]") {
  Fakes fakes;
  push_overloaded(fakes.anthropic, 3, "req_original");
  fakes.webhook.push({204, {}, ""});
  for (int i = 0; i < 3; ++i) {
    fakes.bedrock.push({503, {{"x-amzn-ErrorType", "ServiceUnavailableException"}, {"x-amzn-RequestId", "bedrock-503"}},
                        R"({"message":"Service unavailable"})"});
  }
  auto result = invoke_with(fallback_config(fakes));
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::overloaded);
  CHECK(result.error().request_id == "req_original");
  CHECK(result.error().api_error_type == "overloaded_error");
  CHECK(fakes.bedrock.requests().size() == 3u);  // Bedrock gets the same retry policy
  CHECK(fakes.webhook.requests().size() == 1u);
}

TEST_CASE("Fallback: a failing or unreachable webhook never breaks the call", "[net][fallback]") {
  Fakes fakes;
  push_overloaded(fakes.anthropic, 3);
  fakes.bedrock.push({200, {}, bedrock_body()});
  llm::ClientConfig config = fallback_config(fakes);
  SECTION("the webhook answers 500") { fakes.webhook.push({500, {}, "oops"}); }
  SECTION("nothing listens at the webhook") {
    std::string closed_url;
    {
      FakeApi gone;
      closed_url = gone.base_url();
    }
    config.alert_webhook_url = closed_url + "/hook";
  }
  auto result = invoke_with(config);
  REQUIRE(result);
  CHECK(result->fallback);
}

TEST_CASE("Fallback is off without a Bedrock config: the error comes back after the retries, no alert", "[net][fallback]") {
  Fakes fakes;
  push_overloaded(fakes.anthropic, 3);
  llm::ClientConfig config = fallback_config(fakes);
  config.fallback.reset();
  auto result = invoke_with(config);
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::overloaded);
  CHECK(fakes.webhook.requests().empty());
}

TEST_CASE("Retry timing over real sockets: retry-after-ms is waited, and the deadline stops the retries", "[net][fallback]") {
  FakeApi api;
  for (int i = 0; i < 3; ++i) api.push({429, {{"retry-after-ms", "150"}}, test::api_error_body("rate_limit_error", "slow down")});
  llm::ClientConfig config;
  config.base_url = api.base_url();
  config.api_key = kApiKey;
  config.retry = llm::RetryPolicy{};
  SECTION("two waits of 150 ms") {
    auto started = std::chrono::steady_clock::now();
    auto result = invoke_with(config);
    auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(result);
    CHECK(result.error().category == llm::ErrorCategory::rate_limited);
    CHECK(api.requests().size() == 3u);
    CHECK(took >= std::chrono::milliseconds(300));
    CHECK(took < std::chrono::milliseconds(3000));
  }
  SECTION("a 200 ms deadline allows one wait, not two") {
    config.retry->deadline = std::chrono::milliseconds(200);
    auto result = invoke_with(config);
    REQUIRE_FALSE(result);
    CHECK(api.requests().size() == 2u);
  }
}

TEST_CASE("Call deadline over real sockets: it cuts an attempt in flight, not only the waits between attempts",
          "[net]") {
  FakeApi api;
  api.push({200, {}, test::sample_message_body(), std::chrono::milliseconds(1500), false, false});
  llm::ClientConfig config;
  config.base_url = api.base_url();
  config.api_key = kApiKey;
  config.retry = llm::RetryPolicy{};
  config.retry->deadline = std::chrono::milliseconds(300);
  llm::Client client(config, transport_with(std::chrono::milliseconds(5000)));
  auto started = std::chrono::steady_clock::now();
  auto result = client.invoke(hello_request(), llm::CallContext::for_agent("test"));
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::timeout);
  CHECK(took >= std::chrono::milliseconds(250));
  CHECK(took < std::chrono::milliseconds(1200));  // neither the 1.5 s answer nor the 5 s transport limit
  CHECK(api.requests().size() == 1u);             // a 500 ms backoff would pass the deadline: no retry
}

TEST_CASE("Streaming through the client: deltas reach the caller and the Response equals the non-streaming one",
          "[net][stream]") {
  FakeApi api;
  api.push(ScriptedResponse::sse(test::sse_fixture_chunks("stream_text.sse", 7), std::chrono::milliseconds(2)));
  api.push({200, {}, test::api_fixture("stream_text.json")});
  llm::ClientConfig config;
  config.base_url = api.base_url();
  config.api_key = kApiKey;
  llm::Client client(config, short_transport());
  llm::Request request = hello_request();
  request.stream = true;
  std::string streamed;
  auto result = client.invoke(request, llm::CallContext::for_agent("test"), [&](const llm::StreamDelta& delta) {
    if (delta.kind == llm::StreamDelta::Kind::text) streamed += delta.text;
  });
  REQUIRE(result);
  CHECK(streamed == result->text());
  CHECK_FALSE(streamed.empty());
  auto plain = client.invoke(hello_request(), llm::CallContext::for_agent("test"));
  REQUIRE(plain);
  CHECK(llm::response_to_json(*result) == llm::response_to_json(*plain));
  CHECK(nlohmann::json::parse(api.requests()[0].body).at("stream") == true);
}

TEST_CASE("Streaming through the client: an error event falls back to Bedrock only if no delta was delivered yet",
          "[net][stream][fallback]") {
  Fakes fakes;
  llm::Request request = hello_request();
  request.stream = true;
  std::string streamed;
  auto collect = [&](const llm::StreamDelta& delta) { streamed += delta.text; };

  SECTION("overloaded before any delta: Bedrock's answer arrives as deltas") {
    std::string transcript = test::api_fixture("stream_error.sse");
    // Only message_start, then the error: cut out the content events of the fixture.
    std::string head = transcript.substr(0, transcript.find("event: content_block_start"));
    std::string tail = transcript.substr(transcript.find("event: error"));
    fakes.anthropic.push(ScriptedResponse::sse({head, tail}));
    fakes.webhook.push({204, {}, ""});
    fakes.bedrock.push({200, {}, bedrock_body()});
    llm::Client client(fallback_config(fakes), short_transport());
    auto result = client.invoke(request, llm::CallContext::for_agent("test"), collect);
    if (!result) FAIL(result.error().describe());
    CHECK(result->fallback);
    CHECK_FALSE(streamed.empty());
    CHECK(streamed == result->text());
    CHECK(fakes.webhook.requests().size() == 1u);
  }
  SECTION("overloaded after a delta: the caller saw part of an answer, so the error stands") {
    fakes.anthropic.push(ScriptedResponse::sse(test::sse_fixture_chunks("stream_error.sse", 3)));
    llm::Client client(fallback_config(fakes), short_transport());
    auto result = client.invoke(request, llm::CallContext::for_agent("test"), collect);
    REQUIRE_FALSE(result);
    CHECK(result.error().category == llm::ErrorCategory::overloaded);
    CHECK(streamed == "Hello! You spent");
    CHECK(fakes.bedrock.requests().empty());
    CHECK(fakes.webhook.requests().empty());
  }
}

TEST_CASE("Call log over real sockets: non-prod lines carry the payloads, prod lines only the hash", "[net][call_log]") {
  FakeApi api;
  const nlohmann::json input = {{"user", "Ana"}, {"question", "How much did I spend on dining?"}};
  for (auto environment : {llm::LogEnvironment::non_prod, llm::LogEnvironment::prod}) {
    CAPTURE(llm::to_string(environment));
    std::string path = temp_log_path(std::string(llm::to_string(environment)));
    api.push({200, {{"request-id", "req_logged"}}, test::sample_message_body()});
    api.push({400, {{"request-id", "req_rejected"}}, test::api_error_body("invalid_request_error", "bad")});
    llm::ClientConfig config;
    config.base_url = api.base_url();
    config.api_key = kApiKey;
    auto log = llm::CallLog::to_file(path, environment, {kApiKey});
    REQUIRE(log);
    config.call_log = *log;
    llm::Client client(config, short_transport());
    llm::InvocationClient invocation(client, "finance_chat", input);
    REQUIRE(invocation.invoke(hello_request()));
    REQUIRE_FALSE(invocation.invoke(hello_request()));

    auto lines = read_json_lines(path);
    REQUIRE(lines.size() == 2u);
    const auto& ok = lines[0];
    CHECK(ok.at("event") == "llm_call");
    CHECK(ok.at("agent") == "finance_chat");
    CHECK(ok.at("model") == "claude-sonnet-4-5-20250929");
    CHECK(ok.at("provider") == "anthropic");
    CHECK(ok.at("attempts") == 1);
    CHECK(ok.at("fallback") == false);
    CHECK(ok.at("request_id") == "req_logged");
    CHECK(ok.at("prompt_sha256") == llm::request_fingerprint(hello_request()));
    CHECK(ok.at("usage").at("input_tokens") == 2095);
    CHECK(ok.at("cost_usd").get<double>() > 0.0);
    CHECK(ok.at("call_index") == 0);
    CHECK(lines[1].at("call_index") == 1);
    CHECK(lines[1].at("invocation_id") == ok.at("invocation_id"));
    CHECK(lines[1].at("error").at("category") == "invalid_request");
    CHECK(lines[1].at("request_id") == "req_rejected");
    if (environment == llm::LogEnvironment::non_prod) {
      CHECK(ok.at("request") == llm::request_to_json(hello_request()));
      CHECK(ok.at("response").at("content").at(0).at("text") == "Hello! You spent $412.30 on dining this month.");
      CHECK(ok.at("input") == input);
    } else {
      CHECK_FALSE(ok.contains("request"));
      CHECK_FALSE(ok.contains("response"));
      CHECK_FALSE(ok.contains("input"));
    }
    std::filesystem::remove(path);
  }
}

// The same, configured the way production is: from environment variables,
// through read_client_environment and live_client_config, only the values differ.
TEST_CASE("Call log from the environment: EVAL_LOG_LLM_CALLS=1 with ENVIRONMENT=non-prod logs payloads; unset or other values hash only",
          "[net][call_log]") {
  FakeApi api;
  api.set_default({200, {{"request-id", "req_env"}}, test::sample_message_body()});
  struct Row {
    std::optional<std::string> environment;
    bool payloads;
  };
  for (const Row& row : {Row{"non-prod", true}, Row{std::nullopt, false}, Row{"prod", false}, Row{"staging", false}}) {
    CAPTURE(row.environment.value_or("(unset)"));
    std::string path = temp_log_path("env-" + row.environment.value_or("unset"));
    std::map<std::string, std::string> values = {{"ANTHROPIC_API_KEY", kApiKey},
                                                 {"ANTHROPIC_BASE_URL", api.base_url()},
                                                 {"EVAL_LOG_LLM_CALLS", "1"},
                                                 {"EVAL_LOG_LLM_CALLS_FILE", path}};
    if (row.environment) values["ENVIRONMENT"] = *row.environment;
    auto environment = llm::read_client_environment([&values](std::string_view name) -> std::optional<std::string> {
      auto found = values.find(std::string(name));
      return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
    });
    llm::ApiKeySource keys(environment.api_key);
    auto config = llm::live_client_config(environment, keys);
    REQUIRE(config);
    llm::Client client(std::move(*config), short_transport());
    REQUIRE(client.invoke(hello_request(), llm::CallContext::for_agent("coach_narrative")));

    std::string text = util::read_file(path).value_or("");
    CHECK(text.find(kApiKey) == std::string::npos);
    auto lines = read_json_lines(path);
    REQUIRE(lines.size() == 1u);
    CHECK(lines[0].at("environment") == (row.payloads ? "non-prod" : "prod"));
    CHECK(lines[0].at("prompt_sha256") == llm::request_fingerprint(hello_request()));
    CHECK(lines[0].at("request_id") == "req_env");
    CHECK(lines[0].contains("request") == row.payloads);
    CHECK(lines[0].contains("response") == row.payloads);
    std::filesystem::remove(path);
  }
}

TEST_CASE("No secret leaves the client: errors, alerts and call-log lines are scanned for the key and AWS secrets",
          "[net][fallback][call_log]") {
  Fakes fakes;
  // A hostile proxy that quotes the key back in its error message, on every attempt.
  const std::string echoed = std::string("invalid x-api-key ") + kApiKey + " (session " + kSessionToken + ")";
  for (int i = 0; i < 3; ++i) {
    fakes.anthropic.push({529, {{"retry-after-ms", "1"}}, test::api_error_body("overloaded_error", echoed)});
    fakes.bedrock.push({500, {{"x-amzn-ErrorType", "InternalServerException"}},
                        nlohmann::json{{"message", std::string("signing with ") + kAwsSecret}}.dump()});
  }
  fakes.webhook.push({204, {}, ""});
  std::string path = temp_log_path("secrets");
  llm::ClientConfig config = fallback_config(fakes);
  auto log = llm::CallLog::to_file(path, llm::LogEnvironment::non_prod, {kApiKey, kAwsSecret, kSessionToken});
  REQUIRE(log);
  config.call_log = *log;
  llm::Client client(config, short_transport());
  auto result = client.invoke(hello_request(), llm::CallContext::for_agent("coach_narrative"));
  REQUIRE_FALSE(result);

  std::vector<std::pair<std::string, std::string>> outputs = {
      {"error", result.error().describe()},
      {"call log", util::read_file(path).value_or("")},
  };
  for (const auto& request : fakes.webhook.requests()) outputs.emplace_back("alert", request.body);
  REQUIRE(outputs.size() == 3u);
  for (const auto& [what, text] : outputs) {
    CAPTURE(what, text);
    CHECK_FALSE(text.empty());
    CHECK(text.find(kApiKey) == std::string::npos);
    CHECK(text.find(kAwsSecret) == std::string::npos);
    CHECK(text.find(kSessionToken) == std::string::npos);
    CHECK(util::find_secrets(text, {kApiKey, kAwsSecret, kSessionToken}).empty());
  }
  std::filesystem::remove(path);
}

