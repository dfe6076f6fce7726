#include "fake_api/fake_api.hpp"

#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace reprise::test {

std::string api_error_body(const std::string& type, const std::string& message) {
  return nlohmann::json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}.dump();
}

std::string sample_message_body() {
  std::ifstream in(std::string(REPRISE_SOURCE_DIR) + "/fixtures/api/message_text.json", std::ios::binary);
  if (!in) throw std::runtime_error("fixtures/api/message_text.json is missing");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

FakeApi::FakeApi() : server_(std::make_unique<httplib::Server>()) {
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    {
      RecordedRequest recorded{req.method, req.path, {}, req.body};
      for (const auto& [name, value] : req.headers) recorded.headers.emplace_back(name, value);
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(recorded));
    }
    ScriptedResponse scripted = next();
    if (scripted.delay.count() > 0) std::this_thread::sleep_for(scripted.delay);
    res.status = scripted.status;
    for (const auto& [name, value] : scripted.headers) res.set_header(name, value);
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
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("FakeApi: cannot bind a loopback port");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeApi::~FakeApi() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeApi::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeApi::push(ScriptedResponse response) {
  std::lock_guard lock(mutex_);
  script_.push_back(std::move(response));
}

std::vector<RecordedRequest> FakeApi::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

ScriptedResponse FakeApi::next() {
  std::lock_guard lock(mutex_);
  if (script_.empty()) return {500, {}, api_error_body("api_error", "FakeApi: no scripted response left"), {}, false, false};
  ScriptedResponse front = std::move(script_.front());
  script_.pop_front();
  return front;
}

}  // namespace reprise::test
