#pragma once
// A loopback fake of the Anthropic Messages API, for tests that drive the
// real CurlTransport over real sockets.
//
// It listens on 127.0.0.1 on a port the kernel picks, serves from a
// background thread, and stops in its destructor. Every request it receives
// is recorded. Each request takes the next ScriptedResponse from the queue;
// with the queue empty it answers 500 with the API's error body, so a test
// that sends more requests than it scripted fails visibly.
//
// Limitation: cpp-httplib writes the status line and headers before any body
// callback runs and offers no access to the socket, so `drop` closes the
// connection after the headers with none of the promised body: the client
// sees an answer that ends early, not a refused or reset connection.
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
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
  int status = 200;
  FakeHeaders headers;  // retry-after, retry-after-ms, x-should-retry, request-id, ...
  std::string body;
  std::chrono::milliseconds delay{0};  // before answering
  bool drop = false;                   // close without sending the body (see the limitation above)
  bool truncate = false;               // Content-Length of the whole body, half of it sent, then close
};

struct RecordedRequest {
  std::string method;
  std::string path;
  FakeHeaders headers;
  std::string body;
};

// The API's error body: {"type":"error","error":{"type":...,"message":...}}.
std::string api_error_body(const std::string& type, const std::string& message);
// A realistic Messages API success body from fixtures/api/.
std::string sample_message_body();

class FakeApi {
 public:
  FakeApi();
  ~FakeApi();
  FakeApi(const FakeApi&) = delete;
  FakeApi& operator=(const FakeApi&) = delete;

  std::string base_url() const;  // http://127.0.0.1:<port>
  void push(ScriptedResponse response);
  std::vector<RecordedRequest> requests() const;

 private:
  ScriptedResponse next();

  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::deque<ScriptedResponse> script_;
  std::vector<RecordedRequest> requests_;
};

}  // namespace reprise::test
