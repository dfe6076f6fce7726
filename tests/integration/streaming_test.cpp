// Streaming (`stream: true`): the SSE decoder and the MessageStream assembler
// on recorded-shape transcripts from fixtures/api/ ([llm][stream]), then the
// real CurlTransport's on_body_chunk against the loopback fake serving those
// transcripts in delayed chunks ([net][stream]).
//
// Each transcript has a non-streaming twin (the same message as one JSON
// body); the assembled Response must equal what the non-streaming parser
// makes of the twin, compared as response_to_json.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_api/fake_api.hpp"
#include "reprise/llm/anthropic_provider.hpp"
#include "reprise/llm/curl_transport.hpp"
#include "reprise/llm/errors.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/message_stream.hpp"
#include "reprise/llm/sse.hpp"

using namespace reprise;
using llm::Json;
using llm::MessageStream;
using llm::SseDecoder;
using llm::SseEvent;
using llm::StreamDelta;

namespace {

// One line per event, so a mismatch prints readably.
std::string render(const std::vector<SseEvent>& events) {
  std::string text;
  for (const auto& event : events) text += event.event + " | " + event.data + "\n";
  return text;
}

std::vector<SseEvent> decode(const std::vector<std::string>& chunks) {
  SseDecoder decoder;
  std::vector<SseEvent> events;
  for (const auto& chunk : chunks) {
    for (auto& event : decoder.feed(chunk)) events.push_back(std::move(event));
  }
  if (decoder.finish()) events.push_back({"<partial>", ""});
  return events;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The non-streaming twin of a transcript, through the non-streaming parser.
Json twin_json(const std::string& name) {
  auto response = llm::response_from_json(Json::parse(test::api_fixture(name)));
  REQUIRE(response);
  return llm::response_to_json(*response);
}

util::Expected<llm::Response, llm::LlmError> assemble(const std::vector<std::string>& chunks,
                                                      llm::DeltaCallback on_delta = {}) {
  MessageStream stream(std::move(on_delta));
  for (const auto& chunk : chunks) stream.feed(chunk);
  return stream.finish();
}

// A transcript from events written inline: "type", data, "type", data, ...
std::string transcript(const std::vector<std::pair<std::string, std::string>>& events) {
  std::string text;
  for (const auto& [type, data] : events) text += "event: " + type + "\ndata: " + data + "\n\n";
  return text;
}

const std::string kStart =
    R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":1}}})";
const std::string kStop = R"({"type":"message_stop"})";

}  // namespace

// --- SseDecoder -------------------------------------------------------------

TEST_CASE("SseDecoder: a transcript split at every byte offset gives the same events, for LF, CRLF and CR line ends",
          "[llm][stream]") {
  const std::string lf = test::api_fixture("stream_tool_use.sse");
  const std::string whole = render(decode({lf}));
  REQUIRE(decode({lf}).size() == 15);
  CHECK(decode({lf}).front().event == "message_start");
  CHECK(decode({lf}).back().event == "message_stop");
  for (const std::string& ending : {std::string("\n"), std::string("\r\n"), std::string("\r")}) {
    const std::string text = replace_all(lf, "\n", ending);
    CAPTURE(ending.size(), ending == "\r");
    CHECK(render(decode({text})) == whole);
    for (std::size_t at = 0; at <= text.size(); ++at) {
      CAPTURE(at);
      REQUIRE(render(decode({text.substr(0, at), text.substr(at)})) == whole);
    }
    std::vector<std::string> bytes;
    for (char c : text) bytes.emplace_back(1, c);
    CHECK(render(decode(bytes)) == whole);
  }
}

TEST_CASE("SseDecoder: a CRLF split between two chunks ends one line, not two", "[llm][stream]") {
  // Were the LF read as a second line end, the blank line would dispatch "a" alone.
  auto events = decode({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == "a\nb");
  CHECK(events[0].event == "message");
}

TEST_CASE("SseDecoder: comment lines are skipped, wherever they fall", "[llm][stream]") {
  auto events = decode({": keep-alive\n\nevent: ping\n:comment inside\ndata: {}\n\n:", "trailing comment\n"});
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "ping");
  CHECK(events[0].data == "{}");
}

TEST_CASE("SseDecoder: data lines are joined by \\n; only one leading space is stripped", "[llm][stream]") {
  auto events = decode({"event: multi\ndata:  two spaces\ndata:none\ndata\ndata: last\n\n"});
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "multi");
  CHECK(events[0].data == " two spaces\nnone\n\nlast");
}

