#include "fake_api/fake_api.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>

namespace reprise::test {
namespace {

// Writes the chunks as they are, chunk_delay apart, from httplib's worker
// thread. Returning false from the provider makes httplib close the
// connection without the terminating zero-length chunk: a stream cut in transit.
void serve_sse(ScriptedResponse scripted, httplib::Response& res) {
  bool cut = scripted.drop || scripted.truncate;
  auto chunks = std::make_shared<std::vector<std::string>>(std::move(scripted.sse_chunks));
  std::size_t count = cut ? chunks->size() / 2 : chunks->size();
  auto next = std::make_shared<std::size_t>(0);
  auto delay = scripted.chunk_delay;
  res.set_chunked_content_provider("text/event-stream", [chunks, count, next, delay, cut](std::size_t, httplib::DataSink& sink) {
    if (*next < count) {
      if (*next > 0 && delay.count() > 0) std::this_thread::sleep_for(delay);
      const std::string& chunk = (*chunks)[(*next)++];
      return sink.write(chunk.data(), chunk.size());
    }
    if (cut) return false;
    sink.done();
    return true;
  });
}

// httplib's listen loop enqueues one task per accepted socket, and nothing
// else: counting the tasks counts the connections.
class CountingThreadPool final : public httplib::ThreadPool {
 public:
  CountingThreadPool(std::size_t threads, std::atomic<int>& accepted) : httplib::ThreadPool(threads), accepted_(accepted) {}
  void enqueue(std::function<void()> task) override {
    ++accepted_;
    httplib::ThreadPool::enqueue(std::move(task));
  }

 private:
  std::atomic<int>& accepted_;
};

struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

// A P-256 key and a certificate for IP 127.0.0.1, valid for an hour, signed by that key.
std::pair<std::unique_ptr<X509, X509Deleter>, std::unique_ptr<EVP_PKEY, KeyDeleter>> self_signed_certificate() {
  std::unique_ptr<EVP_PKEY, KeyDeleter> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, X509Deleter> cert(X509_new());
  if (!key || !cert) throw std::runtime_error("SelfSignedTlsServer: cannot make a key");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // The right name for the host, so the only fault is the issuer nobody trusts.
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* alt_name = X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, "IP:127.0.0.1");
  if (alt_name == nullptr) throw std::runtime_error("SelfSignedTlsServer: cannot add subjectAltName");
  X509_add_ext(cert.get(), alt_name, -1);
  X509_EXTENSION_free(alt_name);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) throw std::runtime_error("SelfSignedTlsServer: cannot sign");
  return {std::move(cert), std::move(key)};
}

// Binds `server` to a free loopback port with a deep accept queue, serves it
// on `thread` and returns once it accepts; the port, or an exception naming `who`.
int serve_on_loopback(httplib::Server& server, std::thread& thread, const char* who) {
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) throw std::runtime_error(std::string(who) + ": cannot bind a loopback port");
  raise_listen_backlog(port);
  thread = std::thread([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return port;
}

void stop_serving(httplib::Server& server, std::thread& thread) {
  server.stop();
  if (thread.joinable()) thread.join();
}

}  // namespace

SelfSignedTlsServer::SelfSignedTlsServer(std::string body) {
  auto [cert, key] = self_signed_certificate();
  auto server = std::make_unique<httplib::SSLServer>(cert.get(), key.get());  // takes its own references
  if (!server->is_valid()) throw std::runtime_error("SelfSignedTlsServer: httplib refused the certificate");
  server->Post(".*", [this, body = std::move(body)](const httplib::Request&, httplib::Response& res) {
    ++answered_;
    res.set_content(body, "application/json");
  });
  server->set_keep_alive_timeout(1);
  server_ = std::move(server);
  port_ = serve_on_loopback(*server_, thread_, "SelfSignedTlsServer");
}

SelfSignedTlsServer::~SelfSignedTlsServer() { stop_serving(*server_, thread_); }

std::string SelfSignedTlsServer::base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }

int SelfSignedTlsServer::post_without_verification(const std::string& path) const {
  httplib::SSLClient client("127.0.0.1", port_);
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(2);
  auto result = client.Post(path.c_str(), "{}", "application/json");
  return result ? result->status : 0;
}

ScriptedResponse::ScriptedResponse(int code, FakeHeaders with_headers, std::string with_body, std::chrono::milliseconds wait,
                                   bool drop_body, bool truncate_body)
    : status(code), headers(std::move(with_headers)), body(std::move(with_body)), delay(wait), drop(drop_body),
      truncate(truncate_body) {}

ScriptedResponse ScriptedResponse::sse(std::vector<std::string> chunks, std::chrono::milliseconds delay_between) {
  ScriptedResponse response;
  response.sse_chunks = std::move(chunks);
  response.chunk_delay = delay_between;
  return response;
}

