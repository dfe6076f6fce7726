#include "reprise/capture/log_reader.hpp"

#include <fmt/format.h>

#include <iterator>
#include <streambuf>

#include "reprise/capture/line_reader.hpp"
#include "reprise/util/text.hpp"

namespace reprise::capture {
namespace {

// Serves `prefix` (bytes already taken from the stream to choose the
// layout), then the rest of `source`: the layout is chosen without seeking,
// so standard input works too.
class PrefixedBuffer : public std::streambuf {
 public:
  PrefixedBuffer(std::string prefix, std::streambuf* source) : prefix_(std::move(prefix)), source_(source) {
    setg(prefix_.data(), prefix_.data(), prefix_.data() + prefix_.size());
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    std::streamsize got = source_->sgetn(chunk_, sizeof chunk_);
    if (got <= 0) return traits_type::eof();
    setg(chunk_, chunk_, chunk_ + got);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::string prefix_;
  std::streambuf* source_;
  char chunk_[64 * 1024];
};

// Takes the input up to the end of its first non-blank line (at most 4 KiB)
// and says whether that line is a lone "{" or "[": the first line of a
// pretty-printed JSON document.
bool opens_document(std::streambuf& source, std::string& taken) {
  std::string line;
  while (taken.size() < 4096) {
    int c = source.sbumpc();
    if (c == std::streambuf::traits_type::eof()) break;
    taken.push_back(static_cast<char>(c));
    if (c == '\n') {
      if (line.find_first_not_of(" \t\r") == std::string::npos) {
        line.clear();
        continue;
      }
      break;
    }
    line.push_back(static_cast<char>(c));
  }
  auto first = line.find_first_not_of(" \t\r");
  auto last = line.find_last_not_of(" \t\r");
  return first != std::string::npos && first == last && (line[first] == '{' || line[first] == '[');
}

// An input iterator over a stream buffer that counts the lines it passes,
// so events of a document are reported at their line.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  CountingIterator() = default;
  CountingIterator(std::streambuf* buffer, std::size_t* line) : it_(buffer), line_(line) {}
  char operator*() const { return *it_; }
  CountingIterator& operator++() {
    if (*it_ == '\n') ++*line_;
    ++it_;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return it_ == other.it_; }
  bool operator!=(const CountingIterator& other) const { return !(*this == other); }

 private:
  std::istreambuf_iterator<char> it_;
  std::size_t* line_ = nullptr;
};

// The events of `aws logs` output, one at a time: the objects of the
// top-level "events" list (or of a top-level list, as `--query events`
// prints). Everything else in the document is skipped.
class EventsHandler : public nlohmann::json_sax<Json> {
 public:
  EventsHandler(Extractor& extractor, Origin base, const std::size_t& line)
      : extractor_(extractor), base_(std::move(base)), line_(line) {}

  bool null() override { return scalar(nullptr); }
  bool boolean(bool value) override { return scalar(value); }
  bool number_integer(number_integer_t value) override { return scalar(value); }
  bool number_unsigned(number_unsigned_t value) override { return scalar(value); }
  bool number_float(number_float_t value, const string_t&) override { return scalar(value); }
  bool string(string_t& value) override { return scalar(std::move(value)); }
  bool binary(binary_t&) override { return true; }
  bool key(string_t& value) override {
    if (depth_ == 1) top_key_ = value;
    if (in_event()) key_ = std::move(value);
    return true;
  }
  bool start_object(std::size_t) override {
    ++depth_;
    if (events_depth_ && depth_ == events_depth_ + 1) {
      event_ = Json::object();
      event_line_ = line_ + 1;
    }
    return true;
  }
  bool end_object() override {
    if (in_event()) {
      Origin origin = base_;
      origin.line = event_line_;
      extractor_.cloudwatch_event(event_, origin);
      ++events_;
    }
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (!events_depth_ && (depth_ == 1 || (depth_ == 2 && top_key_ == "events"))) events_depth_ = depth_;
    return true;
  }
  bool end_array() override {
    if (depth_ == events_depth_) events_depth_ = 0;
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) override {
    error_ = error.what();
    return false;
  }

  const std::string& error() const { return error_; }
  std::size_t events() const { return events_; }

 private:
  bool in_event() const { return events_depth_ && depth_ == events_depth_ + 1; }
  bool scalar(Json value) {
    if (in_event()) event_[key_] = std::move(value);
    return true;
  }

  Extractor& extractor_;
  Origin base_;
  const std::size_t& line_;  // lines passed so far (0-based line of the parser)
  int depth_ = 0;
  int events_depth_ = 0;  // depth of the events list while inside it
  std::string top_key_, key_;
  Json event_;
  std::size_t event_line_ = 0;
  std::size_t events_ = 0;
  std::string error_;
};

void read_lines(std::istream& in, Extractor& extractor, const Origin& base, const ReadOptions& options,
                const Extractor::ProblemSink& on_problem, ReadStats& stats) {
  LineReader reader(in, options.max_line_bytes);
  LineReader::Line line;
  Origin origin = base;
  while (reader.next(line)) {
    origin.line = line.number;
    if (options.only_lines && !options.only_lines->contains(line.number)) continue;
    if (line.too_long) {
      on_problem(origin, fmt::format("line longer than {} bytes; skipped", options.max_line_bytes));
      continue;
    }
    extractor.line(line.text, origin);
  }
  stats.lines = line.number;
  stats.bytes = reader.bytes_read();
}

void read_document(std::istream& in, Extractor& extractor, const Origin& base, const Extractor::ProblemSink& on_problem,
                   ReadStats& stats) {
  std::size_t lines = 0;
  Origin events_origin = base;
  events_origin.shape = "events";
  EventsHandler handler(extractor, events_origin, lines);
  CountingIterator first(in.rdbuf(), &lines), last;
  bool ok = Json::sax_parse(first, last, &handler);
  stats.lines = lines + 1;
  if (!ok) {
    Origin origin = base;
    origin.line = lines + 1;
    origin.shape = "events";
    on_problem(origin, fmt::format("malformed aws logs output (after {} event(s)); the rest of the document is skipped: {}",
                                   handler.events(), util::excerpt(handler.error(), 200)));
  }
}

}  // namespace

ReadStats read_log(std::istream& in, const std::string& source_name, const ReadOptions& options,
                   const Extractor::RecordSink& on_record, const Extractor::ProblemSink& on_problem) {
  ReadStats stats;
  Extractor extractor(on_record, on_problem, options.limits);
  Origin base;
  base.source = source_name;
  base.log_group = options.log_group;
  base.log_stream = options.log_stream;

  std::string taken;
  bool document = options.layout == LogLayout::document;
  if (options.layout == LogLayout::automatic) document = opens_document(*in.rdbuf(), taken);
  PrefixedBuffer buffer(std::move(taken), in.rdbuf());
  std::istream stream(&buffer);
  if (document) {
    stats.layout = "document";
    read_document(stream, extractor, base, on_problem, stats);
  } else {
    stats.layout = "lines";
    read_lines(stream, extractor, base, options, on_problem, stats);
  }
  stats.control_messages = extractor.control_messages();
  return stats;
}

}  // namespace reprise::capture