TEST_CASE("SseDecoder: no data, no event; an unnamed event is 'message'; id and retry are kept", "[llm][stream]") {
  SseDecoder decoder;
  // The BOM is skipped: were it not, the first field would be "\xEF\xBB\xBFid", unknown.
  auto events = decoder.feed("\xEF\xBB\xBF" "id: 7\nevent: lost\nretry: 1500\n\ndata: x\n\nretry: -3\nretry: 12a\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "message");  // "lost" was reset by the blank line that dispatched nothing
  CHECK(events[0].data == "x");
  CHECK(decoder.last_event_id() == "7");
  CHECK(decoder.retry_ms() == std::optional<std::int64_t>(1500));
  CHECK_FALSE(decoder.finish());
}

TEST_CASE("SseDecoder: finish reports an event cut before its blank line", "[llm][stream]") {
  SseDecoder complete;
  CHECK(complete.feed("event: a\ndata: 1\n\n").size() == 1);
  CHECK_FALSE(complete.finish());

  SseDecoder no_blank_line;
  CHECK(no_blank_line.feed("event: message_stop\ndata: {}\n").empty());
  auto cut = no_blank_line.finish();
  REQUIRE(cut);
  CHECK(cut->event == "message_stop");
  CHECK(cut->data == "{}");

  SseDecoder mid_line;
  CHECK(mid_line.feed("event: content_block_delta\ndata: {\"ty").empty());
  cut = mid_line.finish();
  REQUIRE(cut);
  CHECK(cut->event == "content_block_delta");
}

// --- MessageStream ----------------------------------------------------------

TEST_CASE("MessageStream: the text transcript assembles into its non-streaming twin, however it is chunked",
          "[llm][stream]") {
  const Json expected = twin_json("stream_text.json");
  const std::string text = test::api_fixture("stream_text.sse");
  for (std::size_t pieces : {1u, 2u, 7u, 40u, 100000u}) {
    CAPTURE(pieces);
    auto response = assemble(test::split_at_offsets(text, pieces, static_cast<unsigned>(pieces)));
    REQUIRE(response);
    CHECK(llm::response_to_json(*response) == expected);
  }
  auto response = assemble({text});
  REQUIRE(response);
  CHECK(response->text() ==
        "Hello! You spent $412.30 on dining this month \u2014 18% more than in May.\n\n"
        "The biggest line was \"Osteria Nonna\" at $96.40. Want a breakdown by week?");
  CHECK(response->usage.output_tokens == 48);
  CHECK(response->usage.cache_read_input_tokens == 1836);
}

TEST_CASE("MessageStream: the tool_use transcript assembles into its twin, split at every byte offset", "[llm][stream]") {
  const Json expected = twin_json("stream_tool_use.json");
  const std::string text = test::api_fixture("stream_tool_use.sse");
  for (std::size_t at = 0; at <= text.size(); ++at) {
    CAPTURE(at);
    auto response = assemble({text.substr(0, at), text.substr(at)});
    REQUIRE(response);
    REQUIRE(llm::response_to_json(*response) == expected);
  }
  auto response = assemble({text});
  REQUIRE(response);
  REQUIRE(response->tool_uses().size() == 1);
  CHECK(response->tool_uses()[0]->input ==
        Json::parse(R"({"category":"dining","month":"2025-06","limit":20,"sort":["amount","desc"]})"));
  CHECK(response->stop_reason == "tool_use");
}

TEST_CASE("MessageStream: deltas reach the callback in order, as they arrive, and add up to the result", "[llm][stream]") {
  const std::string text = test::api_fixture("stream_tool_use.sse");
  std::vector<StreamDelta> deltas;
  MessageStream stream([&](const StreamDelta& delta) { deltas.push_back(delta); });
  CHECK_FALSE(stream.delivered_delta());
  // The first half of the body already gives deltas: they do not wait for the end.
  stream.feed(text.substr(0, text.size() / 2));
  CHECK(stream.delivered_delta());
  std::size_t early = deltas.size();
  CHECK(early >= 2);
  stream.feed(text.substr(text.size() / 2));
  CHECK(deltas.size() > early);
  auto response = stream.finish();
  REQUIRE(response);

  std::string text0;
  std::string json1;
  int last_index = 0;
  for (const auto& delta : deltas) {
    CHECK(delta.index >= last_index);  // block 0's deltas all come before block 1's
    last_index = delta.index;
    if (delta.index == 0 && delta.kind == StreamDelta::Kind::text) text0 += delta.text;
    else if (delta.index == 1 && delta.kind == StreamDelta::Kind::input_json) json1 += delta.text;
    else FAIL("unexpected delta for block " << delta.index);
  }
  CHECK(deltas.size() == 7);
  CHECK(text0 == response->content.at(0).text);
  CHECK(Json::parse(json1) == response->content.at(1).input);
}

TEST_CASE("MessageStream: ping, unknown events and unknown delta types are ignored", "[llm][stream]") {
  std::string text = test::api_fixture("stream_text.sse");
  const std::string noise =
      "event: ping\ndata: not json at all\n\n"
      "event: future_event\ndata: {\"type\":\"future_event\",\"broken\n\n"
      ": a comment\n\n"
      "event: content_block_delta\n"
      "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"future_delta\",\"x\":1}}\n\n";
  std::size_t before_stop = text.find("event: content_block_stop");
  REQUIRE(before_stop != std::string::npos);
  text.insert(before_stop, noise);
  auto response = assemble({text});
  REQUIRE(response);
  CHECK(llm::response_to_json(*response) == twin_json("stream_text.json"));
}

TEST_CASE("MessageStream: nothing after message_stop is read", "[llm][stream]") {
  std::string text = test::api_fixture("stream_text.sse");
  text += "event: content_block_delta\ndata: {broken\n\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}\n\n";
  text += "event: content_block_delta\ndata: {\"cut\":";  // and a partial event
  auto response = assemble({text});
  REQUIRE(response);
  CHECK(llm::response_to_json(*response) == twin_json("stream_text.json"));
}

TEST_CASE("MessageStream: message_delta usage is cumulative: counts present replace those held", "[llm][stream]") {
  auto response = assemble({transcript({
      {"message_start", kStart},
      {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":null},"usage":{"output_tokens":7}})"},
      {"message_delta",
       R"({"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":12,"input_tokens":11}})"},
      {"message_stop", kStop},
  })});
  REQUIRE(response);
  CHECK(response->usage.output_tokens == 12);  // not 1 + 7 + 12
  CHECK(response->usage.input_tokens == 11);   // sent again: replaced
  CHECK(response->usage.cache_read_input_tokens == 5);  // not sent again: kept from message_start
  CHECK(response->stop_reason == "max_tokens");
  CHECK(response->content.empty());
}

TEST_CASE("MessageStream: a tool_use without input deltas has input {}; unknown blocks stay verbatim as the codec keeps them",
          "[llm][stream]") {
  auto response = assemble({transcript({
      {"message_start", kStart},
      {"content_block_start",
       R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})"},
      {"content_block_delta",
       R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Dining is "}})"},
      {"content_block_delta",
       R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"up 18%."}})"},
      {"content_block_delta",
       R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}})"},
      {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
      {"content_block_start",
       R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"no_args","input":{}}})"},
      {"content_block_stop", R"({"type":"content_block_stop","index":1})"},
      {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":30}})"},
      {"message_stop", kStop},
  })});
  REQUIRE(response);
  auto twin = llm::response_from_json(Json::parse(R"({
    "id":"msg_1","type":"message","role":"assistant","model":"m",
    "content":[{"type":"thinking","thinking":"Dining is up 18%.","signature":"EqQBCgIYAhIM"},
               {"type":"tool_use","id":"toolu_1","name":"no_args","input":{}}],
    "stop_reason":"tool_use","stop_sequence":null,
    "usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":30}})"));
  REQUIRE(twin);
  CHECK(llm::response_to_json(*response) == llm::response_to_json(*twin));
  CHECK(response->content.at(0).raw.at("thinking") == "Dining is up 18%.");
  CHECK(response->content.at(1).input == Json::object());
}