std::string api_error_body(const std::string& type, const std::string& message) {
  return nlohmann::json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}.dump();
}

std::string sample_message_body() { return api_fixture("message_text.json"); }

std::string api_fixture(const std::string& name) {
  std::ifstream in(std::string(REPRISE_SOURCE_DIR) + "/fixtures/api/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("fixtures/api/" + name + " is missing");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> split_at_offsets(const std::string& text, std::size_t pieces, unsigned seed) {
  // mt19937's sequence is fixed by the standard, so the cuts are the same everywhere.
  std::mt19937 engine(seed);
  std::vector<std::size_t> cuts;
  while (text.size() > 1 && cuts.size() + 1 < std::min(pieces, text.size())) {
    std::size_t cut = 1 + engine() % (text.size() - 1);
    if (std::find(cuts.begin(), cuts.end(), cut) == cuts.end()) cuts.push_back(cut);
  }
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    parts.push_back(text.substr(from, cut - from));
    from = cut;
  }
  parts.push_back(text.substr(from));
  return parts;
}

std::vector<std::string> sse_fixture_chunks(const std::string& name, std::size_t pieces, unsigned seed) {
  return split_at_offsets(api_fixture(name), pieces, seed);
}

FakeApi::FakeApi() : server_(std::make_unique<httplib::Server>()) {
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    if (std::lock_guard lock(mutex_); recording_) {
      RecordedRequest recorded{req.method, req.path, {}, req.body, req.remote_port};
      for (const auto& [name, value] : req.headers) recorded.headers.emplace_back(name, value);
      requests_.push_back(std::move(recorded));
    }
    ScriptedResponse scripted = next();
    if (scripted.delay.count() > 0) std::this_thread::sleep_for(scripted.delay);
    res.status = scripted.status;
    for (const auto& [name, value] : scripted.headers) res.set_header(name, value);
    if (!scripted.sse_chunks.empty()) return serve_sse(std::move(scripted), res);
    if (scripted.drop || scripted.truncate) {
      std::size_t sent = scripted.drop ? 0 : scripted.body.size() / 2;
      auto body = std::make_shared<std::string>(std::move(scripted.body));
      // Returning false after writing part of the promised length makes httplib close the connection.
      res.set_content_provider(body->size() + 1, "application/json",
                               [body, sent](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 if (offset == 0 && sent > 0) sink.write(body->data(), sent);
                                 return false;
                               });
      return;
    }
    res.set_content(scripted.body, "application/json");
  });
  // stop() waits for idle keep-alive connections to time out (libcurl keeps
  // them open for reuse); httplib's default of 5 s would make each test that long.
  server_->set_keep_alive_timeout(1);
  // Each open connection holds a worker; 32 serve the benchmark's 16 callers
  // with room to spare. libcurl reuses a connection for a thread's every call.
  server_->new_task_queue = [this] { return new CountingThreadPool(32, accepted_); };
  server_->set_keep_alive_max_count(1'000'000);
  // httplib writes the headers and the body separately; with Nagle's
  // algorithm on, the body waits for the client's delayed ACK (~40 ms a call).
  server_->set_tcp_nodelay(true);
  port_ = serve_on_loopback(*server_, thread_, "FakeApi");
}

FakeApi::~FakeApi() { stop_serving(*server_, thread_); }

std::string FakeApi::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeApi::push(ScriptedResponse response) {
  std::lock_guard lock(mutex_);
  script_.push_back(std::move(response));
}

void FakeApi::set_default(ScriptedResponse response) {
  std::lock_guard lock(mutex_);
  default_ = std::move(response);
}

void FakeApi::set_recording(bool on) {
  std::lock_guard lock(mutex_);
  recording_ = on;
}

std::vector<RecordedRequest> FakeApi::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

ScriptedResponse FakeApi::next() {
  std::lock_guard lock(mutex_);
  if (script_.empty() && default_) return *default_;
  if (script_.empty()) return {500, {}, api_error_body("api_error", "FakeApi: no scripted response left"), {}, false, false};
  ScriptedResponse front = std::move(script_.front());
  script_.pop_front();
  return front;
}

bool raise_listen_backlog(int port, int backlog) {
  rlimit limit{};
  int highest = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? static_cast<int>(std::min<rlim_t>(limit.rlim_cur, 65536)) : 1024;
  for (int fd = 0; fd < highest; ++fd) {
    int listening = 0;
    socklen_t size = sizeof(listening);
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || listening == 0) continue;
    sockaddr_in address{};
    socklen_t length = sizeof(address);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 || address.sin_family != AF_INET) continue;
    if (ntohs(address.sin_port) != port) continue;
    return ::listen(fd, backlog) == 0;
  }
  return false;
}

}  // namespace reprise::test
