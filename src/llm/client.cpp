#include "reprise/llm/client.hpp"

#include "reprise/llm/alert.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/util/clock.hpp"
#include "reprise/util/secrets_scan.hpp"

namespace reprise::llm {
namespace {

using util::unexpected;
using HttpRequestResult = util::Expected<HttpRequest, LlmError>;

bool is_success(const HttpResponse& http) { return !http.failure && http.status >= 200 && http.status < 300; }

// Streams that fail after a 2xx (an error event, an early end) are as
// transient as the statuses the retry rule names.
bool transient(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::overloaded:
    case ErrorCategory::server:
    case ErrorCategory::rate_limited:
    case ErrorCategory::timeout:
    case ErrorCategory::network: return true;
    default: return false;
  }
}

// A non-streamed answer (Bedrock's) offered to a streaming caller: one delta per block.
void replay_as_deltas(const Response& response, const DeltaCallback& on_delta) {
  for (std::size_t index = 0; index < response.content.size(); ++index) {
    const ContentBlock& block = response.content[index];
    StreamDelta delta;
    delta.index = static_cast<int>(index);
    if (block.type == "text") {
      delta.kind = StreamDelta::Kind::text;
      delta.text = block.text;
    } else if (block.type == "tool_use") {
      delta.kind = StreamDelta::Kind::input_json;
      delta.text = block.input.dump();
    } else {
      continue;
    }
    on_delta(delta);
  }
}

}  // namespace

struct Client::Attempts {
  CallResult result = unexpected(LlmError{ErrorCategory::network, 0, "", "no attempt was made", ""});
  HttpResponse last;       // the last attempt's answer
  int count = 0;           // requests sent
  bool delivered = false;  // a stream gave the caller at least one delta

  // Ended on a failure the retry rule would try again, so another provider may succeed.
  bool fallback_worthy() const {
    if (result || count == 0 || delivered) return false;
    if (!is_success(last)) return should_retry(last);
    return transient(result.error().category);
  }
};

Client::Client(ClientConfig config, std::shared_ptr<Transport> transport, std::shared_ptr<Clock> clock,
               RandomSource random, WallClock wall_clock)
    : config_(std::move(config)),
      anthropic_(config_.base_url, config_.api_key),
      transport_(std::move(transport)),
      clock_(std::move(clock)),
      random_(std::move(random)),
      wall_clock_(std::move(wall_clock)) {
  if (config_.fallback) bedrock_.emplace(*config_.fallback, wall_clock_);
  if (!config_.alert_transport) config_.alert_transport = transport_;
  for (const std::string* secret : {&config_.api_key, config_.fallback ? &config_.fallback->credentials.secret_access_key : nullptr,
                                    config_.fallback ? &config_.fallback->credentials.session_token : nullptr}) {
    if (secret != nullptr && !secret->empty()) secrets_.push_back(*secret);
  }
}

CallResult Client::invoke(const Request& request, const CallContext& context, const DeltaCallback& on_delta) {
  const auto started_at = wall_clock_();
  const auto started = clock_->now();
  // Without a retry policy (cached replay, dry run) a call has no deadline of
  // its own. Ten years stands for "none": a steady_clock time point holds
  // nanoseconds, so anything near milliseconds::max() would overflow.
  constexpr auto kNoDeadline = std::chrono::hours(24 * 365 * 10);
  const auto deadline = started + (config_.retry ? config_.retry->deadline : std::chrono::duration_cast<std::chrono::milliseconds>(kNoDeadline));

  // The fallback's share of the deadline is kept from the primary (retry.hpp).
  auto primary_deadline = deadline;
  if (bedrock_ && config_.retry) primary_deadline -= std::min(config_.retry->fallback_reserve, config_.retry->deadline / 2);
  Attempts primary = call_anthropic(request, primary_deadline, on_delta);
  Attempts* answered = &primary;
  std::optional<Attempts> secondary;
  if (!primary.result && bedrock_ && primary.fallback_worthy()) {
    alert(request, context, primary.result.error());
    secondary = call_bedrock(request, deadline, on_delta);
    if (secondary->result) {
      secondary->result->fallback = true;
      answered = &*secondary;
    }
  }
  // A failed fallback returns the original error: it says why the primary, the provider that matters, failed.
  CallResult result = std::move(answered->result);
  if (!result) result = unexpected(redacted(std::move(result.error())));

  if (config_.call_log) {
    int attempts = primary.count + (secondary ? secondary->count : 0);
    double latency_ms = std::chrono::duration<double, std::milli>(clock_->now() - started).count();
    log(request, context, result, attempts, secondary.has_value(), started_at, latency_ms);
  }
  if (config_.observer) config_.observer(request, result);
  return result;
}