TEST_CASE("category_for_api_error_type: each documented type, and unknown is server", "[llm][stream]") {
  using llm::ErrorCategory;
  CHECK(llm::category_for_api_error_type("invalid_request_error") == ErrorCategory::invalid_request);
  CHECK(llm::category_for_api_error_type("authentication_error") == ErrorCategory::auth);
  CHECK(llm::category_for_api_error_type("permission_error") == ErrorCategory::permission);
  CHECK(llm::category_for_api_error_type("not_found_error") == ErrorCategory::not_found);
  CHECK(llm::category_for_api_error_type("request_too_large") == ErrorCategory::too_large);
  CHECK(llm::category_for_api_error_type("rate_limit_error") == ErrorCategory::rate_limited);
  CHECK(llm::category_for_api_error_type("api_error") == ErrorCategory::server);
  CHECK(llm::category_for_api_error_type("overloaded_error") == ErrorCategory::overloaded);
  CHECK(llm::category_for_api_error_type("timeout_error") == ErrorCategory::timeout);
  CHECK(llm::category_for_api_error_type("brand_new_error") == ErrorCategory::server);
}

TEST_CASE("MessageStream: an error event after the 200 is an overloaded LlmError", "[llm][stream]") {
  std::vector<StreamDelta> deltas;
  MessageStream stream([&](const StreamDelta& delta) { deltas.push_back(delta); });
  stream.feed(test::api_fixture("stream_error.sse"));
  auto result = stream.finish();
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::overloaded);
  CHECK(result.error().status == 200);
  CHECK(result.error().api_error_type == "overloaded_error");
  CHECK(result.error().message == "Overloaded");
  // The delta before the error was delivered: the caller must know a retry would repeat it.
  CHECK(stream.delivered_delta());
  CHECK(deltas.size() == 1);
}

