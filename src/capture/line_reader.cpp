#include "reprise/capture/line_reader.hpp"

#include <cstring>

namespace reprise::capture {

LineReader::LineReader(std::istream& in, std::size_t max_line_bytes)
    : in_(in), max_line_(max_line_bytes), buffer_(1 << 20) {}

bool LineReader::fill() {
  if (!in_) return false;
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = static_cast<std::size_t>(in_.gcount());
  bytes_read_ += end_;
  return end_ > 0;
}

bool LineReader::next(Line& line) {
  carry_.clear();
  bool too_long = false, any = false;
  auto finish = [&](std::string_view text) {
    if (!too_long && !text.empty() && text.back() == '\r') text.remove_suffix(1);
    line = Line{too_long ? std::string_view() : text, ++number_, too_long};
    return true;
  };
  for (;;) {
    if (pos_ == end_ && !fill()) return any ? finish(carry_) : false;
    any = true;
    const char* start = buffer_.data() + pos_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
    std::size_t length = newline ? static_cast<std::size_t>(newline - start) : end_ - pos_;
    pos_ += length + (newline ? 1 : 0);
    if (!too_long && carry_.size() + length > max_line_) {
      too_long = true;
      std::string().swap(carry_);  // give the memory back
    }
    if (newline && carry_.empty()) return finish(too_long ? std::string_view() : std::string_view(start, length));
    if (!too_long) carry_.append(start, length);
    if (newline) return finish(carry_);
  }
}

}  // namespace reprise::capture
