#pragma once
// The live Transport: one HTTPS request per send(), over libcurl.
//
// Contract:
// - TLS peer and host verification are always on; there is no switch to turn
//   them off, because a client that can skip verification eventually will.
// - Connections are reused: each thread keeps one CURL easy handle
//   (thread_local), so concurrent send() calls from several threads are safe
//   and a thread's calls share its connection cache. curl_global_init runs once.
// - libcurl's default proxy handling (https_proxy, no_proxy, ...) is left on.
// - The total timeout is the smaller of CurlTransportOptions::total_timeout
//   and HttpRequest::timeout (what is left of the call's deadline).
// - A timeout (connect or total) is TransportFailure::Kind::timeout; every
//   other curl failure is Kind::network with curl's error text. Request headers
//   never appear in a failure message: they hold the x-api-key.
// - HttpRequest::on_body_chunk runs on the calling thread, inside the
//   transfer, for each piece of a 2xx body as libcurl receives it. An
//   exception it throws aborts the transfer and is rethrown from send().
// - Which URLs are acceptable is checked where the client config is validated
//   (validate_base_url), not here.
#include <chrono>

#include "reprise/llm/http.hpp"

namespace reprise::llm {

struct CurlTransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{600'000};  // long completions take minutes
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlTransportOptions options = {});

  HttpResponse send(const HttpRequest& request) override;

 private:
  CurlTransportOptions options_;
};

}  // namespace reprise::llm
