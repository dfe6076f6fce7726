#include "fake_api/fake_server.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <exception>
#include <functional>
#include <iostream>
#include <thread>
#include <utility>

#include "reprise/llm/fingerprint.hpp"
#include "reprise/util/files.hpp"
#include "reprise/util/sha256.hpp"

namespace reprise::test {
namespace {

using util::unexpected;

// Each open keep-alive connection holds a worker for as long as it stays
// open: 32 for the callers of a live run (-j 16 with room to spare) and more
// for stats reads.
constexpr std::size_t kWorkers = 48;

struct ErrorKind {
  int status;
  const char* type;
  const char* message;
};

// The error types of the API's documented statuses, with short messages.
constexpr ErrorKind kErrorKinds[] = {
    {400, "invalid_request_error", "Invalid request"},
    {401, "authentication_error", "invalid x-api-key"},
    {402, "billing_error", "Billing problem"},
    {403, "permission_error", "Permission denied"},
    {404, "not_found_error", "Not found"},
    {413, "request_too_large", "Request too large"},
    {429, "rate_limit_error", "Rate limited"},
    {500, "api_error", "Internal server error"},
    {504, "timeout_error", "Request timed out"},
    {529, "overloaded_error", "Overloaded"},
};

ErrorKind error_kind(int status) {
  for (const auto& kind : kErrorKinds) {
    if (kind.status == status) return kind;
  }
  return status < 500 ? ErrorKind{status, "invalid_request_error", "Invalid request"}
                      : ErrorKind{status, "api_error", "Internal server error"};
}

// httplib runs each accepted connection as one task of its queue, so
// counting the tasks counts the connections.
class CountingTaskQueue final : public httplib::TaskQueue {
 public:
  CountingTaskQueue(std::size_t workers, std::function<void()> on_connection)
      : pool_(workers), on_connection_(std::move(on_connection)) {}

  void enqueue(std::function<void()> task) override {
    on_connection_();
    pool_.enqueue(std::move(task));
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  std::function<void()> on_connection_;
};

std::string model_of(const Json& body) {
  auto it = body.find("model");
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool wants_stream(const Json& body) {
  auto it = body.find("stream");
  return it != body.end() && it->is_boolean() && it->get<bool>();
}

bool injected_failure(const FaultOptions& faults, const std::string& fingerprint, std::string_view raw_body) {
  if (!faults.fail_match.empty() && raw_body.find(faults.fail_match) != std::string_view::npos) return true;
  return fails_by_rate(fingerprint, faults.fail_rate, faults.seed);
}

// `reply` already names the request; this fills in the answer.
void answer_into(Reply& reply, const Answer& answer, const Json& request) {
  Json message = message_body(answer, request, reply.fingerprint);
  if (reply.stream) {
    reply.events = sse_events(message);
    reply.headers.emplace_back("cache-control", "no-cache");
  } else {
    reply.body = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  reply.source = answer.source;
}

Reply with_request(Reply reply, const Reply& request) {
  reply.fingerprint = request.fingerprint;
  reply.model = request.model;
  reply.stream = request.stream;
  return reply;
}

void stream_events(std::vector<std::string> events, httplib::Response& res) {
  auto all = std::make_shared<std::vector<std::string>>(std::move(events));
  auto next = std::make_shared<std::size_t>(0);
  res.set_chunked_content_provider("text/event-stream", [all, next](std::size_t, httplib::DataSink& sink) {
    if (*next < all->size()) {
      const std::string& event = (*all)[(*next)++];
      return sink.write(event.data(), event.size());
    }
    sink.done();
    return true;
  });
}

}  // namespace

bool fails_by_rate(const std::string& fingerprint, double rate, std::uint64_t seed) {
  if (rate <= 0) return false;
  std::string digest = util::sha256_hex(fingerprint + ":" + std::to_string(seed));
  unsigned long h = std::stoul(digest.substr(0, 8), nullptr, 16);
  return static_cast<long long>(h % 1000) < std::llround(rate * 1000);
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::answered: return "answered";
    case Outcome::failed: return "failed";
    case Outcome::unknown: return "unknown";
    case Outcome::invalid: return "invalid";
  }
  return "invalid";
}

Reply error_reply(int status, const std::string& message, bool no_retry_header) {
  ErrorKind kind = error_kind(status);
  Reply reply;
  reply.status = status;
  reply.body = api_error_body(kind.type, message.empty() ? kind.message : message);
  reply.outcome = Outcome::invalid;
  if (status == 429) reply.headers.emplace_back("retry-after", "1");
  if (no_retry_header) reply.headers.emplace_back("x-should-retry", "false");
  return reply;
}

Reply reply_to(const AnswerPolicy& policy, std::string_view raw_body) {
  Json body = Json::parse(raw_body, nullptr, false);
  if (body.is_discarded()) return error_reply(400, "fake: the request body is not valid JSON");
  if (!body.is_object() || model_of(body).empty() || !body.contains("messages") || !body["messages"].is_array()) {
    return error_reply(400, "fake: the request body must be a JSON object with a string 'model' and a 'messages' array");
  }
  Reply request;
  request.fingerprint = llm::request_fingerprint(body);
  request.model = model_of(body);
  request.stream = wants_stream(body);
  const FaultOptions& faults = policy.faults;
  if (injected_failure(faults, request.fingerprint, raw_body)) {
    Reply failed = with_request(error_reply(faults.fail_status, "", faults.no_retry_header), request);
    failed.outcome = Outcome::failed;
    return failed;
  }
  auto found = policy.book ? policy.book->find(request.fingerprint, messages_key(body)) : std::nullopt;
  if (!found && !policy.generic_unknown) {
    Reply unknown = with_request(error_reply(400, "fake: no recorded answer for request " + request.fingerprint.substr(0, 12)), request);
    unknown.outcome = Outcome::unknown;
    return unknown;
  }
  Reply reply = request;
  if (found) {
    reply.match = std::string(to_string(found->match));
    answer_into(reply, *found->answer, body);
  } else {
    reply.outcome = Outcome::unknown;
    reply.match = "generic";
    answer_into(reply, generic_answer(request.fingerprint), body);
  }
  return reply;
}

Json Stats::to_json() const {
  return {{"connections", connections}, {"requests", requests}, {"answered", answered}, {"failed", failed}, {"unknown", unknown}};
}

FakeServer::FakeServer(ServerOptions options) : options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  server_->Post("/v1/messages", [this](const httplib::Request& req, httplib::Response& res) { serve(req, res, true); });
  server_->Get("/_fake/stats", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(stats().to_json().dump(), "application/json");
  });
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) { serve(req, res, false); });
  server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) { serve(req, res, false); });
  server_->new_task_queue = [this] { return new CountingTaskQueue(kWorkers, [this] { count_connection(); }); };
  // libcurl keeps a connection per caller for every call it makes. An idle
  // one holds its worker, and stop() waits for it, up to this many seconds.
  server_->set_keep_alive_max_count(1'000'000);
  server_->set_keep_alive_timeout(2);
  server_->set_tcp_nodelay(true);  // SSE events go out as they are written
}

