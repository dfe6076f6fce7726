#pragma once
// Reading one log source (a file or standard input) as a stream, handing
// every llm_call record found to a sink with where it was found.
//
// Two layouts:
//   lines     one log line after another, each in any shape the Extractor
//             knows (plain, Lambda, json-log, compact events, subscription)
//   document  one pretty-printed JSON document from `aws logs
//             filter-log-events` / `get-log-events` (--output json): read
//             with a streaming (SAX) parser, one event at a time, so a
//             gigabyte of output never sits in memory
// `auto` looks at the first line: a lone "{" (or "[") opens a document.
#include <cstddef>
#include <istream>
#include <set>
#include <string>
#include <vector>

#include "reprise/capture/extractor.hpp"

namespace reprise::capture {

enum class LogLayout { automatic, lines, document };

struct ReadOptions {
  LogLayout layout = LogLayout::automatic;
  std::size_t max_line_bytes = 16u << 20;
  ExtractorLimits limits;
  // Provenance the output of `aws logs` does not carry itself (the log group
  // is a command-line argument of filter-log-events).
  std::string log_group, log_stream;
  // Lines layout: look only at these lines (1-based), skipping the rest
  // unparsed. Null: every line. Capture's second pass.
  const std::set<std::size_t>* only_lines = nullptr;
};

struct ReadStats {
  std::size_t lines = 0;
  std::size_t bytes = 0;
  std::size_t control_messages = 0;  // subscription CONTROL_MESSAGEs skipped
  std::string layout;                // "lines" or "document", as read
};

// Reads `in` to its end. Problems (malformed text, a line over the limit,
// a broken document) go to `on_problem` with their origin; nothing throws.
ReadStats read_log(std::istream& in, const std::string& source_name, const ReadOptions& options,
                   const Extractor::RecordSink& on_record, const Extractor::ProblemSink& on_problem);

}  // namespace reprise::capture
