#include "reprise/llm/sse.hpp"

#include <charconv>
#include <utility>

namespace reprise::llm {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string take_data(std::string& data) {
  if (!data.empty() && data.back() == '\n') data.pop_back();  // each data line added one; the last is not part of the data
  return std::exchange(data, {});
}

}  // namespace

std::vector<SseEvent> SseDecoder::feed(std::string_view chunk) {
  std::vector<SseEvent> events;
  if (skip_lf_ && !chunk.empty()) {
    if (chunk.front() == '\n') chunk.remove_prefix(1);
    skip_lf_ = false;
  }
  while (!chunk.empty()) {
    std::size_t end = chunk.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      line_.append(chunk);
      break;
    }
    line_.append(chunk.substr(0, end));
    bool cr = chunk[end] == '\r';
    chunk.remove_prefix(end + 1);
    if (cr && chunk.empty()) skip_lf_ = true;  // the LF of this CRLF, if any, comes with the next chunk
    if (cr && !chunk.empty() && chunk.front() == '\n') chunk.remove_prefix(1);
    take_line(line_, events);
    line_.clear();
  }
  return events;
}

std::optional<SseEvent> SseDecoder::finish() {
  bool cut_mid_line = !line_.empty();
  if (cut_mid_line) {
    std::vector<SseEvent> none;  // a non-empty line never dispatches
    take_line(line_, none);
    line_.clear();
  }
  skip_lf_ = false;
  if (!cut_mid_line && !in_event_) return std::nullopt;
  SseEvent partial{event_type_.empty() ? "message" : std::exchange(event_type_, {}), take_data(data_)};
  in_event_ = false;
  return partial;
}

void SseDecoder::take_line(std::string_view line, std::vector<SseEvent>& out) {
  if (first_line_) {
    first_line_ = false;
    if (line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
  }
  if (line.empty()) return dispatch(out);
  if (line.front() == ':') return;  // a comment: servers send them to keep the connection alive
  in_event_ = true;
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return take_field(line, {});  // a field name alone has an empty value
  std::string_view value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  take_field(line.substr(0, colon), value);
}

void SseDecoder::take_field(std::string_view name, std::string_view value) {
  if (name == "event") {
    event_type_ = value;
  } else if (name == "data") {
    data_.append(value);
    data_.push_back('\n');
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) id_buffer_ = value;
  } else if (name == "retry") {
    std::int64_t ms = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), ms);
    // Only ASCII digits count: from_chars would also take a leading '-'.
    bool digits_only = !value.empty() && value.front() != '-' && end == value.data() + value.size();
    if (error == std::errc() && digits_only) retry_ms_ = ms;
  }
  // Any other field is ignored, as the rules say.
}

void SseDecoder::dispatch(std::vector<SseEvent>& out) {
  last_event_id_ = id_buffer_;  // committed even by an event without data, as the rules say
  in_event_ = false;
  if (data_.empty()) {
    event_type_.clear();
    return;
  }
  out.push_back({event_type_.empty() ? "message" : std::exchange(event_type_, {}), take_data(data_)});
}

}  // namespace reprise::llm
