#pragma once
// Lines of a log, read in fixed-size chunks: memory stays flat in the size
// of the input, and a line longer than the limit is skipped (and reported)
// without ever being held whole. A trailing "\r" is dropped; the last line
// may lack its "\n".
#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace reprise::capture {

class LineReader {
 public:
  LineReader(std::istream& in, std::size_t max_line_bytes);

  struct Line {
    std::string_view text;  // valid until the next call; empty when too_long
    std::size_t number = 0;  // 1-based
    bool too_long = false;
  };
  // False at the end of the input.
  bool next(Line& line);
  std::size_t bytes_read() const { return bytes_read_; }

 private:
  bool fill();

  std::istream& in_;
  std::size_t max_line_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::string carry_;  // a line split across chunks
  std::size_t number_ = 0;
  std::size_t bytes_read_ = 0;
};

}  // namespace reprise::capture