Client::Attempts Client::call_anthropic(const Request& request, Clock::time_point deadline, const DeltaCallback& on_delta) {
  if (!request.stream) {
    return send_with_retries([&]() -> HttpRequestResult { return anthropic_.build_http_request(request); },
                             [&](const HttpResponse& http) { return anthropic_.parse_http_response(http); }, deadline);
  }
  // Every attempt starts a fresh stream. Only a 2xx body feeds it, and a 2xx
  // is never retried, so a caller never sees the deltas of two attempts.
  bool delivered = false;
  std::optional<MessageStream> stream;
  DeltaCallback forward = [&delivered, &on_delta](const StreamDelta& delta) {
    delivered = true;
    if (on_delta) on_delta(delta);
  };
  auto build = [&]() -> HttpRequestResult {
    stream.emplace(forward);
    HttpRequest http = anthropic_.build_http_request(request);
    http.on_body_chunk = [&stream](std::string_view chunk) { stream->feed(chunk); };
    return http;
  };
  auto parse = [&](const HttpResponse& http) -> CallResult {
    auto content_type = find_header(http.headers, "content-type").value_or("");
    // An error status, or a server that answered a stream request with plain JSON: the ordinary parser reads it.
    if (!is_success(http) || content_type.find("text/event-stream") == std::string::npos) {
      return anthropic_.parse_http_response(http);
    }
    CallResult result = stream->finish();
    std::string request_id = find_header(http.headers, "request-id").value_or("");
    if (result) {
      result->request_id = request_id;
      result->provider = "anthropic";
    } else if (result.error().request_id.empty()) {
      result.error().request_id = request_id;
    }
    return result;
  };
  Attempts attempts = send_with_retries(build, parse, deadline);
  attempts.delivered = delivered;
  return attempts;
}

Client::Attempts Client::call_bedrock(const Request& request, Clock::time_point deadline, const DeltaCallback& on_delta) {
  // Bedrock is called without streaming (InvokeModel); a streaming caller
  // still receives the content, as one delta per block.
  Attempts attempts = send_with_retries([&] { return bedrock_->build_http_request(request); },
                                        [&](const HttpResponse& http) { return bedrock_->parse_http_response(http); },
                                        deadline);
  if (attempts.result && on_delta) replay_as_deltas(*attempts.result, on_delta);
  return attempts;
}

template <typename Build, typename Parse>
Client::Attempts Client::send_with_retries(const Build& build, const Parse& parse, Clock::time_point deadline) {
  RetryPolicy policy = config_.retry.value_or(RetryPolicy{});
  if (!config_.retry) policy.max_retries = 0;
  Attempts attempts;
  for (int retry = 0;; ++retry) {
    // With a RetryPolicy the deadline bounds the attempt too, not only the waits
    // between attempts; with none of it left (a fallback after a primary that
    // used it all) the attempt is neither built nor sent: it is a timeout.
    std::optional<std::chrono::milliseconds> time_left;
    if (config_.retry) {
      time_left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock_->now());
      if (*time_left <= std::chrono::milliseconds(0)) {
        attempts.last = HttpResponse{0, {}, {}, TransportFailure{TransportFailure::Kind::timeout, "the call's deadline passed before this attempt"}};
        break;
      }
    }
    // Built again for every attempt: a Bedrock request is signed with the time it is sent.
    HttpRequestResult http_request = build();
    if (!http_request) {
      attempts.result = unexpected(std::move(http_request.error()));
      return attempts;
    }
    http_request->timeout = time_left;
    ++attempts.count;
    attempts.last = transport_->send(*http_request);
    if (is_success(attempts.last) || !should_retry(attempts.last) || retry >= policy.max_retries) break;
    auto wait = retry_delay(policy, retry, attempts.last, random_);
    // A wait that would end past the deadline is not started: the last error is the answer.
    if (clock_->now() + wait >= deadline) break;
    clock_->sleep_for(wait);
  }
  attempts.result = parse(attempts.last);
  return attempts;
}

void Client::alert(const Request& request, const CallContext& context, const LlmError& error) {
  if (config_.alert_webhook_url.empty()) return;
  FallbackAlert alert;
  alert.agent = context.agent;
  alert.model = request.model;
  alert.category = std::string(to_string(error.category));
  alert.request_id = error.request_id;
  alert.status = error.status;
  alert.environment = config_.environment_name;
  // The result is deliberately unused: a failing alert must never fail the call.
  (void)send_alert(*config_.alert_transport, config_.alert_webhook_url, alert);
}

void Client::log(const Request& request, const CallContext& context, const CallResult& result, int attempts,
                 bool fallback, std::chrono::system_clock::time_point started_at, double latency_ms) {
  CallRecord record;
  record.timestamp = util::utc_timestamp_ms(started_at);
  record.agent = context.agent;
  record.invocation_id = context.invocation_id;
  record.call_index = context.call_index;
  record.model = request.model;
  record.provider = result ? result->provider : "anthropic";
  record.latency_ms = latency_ms;
  record.attempts = attempts;
  record.fallback = fallback;
  // Built once: hashed for every record, and the record's payload in non-prod.
  Json request_json = request_to_json(request);
  record.prompt_sha256 = request_fingerprint(request_json);
  if (result) {
    record.usage = result->usage;
    record.request_id = result->request_id;
  } else {
    record.error = result.error();
  }
  price_call(record);
  if (config_.call_log->environment() == LogEnvironment::non_prod) {
    record.request = std::move(request_json);
    if (result) record.response = response_to_json(*result);
    if (context.input != nullptr) record.input = *context.input;
  }
  config_.call_log->write(record);
}

LlmError Client::redacted(LlmError error) const {
  error.message = util::redact_secrets(error.message, secrets_);
  return error;
}

}  // namespace reprise::llm
