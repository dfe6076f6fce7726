#pragma once
// A raw HTTP request as the AWS Signature Version 4 test suite writes it
// (fixtures/sigv4/<name>/<name>.req) -> SigV4Request. Shared by the suite's
// unit test (tests/unit/llm_test.cpp) and the SigV4 fuzz target
// (fuzz/sigv4.cpp), so both read a request the same way.
#include <stdexcept>
#include <string>
#include <vector>

#include "reprise/llm/sigv4.hpp"
#include "reprise/util/text.hpp"

namespace reprise::test {

// The lines of `text`, each without its LF or CR LF.
inline std::vector<std::string> suite_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// A raw HTTP request of the suite (std::invalid_argument when it is not one):
// "METHOD target HTTP/1.1", header lines "Name:value", a blank line, the body. The target may hold a space
// (get-space), so it runs from the first space to the last. A line starting
// with whitespace continues the previous header and, as the suite's expected
// canonical request shows (get-header-value-multiline), is one more value of
// it. X-Amz-Date is the signing time; Host names the URL's host.
inline llm::SigV4Request parse_suite_request(const std::string& raw) {
  auto lines = suite_lines(raw);
  const std::string& request_line = lines.at(0);
  auto first_space = request_line.find(' '), last_space = request_line.rfind(' ');
  if (first_space == std::string::npos || last_space <= first_space) throw std::invalid_argument("bad request line: " + request_line);
  llm::SigV4Request request;
  request.method = request_line.substr(0, first_space);
  std::string target = request_line.substr(first_space + 1, last_space - first_space - 1);
  std::size_t at = 1;
  std::string host;
  for (; at < lines.size() && !lines[at].empty(); ++at) {
    const std::string& line = lines[at];
    if (line.front() == ' ' || line.front() == '\t') {
      if (request.headers.empty()) throw std::invalid_argument("continuation line without a header: " + line);
      request.headers.emplace_back(request.headers.back().first, line);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) throw std::invalid_argument("header line without ':': " + line);
    std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    std::string lower = util::to_lower_ascii(name);
    if (lower == "x-amz-date") {
      request.timestamp = value;
      continue;  // the signer writes X-Amz-Date from the timestamp
    }
    if (lower == "host") host = value;
    request.headers.emplace_back(name, value);
  }
  for (std::size_t body = at + 1; body < lines.size(); ++body) {
    request.body += (body > at + 1 ? "\n" : "") + lines[body];
  }
  if (host.empty() || request.timestamp.empty()) throw std::invalid_argument("request without Host or X-Amz-Date");
  request.url = "https://" + host + target;
  return request;
}

}  // namespace reprise::test
