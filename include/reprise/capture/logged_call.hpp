#pragma once
// One llm_call record of the call log (llm/call_log.hpp), as read back.
//
// Only what capture needs is kept. A record is capturable when it carries
// the non-prod payloads (request, response, input): a prod record holds the
// request fingerprint only, and nothing is guessed from it.
#include <optional>
#include <string>

#include "reprise/capture/extractor.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::capture {

struct LoggedCall {
  std::string timestamp;
  std::string environment;  // "non-prod" or "prod"
  std::string agent;
  std::string invocation_id;
  int call_index = 0;
  std::string model;
  std::string error_category;  // empty: the call succeeded
  std::string request_id;
  std::string prompt_sha256;
  std::optional<double> cost_usd;
  Json request, response, input;  // null in a prod record, and until needed (see capture.hpp)
  Origin origin;
  std::size_t ordinal = 0;  // which record of its line (a subscription or events line holds several)
  bool payload = false;     // the record carries request, input and (unless it failed) response
  std::string reread_problem;  // why the second pass could not read the record in full, if it could not

  bool has_payload() const { return payload; }
  bool failed() const { return !error_category.empty(); }
};

// The record's fields, type-checked (the payloads are moved out of
// `record`). Errors name the field: "field 'call_index': expected an
// integer from 0". A record read with ExtractorLimits::headers_only has no
// payload keys at all; it counts as carrying payloads when its environment
// is "non-prod" (the call log writes them exactly then).
util::Expected<LoggedCall, std::string> parse_logged_call(Json record, Origin origin);

}  // namespace reprise::capture