FakeServer::~FakeServer() = default;

util::Expected<int, std::string> FakeServer::start(int port) {
  if (!options_.request_log.empty()) {
    log_.open(options_.request_log, std::ios::app | std::ios::binary);
    if (!log_) return unexpected(fmt::format("--request-log {}: cannot open for appending: {}", options_.request_log.string(), std::strerror(errno)));
  }
  int bound = port == 0 ? server_->bind_to_any_port("127.0.0.1") : (server_->bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) return unexpected(fmt::format("cannot listen on 127.0.0.1:{} (is the port in use?)", port));
  raise_listen_backlog(bound);  // a live run at -j 16 connects 16 callers at once
  std::lock_guard lock(mutex_);
  write_stats_file();
  return bound;
}

bool FakeServer::listen() { return server_->listen_after_bind(); }

bool FakeServer::running() const { return server_->is_running(); }

void FakeServer::stop() { server_->stop(); }

Stats FakeServer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void FakeServer::serve(const httplib::Request& req, httplib::Response& res, bool messages_endpoint) {
  std::uint64_t sequence = ++sequence_;
  if (options_.policy.faults.latency.count() > 0) std::this_thread::sleep_for(options_.policy.faults.latency);
  Reply reply = messages_endpoint ? reply_to(options_.policy, req.body)
                                  : error_reply(404, fmt::format("fake: no endpoint {} {}", req.method, req.path));
  res.status = reply.status;
  res.set_header("request-id", fmt::format("req_fake_{}", sequence));
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  record(req, reply, sequence);
  if (!reply.events.empty()) {
    stream_events(std::move(reply.events), res);
  } else {
    res.set_content(reply.body, "application/json");
  }
}

void FakeServer::count_connection() {
  std::lock_guard lock(mutex_);
  ++stats_.connections;
  write_stats_file();
}

void FakeServer::record(const httplib::Request& req, const Reply& reply, std::uint64_t sequence) {
  std::lock_guard lock(mutex_);
  ++stats_.requests;
  switch (reply.outcome) {
    case Outcome::answered: ++stats_.answered; break;
    case Outcome::failed: ++stats_.failed; break;
    case Outcome::unknown: ++stats_.unknown; break;
    case Outcome::invalid: break;
  }
  write_stats_file();
  if (!log_.is_open()) return;
  // Never a header's value: the key only as present or absent.
  Json line = {{"n", sequence},
               {"method", req.method},
               {"path", req.path},
               {"status", reply.status},
               {"outcome", std::string(to_string(reply.outcome))},
               {"fingerprint", reply.fingerprint},
               {"model", reply.model},
               {"stream", reply.stream},
               {"match", reply.match},
               {"source", reply.source},
               {"x_api_key", req.has_header("x-api-key") ? "present" : "absent"},
               {"remote_port", req.remote_port}};
  log_ << line.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n' << std::flush;
}

void FakeServer::write_stats_file() {
  if (options_.stats_file.empty()) return;
  try {
    util::write_file_atomically(options_.stats_file, stats_.to_json().dump() + "\n");
  } catch (const std::exception& error) {
    std::cerr << "reprise-fake-api: --stats-file: " << error.what() << "\n";
  }
}

}  // namespace reprise::test
