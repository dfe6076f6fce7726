#include "reprise/llm/curl_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>

namespace reprise::llm {
namespace {

void global_init_once() {
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// One handle per thread: libcurl handles must not be shared between threads,
// and reusing one keeps its connection cache (keep-alive, TLS sessions).
CURL* thread_handle() {
  thread_local std::unique_ptr<CURL, EasyDeleter> easy;
  if (!easy) easy.reset(curl_easy_init());
  curl_easy_reset(easy.get());
  return easy.get();
}

// What the body callback needs: where the body goes, and the streaming hook
// with the handle it asks for the status (known once the headers are in).
struct BodySink {
  CURL* easy = nullptr;
  std::string* body = nullptr;
  const std::function<void(std::string_view)>* on_chunk = nullptr;
  std::exception_ptr error;  // thrown by on_chunk; rethrown once curl has returned
};

bool is_success_status(CURL* easy) {
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  return status >= 200 && status < 300;
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  std::string_view chunk(data, size * count);
  sink->body->append(chunk);
  if (*sink->on_chunk && is_success_status(sink->easy)) {
    // An exception must not unwind through libcurl's C frames: keep it, and
    // return a short count, which makes curl abort the transfer.
    try {
      (*sink->on_chunk)(chunk);
    } catch (...) {
      sink->error = std::current_exception();
      return 0;
    }
  }
  return chunk.size();
}

// Collects "Name: value" lines; a new status line (after a redirect or a
// 100 Continue) starts the list again, so only the final response's headers remain.
size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    headers->clear();
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * count;
}

HttpResponse failure(CURLcode code, const char* detail) {
  HttpResponse response;
  TransportFailure fail;
  fail.kind = code == CURLE_OPERATION_TIMEDOUT ? TransportFailure::Kind::timeout : TransportFailure::Kind::network;
  fail.message = std::string(curl_easy_strerror(code));
  if (detail[0] != '\0') fail.message += ": " + std::string(detail);
  response.failure = std::move(fail);
  return response;
}

}  // namespace

CurlTransport::CurlTransport(CurlTransportOptions options) : options_(options) { global_init_once(); }

HttpResponse CurlTransport::send(const HttpRequest& request) {
  CURL* easy = thread_handle();
  if (easy == nullptr) return failure(CURLE_FAILED_INIT, "");

  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  auto append = [&header_list](const std::string& line) {
    curl_slist* appended = curl_slist_append(header_list.get(), line.c_str());
    if (appended == nullptr) return false;
    (void)header_list.release();  // appended is the same list, grown (or a new one when it was empty)
    header_list.reset(appended);
    return true;
  };
  for (const auto& [name, value] : request.headers) {
    if (!append(name + ": " + value)) return failure(CURLE_OUT_OF_MEMORY, "");
  }
  // libcurl adds "Expect: 100-continue" to large POSTs; the API does not need the extra round trip.
  if (!append("Expect:")) return failure(CURLE_OUT_OF_MEMORY, "");

  HttpResponse response;
  char error_text[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  auto total = options_.total_timeout;
  // At least 1 ms: 0 would mean no limit at all.
  if (request.timeout) total = std::max(std::chrono::milliseconds(1), std::min(total, *request.timeout));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: required with threads
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_body);
  BodySink body_sink{easy, &response.body, &request.on_body_chunk, nullptr};
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body_sink);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &response.headers);

  CURLcode code = curl_easy_perform(easy);
  // The handle outlives this call; it must not point at our locals afterwards.
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
  if (body_sink.error) std::rethrow_exception(body_sink.error);
  if (code != CURLE_OK) return failure(code, error_text);

  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace reprise::llm
