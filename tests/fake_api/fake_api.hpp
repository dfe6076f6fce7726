#pragma once
// A loopback fake of the Anthropic Messages API, for tests that drive the
// real CurlTransport over real sockets.
//
// It listens on 127.0.0.1 on a port the kernel picks, serves from a
// background thread, and stops in its destructor. Every request it receives
// is recorded. Each request takes the next ScriptedResponse from the queue;
// with the queue empty it answers the default set by set_default() or, when
// none is set, 500 with the API's error body, so a test that sends more
// requests than it scripted fails visibly.
//
// It serves up to 32 connections at once, each kept alive for as many
// requests as the client sends (cpp-httplib's defaults are 8 worker threads,
// each held by one open connection, and 5 requests per connection), and
// counts the connections it has accepted, so a test can tell a reused
// connection from a new one.
//
// Limitation: cpp-httplib writes the status line and headers before any body
// callback runs and offers no access to the socket, so `drop` closes the
// connection after the headers with none of the promised body: the client
// sees an answer that ends early, not a refused or reset connection.
//
// A scripted answer can also be a server-sent event stream, as the API sends
// for `stream: true`: `text/event-stream` in chunked transfer encoding, one
// HTTP chunk per entry of `sse_chunks`, written as given (an entry may end
// mid-event) with `chunk_delay` between them, so a test can watch the client
// take the events while the rest are still on their way.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace httplib {
class Server;
}

namespace reprise::test {

using FakeHeaders = std::vector<std::pair<std::string, std::string>>;

struct ScriptedResponse {
  // Positional, as the tests write them: {status, headers, body, delay, drop, truncate}.
  // A constructor rather than an aggregate so the SSE fields below need not be spelled out.
  ScriptedResponse() = default;
  ScriptedResponse(int code, FakeHeaders with_headers, std::string with_body, std::chrono::milliseconds wait = {},
                   bool drop_body = false, bool truncate_body = false);
  // A 200 streaming `chunks` (see above).
  static ScriptedResponse sse(std::vector<std::string> chunks, std::chrono::milliseconds delay_between = {});

  int status = 200;
  FakeHeaders headers;  // retry-after, retry-after-ms, x-should-retry, request-id, ...
  std::string body;
  std::chrono::milliseconds delay{0};  // before answering
  bool drop = false;                   // close without sending the body (see the limitation above)
  bool truncate = false;               // Content-Length of the whole body, half of it sent, then close
  // Non-empty: answer with these as an SSE stream instead of `body`. With
  // `drop` or `truncate`, only the first half of the chunks is sent, then the
  // connection closes without the chunked body's terminating chunk.
  std::vector<std::string> sse_chunks;
  std::chrono::milliseconds chunk_delay{0};  // before each chunk after the first
};

struct RecordedRequest {
  std::string method;
  std::string path;
  FakeHeaders headers;
  std::string body;
  int remote_port = 0;  // the client's port: equal on two requests when the connection was reused
};

// The API's error body: {"type":"error","error":{"type":...,"message":...}}.
std::string api_error_body(const std::string& type, const std::string& message);

// Debian's cpp-httplib (a compiled library, 0.11) listens with a backlog of 5
// and does not expose its socket: 16 callers connecting at once (a live run
// at -j 16) would see SYNs dropped and wait a second to retry. This finds the
// process's listening TCP socket bound to 127.0.0.1:`port` and listens on it
// again with `backlog` (Linux applies the new value). True when found.
bool raise_listen_backlog(int port, int backlog = 128);
// A realistic Messages API success body from fixtures/api/.
std::string sample_message_body();
// The text of fixtures/api/<name>; throws when it is missing.
std::string api_fixture(const std::string& name);
// `text` cut into `pieces` non-empty parts at offsets drawn from `seed`
// (deterministic, not evenly spaced: cuts land mid-line, mid-field, between
// CR and LF). Fewer parts when the text is shorter than `pieces`.
std::vector<std::string> split_at_offsets(const std::string& text, std::size_t pieces, unsigned seed = 1);
// An SSE transcript from fixtures/api/, ready for ScriptedResponse::sse.
std::vector<std::string> sse_fixture_chunks(const std::string& name, std::size_t pieces, unsigned seed = 1);

class FakeApi {
 public:
  FakeApi();
  ~FakeApi();
  FakeApi(const FakeApi&) = delete;
  FakeApi& operator=(const FakeApi&) = delete;

  std::string base_url() const;  // http://127.0.0.1:<port>
  void push(ScriptedResponse response);
  // Answered, as often as asked, whenever the queue is empty (benchmarks).
  void set_default(ScriptedResponse response);
  // Off: requests are no longer recorded (a benchmark sends too many to keep).
  void set_recording(bool on);
  std::vector<RecordedRequest> requests() const;
  // TCP connections accepted since the fake started (one per connect(), kept
  // alive or not). Counted as httplib hands each accepted socket to a worker.
  int accepted_connections() const { return accepted_.load(); }

 private:
  ScriptedResponse next();

  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::deque<ScriptedResponse> script_;
  std::optional<ScriptedResponse> default_;
  bool recording_ = true;
  std::vector<RecordedRequest> requests_;
  std::atomic<int> accepted_{0};
};

// A loopback HTTPS server whose certificate (for IP 127.0.0.1, valid now) is
// self-signed, made at start-up: what a client that verifies TLS must refuse.
// It answers every POST with 200 and `body`.
class SelfSignedTlsServer {
 public:
  explicit SelfSignedTlsServer(std::string body);
  ~SelfSignedTlsServer();
  SelfSignedTlsServer(const SelfSignedTlsServer&) = delete;
  SelfSignedTlsServer& operator=(const SelfSignedTlsServer&) = delete;

  std::string base_url() const;  // https://127.0.0.1:<port>
  int requests_answered() const { return answered_.load(); }
  // POSTs to `path` with certificate verification off and returns the HTTP
  // status (0: no answer): shows the server itself works.
  int post_without_verification(const std::string& path) const;

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> answered_{0};
};

}  // namespace reprise::test
