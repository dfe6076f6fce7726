// Fuzz target: the streaming answer, an SSE body -> events (SseDecoder) ->
// Response or LlmError (MessageStream).
// The body arrives over the network in chunks that may end anywhere, so each
// input is read whole and again in chunks whose sizes come from the input.
// Properties: nothing throws; the events, the deltas and the result do not
// depend on where the chunks end.
#include <string>
#include <vector>

#include "fuzz_target.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/message_stream.hpp"
#include "reprise/llm/sse.hpp"

namespace {

using reprise::fuzz::require;
namespace llm = reprise::llm;

// Chunks of 1 to 16 bytes, their sizes taken from the body's own bytes.
std::vector<std::string_view> chunks_of(std::string_view body) {
  std::vector<std::string_view> chunks;
  for (std::size_t at = 0, i = 0; at < body.size(); ++i) {
    const std::size_t length = std::min<std::size_t>(1 + static_cast<unsigned char>(body[i % body.size()]) % 16, body.size() - at);
    chunks.push_back(body.substr(at, length));
    at += length;
  }
  return chunks;
}

std::string events_of(const std::vector<std::string_view>& chunks) {
  llm::SseDecoder decoder;
  std::string out;
  const auto add = [&out](const llm::SseEvent& event) { out += event.event + '\0' + event.data + '\0'; };
  for (const auto chunk : chunks) {
    for (const auto& event : decoder.feed(chunk)) add(event);
  }
  if (auto last = decoder.finish()) add(*last);
  return out;
}

// The deltas delivered and the result, as one comparable text.
std::string stream_result(const std::vector<std::string_view>& chunks) {
  std::string out;
  llm::MessageStream stream([&out](const llm::StreamDelta& delta) {
    out += std::to_string(delta.index) + (delta.kind == llm::StreamDelta::Kind::text ? "t:" : "j:") + delta.text + '\0';
  });
  for (const auto chunk : chunks) stream.feed(chunk);
  const auto result = stream.finish();
  if (result) return out + "ok:" + llm::response_to_json(*result).dump();
  return out + "error:" + result.error().describe();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = reprise::fuzz::as_text(data, size);
  const std::vector<std::string_view> whole{body};
  const auto pieces = chunks_of(body);
  require(events_of(whole) == events_of(pieces), "SSE events do not depend on chunk boundaries");
  require(stream_result(whole) == stream_result(pieces), "a streamed answer does not depend on chunk boundaries");
  return 0;
}
