#pragma once
// Assembles a streamed Messages API answer (`stream: true`) into the same
// Response the non-streaming call returns, offering the text and tool-input
// deltas to a callback as they arrive.
//
// The body is a server-sent event stream (sse.hpp) of these events:
//   message_start        the message with empty content: id, model, role, usage
//   content_block_start  opens block `index` (0, 1, ... in order)
//   content_block_delta  text_delta (text), input_json_delta (a piece of the
//                        tool input's JSON), and thinking_delta,
//                        signature_delta, citations_delta for the blocks the
//                        codec keeps verbatim
//   content_block_stop   closes block `index`; a tool input is parsed here
//   message_delta        stop_reason, stop_sequence, and usage, which is
//                        CUMULATIVE: each count present replaces the one held
//   message_stop         the end; nothing after it is read
//   ping                 keep-alive, ignored
//   error                an error after the 200: {"type":"error","error":{...}}
// Unknown event types and unknown delta types are ignored, as the API
// documentation asks of clients. Blocks of unknown types are kept verbatim in
// ContentBlock::raw, as json_codec does for a non-streamed body, so both
// paths give equal Responses.
//
// Contract:
// - A stream that ends before message_stop (including one cut mid-event) is
//   ErrorCategory::network, "stream ended before message_stop", never a
//   shortened success: the answer was cut in transit.
// - An `error` event is an LlmError with status 200, api_error_type set and
//   the category of that type (category_for_api_error_type).
// - Anything malformed (data that is not JSON, a missing field, a delta for a
//   block never opened) is ErrorCategory::parse, naming the event.
// - The first error wins; input after it is ignored.
// - The Response has no request_id or provider, and an error no request_id:
//   they come from the HTTP exchange, which the caller has and this does not.
// - on_delta runs inside feed(); what it throws propagates out of feed().
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reprise/llm/errors.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/llm/sse.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

struct StreamDelta {
  enum class Kind { text, input_json };
  int index = 0;  // the content block it belongs to
  Kind kind = Kind::text;
  std::string text;  // text_delta.text, or input_json_delta.partial_json (not JSON on its own)
};

using DeltaCallback = std::function<void(const StreamDelta&)>;

class MessageStream {
 public:
  explicit MessageStream(DeltaCallback on_delta = {});

  // Decodes and assembles the next piece of the body; deltas reach on_delta
  // before this returns.
  void feed(std::string_view body_chunk);
  // Call once the body has ended.
  util::Expected<Response, LlmError> finish();
  // Whether any delta was given to the callback: once one was, the caller's
  // user has seen part of an answer, and a retry would show another.
  bool delivered_delta() const { return delivered_delta_; }

 private:
  // A block between its content_block_start and content_block_stop.
  struct Block {
    ContentBlock block;
    std::string partial_json;  // the input_json_delta pieces so far
    bool stopped = false;
  };
  // Each handler returns what is wrong with its event, or "" when it applied.
  using Handler = std::string (MessageStream::*)(const Json& data);
  static Handler handler_for(std::string_view type);

  void take_event(const SseEvent& event);
  std::string on_message_start(const Json& data);
  std::string on_block_start(const Json& data);
  std::string on_block_delta(const Json& data);
  std::string on_block_stop(const Json& data);
  std::string on_message_delta(const Json& data);
  std::string on_message_stop(const Json& data);
  std::string on_error(const Json& data);
  // The `index` of a delta or stop event, when it names a started, unstopped block.
  util::Expected<int, std::string> open_block_index(const Json& data) const;
  void deliver(int index, StreamDelta::Kind kind, const std::string& text);
  void fail(ErrorCategory category, std::string message, std::string api_error_type = {});

  DeltaCallback on_delta_;
  SseDecoder decoder_;
  Response response_;
  std::vector<Block> blocks_;
  std::optional<LlmError> error_;
  bool started_ = false;  // message_start seen
  bool stopped_ = false;  // message_stop seen
  bool delivered_delta_ = false;
  std::size_t events_ = 0;  // events decoded, ignored ones included
  std::string last_event_;
};

}  // namespace reprise::llm
