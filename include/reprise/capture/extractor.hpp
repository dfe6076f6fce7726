#pragma once
// Finding llm_call records in one log line, whatever shape carries them.
//
// The shapes (a line may nest them: a Lambda line inside a CloudWatch event):
//   plain         the record as one JSON object: the call log itself, or a
//                 Lambda function's bare print; text before the first '{'
//                 (a logger's prefix) is skipped
//   lambda-node   <ISO time>\t<request id>\t<LEVEL>\t<json>       (console.log)
//   lambda-python [<LEVEL>]\t<ISO time>\t<request id>\t<json>     (logging)
//   json-log      {"timestamp","level","requestId","message": <record or its JSON text>}
//                 (Lambda's JSON log format)
//   events        {"events":[{"logStreamName","timestamp","message","eventId"}]}
//                 (aws logs filter-log-events / get-log-events, compacted to one line)
//   subscription  {"awslogs":{"data":"<base64 of gzip JSON>"}}, whose JSON holds
//                 messageType, logGroup, logStream, logEvents[].message;
//                 CONTROL_MESSAGE payloads are counted and skipped
//
// Only text that mentions "llm_call" (or a subscription's "awslogs") is
// parsed; any other line is an ordinary log line and costs one substring
// search. A line that mentions it and fails to parse is a problem, reported
// with its origin; nothing throws.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace reprise::capture {

using Json = nlohmann::json;

// Where a record was found: the file and line, and what the log shape adds.
struct Origin {
  std::string source;  // the file as named on the command line, or "-" for standard input
  std::size_t line = 0;  // 1-based line of the file
  std::string shape;     // the outermost shape: plain, lambda-node, ..., subscription
  std::string log_group, log_stream, event_id;
  std::string lambda_request_id;  // the Lambda invocation's request id, where the shape has it
  std::string log_time;           // the log event's own time, ISO 8601

  // "logs/app.log:12", plus the log group/stream or event id where known.
  std::string describe() const;
};

struct ExtractorLimits {
  std::size_t max_inflated_bytes = 64u << 20;  // one subscription payload, decompressed
  // Leave out a record's payloads (request, response, input): they are
  // skipped with a structural check only (json_skim.hpp) and the header is
  // parsed. Capture's first pass, which selects on the record's header; the
  // second pass parses the chosen records in full.
  bool headers_only = false;
};

class Extractor {
 public:
  using RecordSink = std::function<void(Json record, const Origin& origin)>;
  using ProblemSink = std::function<void(const Origin& origin, std::string message)>;

  Extractor(RecordSink on_record, ProblemSink on_problem, ExtractorLimits limits = {});

  // One line (or one CloudWatch event's message) at `origin`.
  void line(std::string_view text, const Origin& origin);
  // One already parsed JSON object (a document's event, a json-log message).
  void object(const Json& value, const Origin& origin);
  // A CloudWatch event: its message and metadata ({"message","timestamp","logStreamName","eventId"}).
  void cloudwatch_event(const Json& event, const Origin& origin);

  std::size_t control_messages() const { return control_messages_; }

 private:
  void text(std::string_view text, Origin origin, int depth);
  void value(Json value, Origin origin, int depth);
  void event(const Json& event, Origin origin, int depth);
  void subscription(const Json& awslogs, Origin origin, int depth);
  void decoded_subscription(const Json& data, Origin origin, int depth);

  RecordSink on_record_;
  ProblemSink on_problem_;
  ExtractorLimits limits_;
  std::size_t control_messages_ = 0;
};

// Milliseconds since the epoch as ISO 8601 UTC with milliseconds (CloudWatch's
// event times); "" outside years 1970 to 2261: no log event has such a time,
// and past 2262 the system clock's nanoseconds overflow.
std::string iso_from_epoch_ms(long long milliseconds);

}  // namespace reprise::capture