TEST_CASE("MessageStream: a stream that ends before message_stop is a network error at every cut, never a success",
          "[llm][stream]") {
  const std::string text = test::api_fixture("stream_text.sse");
  for (std::size_t at = 0; at < text.size(); ++at) {
    CAPTURE(at);
    auto result = assemble({text.substr(0, at)});
    REQUIRE_FALSE(result);
    REQUIRE(result.error().category == llm::ErrorCategory::network);
    REQUIRE(result.error().message.rfind("stream ended before message_stop", 0) == 0);
  }
  // The last byte is the blank line that dispatches message_stop: with it, success.
  CHECK(assemble({text}));

  auto half = assemble({text.substr(0, text.size() / 2)});
  REQUIRE_FALSE(half);
  CHECK(half.error().message.find("events received, the last 'content_block_delta'") != std::string::npos);
  CHECK(half.error().message.find("cut inside a 'content_block_delta' event") != std::string::npos);
}

TEST_CASE("MessageStream: data that is not JSON is a parse error naming the event", "[llm][stream]") {
  auto result = assemble({transcript({
      {"message_start", kStart},
      {"content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
      {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_del)"},
      {"message_stop", kStop},
  })});
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::parse);
  CHECK(result.error().message == "stream event #3 'content_block_delta': data is not a JSON object");
}

