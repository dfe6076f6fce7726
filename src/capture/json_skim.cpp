#include "reprise/capture/json_skim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace reprise::capture {
namespace {

constexpr int kMaxDepth = 512;

class Skimmer {
 public:
  explicit Skimmer(std::string_view text) : text_(text) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t pos() const { return pos_; }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void fail(const char* what) {
    if (error_.empty()) error_ = fmt::format("byte {}: {}", pos_, what);
  }
  void skip_blanks() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) ++pos_;
  }
  bool expect(char c) {
    skip_blanks();
    if (peek() != c) {
      fail(c == ':' ? "expected ':'" : c == '{' ? "expected '{'" : "unexpected character");
      return false;
    }
    ++pos_;
    return true;
  }
  // At an opening quote: moves past the closing one.
  void skip_string() {
    ++pos_;
    while (pos_ < text_.size()) {
      auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return;
      }
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) break;
        pos_ += 2;
        continue;
      }
      if (c < 0x20) return fail("control character in a string");
      ++pos_;
    }
    fail("unterminated string");
  }
  // Any value: strings and nested containers checked for structure only.
  void skip_value() {
    skip_blanks();
    char c = peek();
    if (c == '"') return skip_string();
    if (c == '{' || c == '[') return skip_container();
    std::size_t start = pos_;
    while (!at_end() && !std::strchr(",}] \t\r\n", text_[pos_])) ++pos_;
    if (pos_ == start) fail("expected a value");
  }

 private:
  void skip_container() {
    std::vector<char> closers;
    while (!at_end() && ok()) {
      char c = text_[pos_];
      if (c == '"') {
        skip_string();
        continue;
      }
      if (c == '{' || c == '[') {
        if (closers.size() >= kMaxDepth) return fail("nested too deeply");
        closers.push_back(c == '{' ? '}' : ']');
      } else if (c == '}' || c == ']') {
        if (closers.empty() || closers.back() != c) return fail("mismatched bracket");
        closers.pop_back();
        if (closers.empty()) {
          ++pos_;
          return;
        }
      }
      ++pos_;
    }
    fail("unterminated object or array");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

util::Expected<Skimmed, std::string> skim_object(std::string_view text, std::initializer_list<std::string_view> dropped) {
  Skimmer in(text);
  Skimmed out;
  out.header.reserve(1024);
  out.header += '{';
  if (!in.expect('{')) return util::unexpected(in.error());
  in.skip_blanks();
  if (in.peek() == '}') {
    in.expect('}');
  } else {
    bool first = true;
    for (;;) {
      in.skip_blanks();
      if (in.peek() != '"') {
        in.fail("expected a key");
        break;
      }
      std::size_t key_start = in.pos();
      in.skip_string();
      if (!in.ok()) break;
      std::string_view key = text.substr(key_start + 1, in.pos() - key_start - 2);
      if (!in.expect(':')) break;
      in.skip_blanks();
      std::size_t value_start = in.pos();
      in.skip_value();
      if (!in.ok()) break;
      if (std::find(dropped.begin(), dropped.end(), key) != dropped.end()) {
        out.dropped_any = true;
      } else {
        if (!first) out.header += ',';
        first = false;
        out.header.append(text.substr(key_start, in.pos() - key_start));  // keeps the key, ':', and the value
        (void)value_start;
      }
      in.skip_blanks();
      if (in.peek() == ',') {
        in.expect(',');
        continue;
      }
      if (in.peek() == '}') {
        in.expect('}');
        break;
      }
      in.fail(in.at_end() ? "the object is not closed" : "expected ',' or '}'");
      break;
    }
  }
  if (in.ok()) {
    in.skip_blanks();
    if (!in.at_end()) in.fail("text after the object");
  }
  if (!in.ok()) return util::unexpected(in.error());
  out.header += '}';
  return out;
}

}  // namespace reprise::capture
