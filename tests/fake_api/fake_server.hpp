#pragma once
// reprise-fake-api's server: a loopback fake of the Anthropic Messages API
// that answers from an AnswerBook, for end-to-end tests of the real binaries
// (`reprise-eval --live` with ANTHROPIC_BASE_URL pointing here). Unlike the
// in-process FakeApi (fake_api.hpp), which plays a script, it answers each
// request by what the request is, so any number of callers in any order get
// their recorded answers.
//
// Endpoints:
//   POST /v1/messages  the answer (JSON, or SSE for `stream: true`), an
//                      injected failure, or an error; every reply has
//                      `request-id: req_fake_<n>`
//   GET /_fake/stats   the counters as JSON (not counted as a request)
//   anything else      404 with the API's not_found_error body
//
// Counters: `connections` is every TCP connection accepted (stats reads
// included); `requests` every request but stats reads; of those, `answered`
// got a recorded answer, `failed` an injected failure, `unknown` no recorded
// answer (a 400, or the generic answer with --unknown=generic). The rest were
// malformed or for another path.
//
// The --fail-rate rule, so a test can predict which requests fail: let h be
// the first 8 hex digits, as a number, of sha256("<fingerprint>:<seed>"); the
// request fails when h % 1000 < round(rate * 1000). The same request always
// gets the same fate.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fake_api/answer_book.hpp"
#include "fake_api/fake_api.hpp"
#include "reprise/util/expected.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace reprise::test {

struct FaultOptions {
  std::chrono::milliseconds latency{0};  // before answering any request
  double fail_rate = 0;                  // 0..1, see the rule above
  int fail_status = 529;
  std::uint64_t seed = 0;
  std::string fail_match;                // non-empty: fail every request whose body contains it
  bool no_retry_header = false;          // send `x-should-retry: false` with injected failures
};

bool fails_by_rate(const std::string& fingerprint, double rate, std::uint64_t seed);

enum class Outcome { answered, failed, unknown, invalid };
std::string_view to_string(Outcome outcome);

// What the fake sends back for one request, and what it learnt about it.
struct Reply {
  int status = 200;
  FakeHeaders headers;
  std::string body;                 // JSON; empty when `events` is used
  std::vector<std::string> events;  // a streamed answer's SSE events
  Outcome outcome = Outcome::answered;
  std::string fingerprint;
  std::string model;
  std::string match;   // exact, messages, generic; empty when not answered
  std::string source;  // where the answer came from
  bool stream = false;
};

// The API's error reply for `status`: its error type (529 overloaded_error,
// 429 rate_limit_error with retry-after, 500 api_error, 400
// invalid_request_error, ...) in {"type":"error","error":{...}}.
Reply error_reply(int status, const std::string& message, bool no_retry_header = false);

struct AnswerPolicy {
  const AnswerBook* book = nullptr;
  FaultOptions faults;
  bool generic_unknown = false;  // --unknown=generic: answer requests the book does not know
};

// The reply to a POST /v1/messages body. Pure: no sleeping, no I/O.
Reply reply_to(const AnswerPolicy& policy, std::string_view raw_body);

struct Stats {
  std::uint64_t connections = 0, requests = 0, answered = 0, failed = 0, unknown = 0;
  Json to_json() const;
};

struct ServerOptions {
  AnswerPolicy policy;
  std::filesystem::path stats_file;   // empty: none; else rewritten atomically on each connection and request
  std::filesystem::path request_log;  // empty: none; else one JSON line appended per request
};

class FakeServer {
 public:
  explicit FakeServer(ServerOptions options);
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // Opens the request log, binds 127.0.0.1:`port` (0: the kernel picks) and
  // writes the first stats file. Returns the bound port, or why it could not.
  util::Expected<int, std::string> start(int port);
  // Serves until stop(), which may be called from another thread.
  bool listen();
  bool running() const;  // listen() has begun accepting
  void stop();
  Stats stats() const;

 private:
  void serve(const httplib::Request& req, httplib::Response& res, bool messages_endpoint);
  void count_connection();
  void record(const httplib::Request& req, const Reply& reply, std::uint64_t sequence);
  void write_stats_file();  // with mutex_ held

  ServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::atomic<std::uint64_t> sequence_{0};
  mutable std::mutex mutex_;
  Stats stats_;
  std::ofstream log_;
};

}  // namespace reprise::test