TEST_CASE("MessageStream: events that do not fit the message are parse errors with the event and field", "[llm][stream]") {
  auto error_of = [](const std::vector<std::pair<std::string, std::string>>& events) {
    auto result = assemble({transcript(events)});
    REQUIRE_FALSE(result);
    CHECK(result.error().category == llm::ErrorCategory::parse);
    return result.error().message;
  };
  CHECK(error_of({{"message_start", kStart},
                  {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}})"}}) ==
        "stream event #2 'content_block_delta': /index: block 0 was never started");
  CHECK(error_of({{"content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"}}) ==
        "stream event #1 'content_block_start': before message_start");
  CHECK(error_of({{"message_start", kStart},
                  {"content_block_start",
                   R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"n","input":{}}})"},
                  {"content_block_delta",
                   R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\": "}})"},
                  {"content_block_stop", R"({"type":"content_block_stop","index":0})"}}) ==
        "stream event #4 'content_block_stop': block 0: the input_json_delta pieces do not make a JSON object");
  CHECK(error_of({{"message_start", kStart},
                  {"message_delta", R"({"type":"message_delta","delta":{},"usage":{"output_tokens":"many"}})"}}) ==
        "stream event #2 'message_delta': /usage/output_tokens: expected an integer");
}

// --- over real sockets --------------------------------------------------------

namespace {

llm::HttpRequest streaming_request(const test::FakeApi& api) {
  llm::Request request;
  request.model = "claude-sonnet-4-5-20250929";
  request.max_tokens = 256;
  request.stream = true;
  request.messages.push_back(llm::Message::user_text("How much did I spend on dining?"));
  return llm::AnthropicProvider(api.base_url(), "sk-ant-test-key").build_http_request(request);
}

llm::CurlTransport patient_transport() {
  llm::CurlTransportOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.total_timeout = std::chrono::milliseconds(10'000);
  return llm::CurlTransport(options);
}

}  // namespace

TEST_CASE("Streaming over sockets: deltas reach the callback while the rest of the body is still on its way", "[net][stream]") {
  using Clock = std::chrono::steady_clock;
  constexpr std::size_t kLaterChunks = 7;
  constexpr auto kDelay = std::chrono::milliseconds(60);
  // The first chunk ends with the first text delta; the rest follows in 7
  // chunks cut anywhere, 60 ms apart.
  const std::string text = test::api_fixture("stream_text.sse");
  const std::size_t first_end = text.find("\n\n", text.find("text_delta")) + 2;
  std::vector<std::string> chunks = {text.substr(0, first_end)};
  for (auto& chunk : test::split_at_offsets(text.substr(first_end), kLaterChunks)) chunks.push_back(std::move(chunk));
  test::FakeApi api;
  api.push(test::ScriptedResponse::sse(chunks, kDelay));

  std::vector<std::string> text_deltas;
  std::optional<Clock::time_point> first_delta;
  MessageStream stream([&](const StreamDelta& delta) {
    if (!first_delta) first_delta = Clock::now();
    text_deltas.push_back(delta.text);
  });
  std::size_t chunks_after_first_delta = 0;
  llm::HttpRequest request = streaming_request(api);
  request.on_body_chunk = [&](std::string_view chunk) {
    if (first_delta) ++chunks_after_first_delta;
    stream.feed(chunk);
  };
  auto transport = patient_transport();
  llm::HttpResponse http = transport.send(request);
  auto returned = Clock::now();

  REQUIRE_FALSE(http.failure);
  CHECK(http.status == 200);
  CHECK(llm::find_header(http.headers, "content-type").value_or("").rfind("text/event-stream", 0) == 0);
  CHECK(http.body == test::api_fixture("stream_text.sse"));  // still accumulated whole
  auto received = api.requests();
  REQUIRE(received.size() == 1);
  CHECK(Json::parse(received[0].body).at("stream") == true);

  // Incremental: the first delta was handed over while the server was still
  // to send most of the body, 7 waits of 60 ms; 3 are required, for slack on
  // a loaded machine. A transport that delivered the body only at the end
  // would give a gap near 0 and no chunk after the first delta.
  REQUIRE(first_delta);
  CHECK(returned - *first_delta >= 3 * kDelay);
  CHECK(chunks_after_first_delta >= kLaterChunks / 2);

  auto response = stream.finish();
  REQUIRE(response);
  CHECK(llm::response_to_json(*response) == twin_json("stream_text.json"));
  std::string joined;
  for (const auto& piece : text_deltas) joined += piece;
  CHECK(joined == response->text());
}

TEST_CASE("Streaming over sockets: a stream cut half way is an error, never a success", "[net][stream]") {
  test::FakeApi api;
  auto scripted = test::ScriptedResponse::sse(test::sse_fixture_chunks("stream_text.sse", 10), std::chrono::milliseconds(5));
  scripted.truncate = true;
  api.push(std::move(scripted));
  MessageStream stream;
  llm::HttpRequest request = streaming_request(api);
  request.on_body_chunk = [&](std::string_view chunk) { stream.feed(chunk); };
  auto transport = patient_transport();
  llm::HttpResponse http = transport.send(request);

  // libcurl sees the chunked body end without its last chunk.
  REQUIRE(http.failure);
  CHECK(http.failure->kind == llm::TransportFailure::Kind::network);
  auto result = stream.finish();
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::network);
  CHECK(result.error().message.rfind("stream ended before message_stop", 0) == 0);
}

