#pragma once
// The call log: with EVAL_LOG_LLM_CALLS=1, one JSON line per model call.
//
// A line is one `llm_call` event, schema "reprise.llm_call/1", keys in a
// fixed order so people can read it and grep it:
//
//   event schema timestamp environment agent invocation_id call_index
//   provider model latency_ms attempts fallback error usage cost_usd
//   cost_error request_id prompt_sha256 [request response input]
//
// Every key is always present (null when unknown), except the payloads:
// `request` (the body as sent), `response` (the parsed answer) and `input`
// (the agent's structured input) are written only when the log is non-prod
// (ENVIRONMENT=non-prod exactly; unset or any other value is prod), because
// they hold user data. From a non-prod line the capture tool rebuilds a case;
// invocation_id and call_index group the calls of one agent run (a chain, a
// tool loop). prompt_sha256 is the request fingerprint, also in prod, so
// prod lines join with fixtures without holding the prompt.
//
// A failed call's `error` holds its category, HTTP status and API error type,
// never the message: an error text can quote anything, a key included.
// As a last guard every line goes through util::redact_secrets (patterns and
// the log's known secrets, e.g. the API key) before it is written.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reprise/llm/errors.hpp"
#include "reprise/llm/messages.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

inline constexpr std::string_view kCallRecordSchema = "reprise.llm_call/1";

struct CallRecord {
  std::string timestamp;  // util::utc_timestamp_ms: 2026-11-22T01:02:03.456Z
  std::string agent;
  std::string invocation_id;  // shared by the calls of one agent run
  int call_index = 0;         // 0-based within the invocation
  std::string model;
  std::string provider;  // "anthropic" | "bedrock": the one that answered (or failed last)
  double latency_ms = 0;  // the whole call: every attempt and wait
  int attempts = 0;
  bool fallback = false;            // the call went on to the fallback provider
  std::optional<LlmError> error;    // only category, status and api_error_type are written
  std::optional<Usage> usage;
  std::optional<double> cost_usd;   // null when it cannot be priced ...
  std::string cost_error;           // ... and why
  std::string request_id;           // empty: error->request_id is written instead
  std::string prompt_sha256;        // request_fingerprint of the request body

  // Payloads, written only to a non-prod log. Null when absent.
  Json request;   // request_to_json: the body as sent
  Json response;  // response_to_json of the answer
  Json input;     // the agent's structured input
};

enum class LogEnvironment { prod, non_prod };

std::string_view to_string(LogEnvironment environment);  // "prod" / "non-prod"
// The rule for the ENVIRONMENT variable's value: exactly "non-prod" is
// non-prod; unset, empty or anything else is prod.
LogEnvironment log_environment_from(const std::optional<std::string>& value);

// Fills cost_usd from pricing's usd_for_usage(model, usage); when the call
// cannot be priced, leaves it null and says why in cost_error (an unknown
// model, named; no usage because the call failed). The caller prices the
// record; call_record_json writes what the record holds.
void price_call(CallRecord& record);

// The record as one line of JSON (no newline inside, none at the end),
// redacted with util::redact_secrets and `known_secrets`. Strings that are
// not valid UTF-8 are written with U+FFFD in place of the bad bytes; it never
// throws on content.
std::string call_record_json(const CallRecord& record, LogEnvironment environment,
                             const std::vector<std::string>& known_secrets = {});

// A thread-safe sink of call records. Copies share one destination.
//
// Each line goes out as one write(2) of the line and its "\n" under a lock,
// so threads of this process never interleave; a file is opened with
// O_APPEND, so processes appending to the same file do not overwrite each
// other (Linux writes a regular file's line in one piece). stderr is used as
// the process got it: to a pipe, lines longer than PIPE_BUF (4096 bytes) may
// interleave with other processes' writes.
//
// A failing write never reaches the caller (a log must not break the call
// it logs): it is counted in failed_writes() and the line is dropped.
class CallLog {
 public:
  // `known_secrets` (the API key, ...) are redacted from every line.
  static CallLog to_stderr(LogEnvironment environment, std::vector<std::string> known_secrets = {});
  // Appends to `path`, creating it (mode 0600: non-prod lines hold user
  // data) if missing; its folder must exist. Error: "cannot open call log <path>: <reason>".
  static util::Expected<CallLog, std::string> to_file(const std::filesystem::path& path, LogEnvironment environment,
                                                      std::vector<std::string> known_secrets = {});

  LogEnvironment environment() const;
  void write(const CallRecord& record) noexcept;
  std::size_t failed_writes() const;

 private:
  struct Sink;
  explicit CallLog(std::shared_ptr<Sink> sink);
  std::shared_ptr<Sink> sink_;
};

}  // namespace reprise::llm
