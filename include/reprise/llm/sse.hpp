#pragma once
// An incremental decoder of server-sent events (the `text/event-stream`
// format), following the WHATWG HTML "event stream interpretation" rules.
//
// It is fed the body as it arrives, in chunks that may end anywhere: mid-line,
// mid-field, or between the CR and LF of one line end. Lines end in LF, CRLF
// or a lone CR; a leading UTF-8 BOM is skipped; `:` starts a comment line;
// the fields are `event`, `data` (several data lines are joined by "\n"),
// `id` and `retry`, each with one optional space after the colon; a blank line
// dispatches the event. An event with no data line is not dispatched, as the
// rules say.
//
// It knows nothing of what the events mean (see message_stream.hpp) and does
// no reconnecting: `id` and `retry` are kept only so a caller could.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reprise::llm {

struct SseEvent {
  std::string event;  // the `event:` field; "message" when there was none (the WHATWG default)
  std::string data;   // the `data:` lines joined by "\n"
};

class SseDecoder {
 public:
  // Decodes one chunk; returns the events it completed, in order.
  std::vector<SseEvent> feed(std::string_view chunk);

  // The input has ended. Returns the event that was still being received, if
  // any: an unterminated line, or field lines not yet followed by the blank
  // line that dispatches them. WHATWG discards such an event; it is returned
  // so the caller can tell a stream cut mid-event from one that ended cleanly.
  std::optional<SseEvent> finish();

  const std::string& last_event_id() const { return last_event_id_; }
  std::optional<std::int64_t> retry_ms() const { return retry_ms_; }

 private:
  void take_line(std::string_view line, std::vector<SseEvent>& out);
  void take_field(std::string_view name, std::string_view value);
  void dispatch(std::vector<SseEvent>& out);

  std::string line_;            // the part of a line carried over to the next chunk
  bool skip_lf_ = false;        // the last chunk ended in CR: an LF first in the next ends the same line
  bool first_line_ = true;      // only the first line may start with a BOM
  bool in_event_ = false;       // a field line was read since the last blank line
  std::string event_type_;
  std::string data_;
  std::string id_buffer_;       // the `id` field, committed to last_event_id_ by the next blank line
  std::string last_event_id_;
  std::optional<std::int64_t> retry_ms_;
};

}  // namespace reprise::llm
