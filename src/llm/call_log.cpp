#include "reprise/llm/call_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <mutex>
#include <system_error>

#include "reprise/llm/json_codec.hpp"
#include "reprise/llm/pricing.hpp"
#include "reprise/util/secrets_scan.hpp"

namespace reprise::llm {
namespace {

// Never throws on content: bad UTF-8 becomes U+FFFD instead of a type_error.
std::string dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json error_json(const std::optional<LlmError>& error) {
  if (!error) return nullptr;
  return {{"category", std::string(to_string(error->category))},
          {"status", error->status},
          {"api_error_type", error->api_error_type.empty() ? Json() : Json(error->api_error_type)}};
}

// Microseconds are plenty; the digits beyond them are only noise in a log.
double round_to_microseconds(double milliseconds) { return std::round(milliseconds * 1000.0) / 1000.0; }

// Builds {"key":value,...} in the order the fields are added.
class LineWriter {
 public:
  // `key` is one of this file's field names: plain ASCII, nothing to escape.
  void field(std::string_view key, const Json& value) {
    line_ += line_.empty() ? "{\"" : ",\"";
    line_ += key;
    line_ += "\":";
    line_ += dump(value);
  }
  std::string finish() && { return std::move(line_) + "}"; }

 private:
  std::string line_;
};

// The secrets as they appear inside a JSON string, besides as they are.
std::vector<std::string> with_json_escaped_forms(const std::vector<std::string>& secrets) {
  std::vector<std::string> forms = secrets;
  for (const auto& secret : secrets) {
    std::string quoted = dump(Json(secret));
    std::string escaped = quoted.substr(1, quoted.size() - 2);
    if (escaped != secret) forms.push_back(std::move(escaped));
  }
  return forms;
}

}  // namespace

std::string_view to_string(LogEnvironment environment) {
  return environment == LogEnvironment::non_prod ? "non-prod" : "prod";
}

LogEnvironment log_environment_from(const std::optional<std::string>& value) {
  return value && *value == "non-prod" ? LogEnvironment::non_prod : LogEnvironment::prod;
}

void price_call(CallRecord& record) {
  record.cost_usd.reset();
  record.cost_error.clear();
  if (!record.usage) {
    record.cost_error = "no usage: the call did not complete";
    return;
  }
  auto cost = usd_for_usage(record.model, *record.usage);
  if (cost) {
    record.cost_usd = *cost;
  } else {
    record.cost_error = cost.error();
  }
}

namespace {

// The record's line before redaction.
std::string unredacted_line(const CallRecord& record, LogEnvironment environment) {
  const std::string& request_id =
      record.request_id.empty() && record.error ? record.error->request_id : record.request_id;
  LineWriter line;
  line.field("event", "llm_call");
  line.field("schema", kCallRecordSchema);
  line.field("timestamp", record.timestamp);
  line.field("environment", to_string(environment));
  line.field("agent", record.agent);
  line.field("invocation_id", record.invocation_id);
  line.field("call_index", record.call_index);
  line.field("provider", record.provider);
  line.field("model", record.model);
  line.field("latency_ms", round_to_microseconds(record.latency_ms));
  line.field("attempts", record.attempts);
  line.field("fallback", record.fallback);
  line.field("error", error_json(record.error));
  line.field("usage", record.usage ? usage_to_json(*record.usage) : Json());
  line.field("cost_usd", record.cost_usd ? Json(*record.cost_usd) : Json());
  line.field("cost_error", record.cost_error.empty() ? Json() : Json(record.cost_error));
  line.field("request_id", request_id);
  line.field("prompt_sha256", record.prompt_sha256);
  if (environment == LogEnvironment::non_prod) {
    line.field("request", record.request);
    line.field("response", record.response);
    line.field("input", record.input);
  }
  return std::move(line).finish();
}

}  // namespace

std::string call_record_json(const CallRecord& record, LogEnvironment environment,
                             const std::vector<std::string>& known_secrets) {
  return util::redact_secrets(unredacted_line(record, environment), with_json_escaped_forms(known_secrets));
}

struct CallLog::Sink {
  Sink(int descriptor, bool owned, LogEnvironment log_environment, std::vector<std::string> secrets)
      : fd(descriptor), owns_fd(owned), environment(log_environment), redacted_forms(with_json_escaped_forms(secrets)) {}
  ~Sink() {
    if (owns_fd) ::close(fd);
  }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  // The whole buffer, resuming after a signal or a short write. The lock
  // keeps a resumed line from interleaving with another thread's.
  bool write_all(std::string_view bytes) {
    std::lock_guard lock(mutex);
    while (!bytes.empty()) {
      ssize_t written = ::write(fd, bytes.data(), bytes.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
  }

  int fd;
  bool owns_fd;
  LogEnvironment environment;
  std::vector<std::string> redacted_forms;  // the known secrets, as they are and JSON-escaped: computed once
  std::mutex mutex;
  std::atomic<std::size_t> failed{0};
};

CallLog::CallLog(std::shared_ptr<Sink> sink) : sink_(std::move(sink)) {}

CallLog CallLog::to_stderr(LogEnvironment environment, std::vector<std::string> known_secrets) {
  return CallLog(std::make_shared<Sink>(STDERR_FILENO, false, environment, std::move(known_secrets)));
}

util::Expected<CallLog, std::string> CallLog::to_file(const std::filesystem::path& path, LogEnvironment environment,
                                                      std::vector<std::string> known_secrets) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string reason = std::error_code(errno, std::generic_category()).message();
    return util::unexpected("cannot open call log " + path.string() + ": " + reason);
  }
  return CallLog(std::make_shared<Sink>(fd, true, environment, std::move(known_secrets)));
}

LogEnvironment CallLog::environment() const { return sink_->environment; }

void CallLog::write(const CallRecord& record) noexcept {
  try {
    std::string line = util::redact_secrets(unredacted_line(record, sink_->environment), sink_->redacted_forms);
    line += '\n';
    if (!sink_->write_all(line)) ++sink_->failed;
  } catch (...) {  // out of memory: the call goes on without its log line
    ++sink_->failed;
  }
}

std::size_t CallLog::failed_writes() const { return sink_->failed.load(); }

}  // namespace reprise::llm