TEST_CASE("Streaming over sockets: a complete HTTP answer whose events stop early is still an error", "[net][stream]") {
  test::FakeApi api;
  auto chunks = test::sse_fixture_chunks("stream_tool_use.sse", 10);
  chunks.resize(6);  // the HTTP body ends properly; the message does not
  api.push(test::ScriptedResponse::sse(chunks));
  MessageStream stream;
  llm::HttpRequest request = streaming_request(api);
  request.on_body_chunk = [&](std::string_view chunk) { stream.feed(chunk); };
  auto transport = patient_transport();
  llm::HttpResponse http = transport.send(request);

  REQUIRE_FALSE(http.failure);
  CHECK(http.status == 200);
  auto result = stream.finish();
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::network);
}

TEST_CASE("Streaming over sockets: an error event after the 200 is overloaded", "[net][stream]") {
  test::FakeApi api;
  api.push(test::ScriptedResponse::sse(test::sse_fixture_chunks("stream_error.sse", 5)));
  MessageStream stream;
  llm::HttpRequest request = streaming_request(api);
  request.on_body_chunk = [&](std::string_view chunk) { stream.feed(chunk); };
  auto transport = patient_transport();
  llm::HttpResponse http = transport.send(request);
  REQUIRE_FALSE(http.failure);
  auto result = stream.finish();
  REQUIRE_FALSE(result);
  CHECK(result.error().category == llm::ErrorCategory::overloaded);
  CHECK(result.error().api_error_type == "overloaded_error");
}

TEST_CASE("Streaming over sockets: on_body_chunk is not called for an error status", "[net][stream]") {
  test::FakeApi api;
  api.push({529, {}, test::api_error_body("overloaded_error", "Overloaded"), {}, false, false});
  int calls = 0;
  llm::HttpRequest request = streaming_request(api);
  request.on_body_chunk = [&](std::string_view) { ++calls; };
  auto transport = patient_transport();
  llm::HttpResponse http = transport.send(request);
  CHECK(http.status == 529);
  CHECK(calls == 0);
  CHECK(http.body.find("overloaded_error") != std::string::npos);
}

TEST_CASE("Streaming over sockets: an exception from on_body_chunk aborts the transfer and leaves send()", "[net][stream]") {
  test::FakeApi api;
  api.push(test::ScriptedResponse::sse(test::sse_fixture_chunks("stream_text.sse", 4)));
  api.push({200, {}, test::sample_message_body(), {}, false, false});
  llm::HttpRequest request = streaming_request(api);
  request.on_body_chunk = [](std::string_view) { throw std::runtime_error("caller gave up"); };
  auto transport = patient_transport();
  CHECK_THROWS_WITH(transport.send(request), "caller gave up");
  // The thread's handle is still usable afterwards.
  request.on_body_chunk = nullptr;
  llm::HttpResponse http = transport.send(request);
  REQUIRE_FALSE(http.failure);
  CHECK(http.status == 200);
}
