// Fuzz target: the SigV4 canonicaliser and signer (llm::sign_sigv4), on a
// request written as the AWS test suite writes one (fixtures/sigv4/*/*.req):
//
//   METHOD /path?query HTTP/1.1
//   Name:value            (a line starting with a space or tab continues the value)
//   ...
//                         (a blank line)
//   body
//
// Properties: nothing throws; signing is a function of the request (twice,
// the same signature); a signature is 64 lowercase hex digits and the
// Authorization header names what was signed; the secret key appears in no
// result and no error (unless the request itself holds it: the fuzzer learns
// the key from the comparisons and writes it into a header or the path).
#include <string>

#include "fuzz_target.hpp"
#include "reprise/llm/sigv4.hpp"

namespace {

using reprise::fuzz::require;
namespace llm = reprise::llm;

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::string_view next_line(std::string_view& text) {
  const auto end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

llm::SigV4Request request_from(std::string_view text) {
  llm::SigV4Request request;
  request.region = "us-east-1";
  request.service = "service";
  request.timestamp = "20150830T123600Z";
  const std::string_view request_line = next_line(text);
  const auto space = request_line.find(' ');
  request.method = std::string(request_line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? "/" : request_line.substr(space + 1);
  if (const auto version = target.rfind(" HTTP/"); version != std::string_view::npos) target = target.substr(0, version);
  std::string host = "example.amazonaws.com";
  while (!text.empty()) {
    const std::string_view line = next_line(text);
    if (line.empty()) break;
    if ((line.front() == ' ' || line.front() == '\t') && !request.headers.empty()) {
      request.headers.back().second += "\n" + std::string(line);
      continue;
    }
    const auto colon = line.find(':');
    request.headers.emplace_back(std::string(line.substr(0, colon)),
                                 colon == std::string_view::npos ? "" : std::string(line.substr(colon + 1)));
    if (llm::same_header_name(request.headers.back().first, "host")) host = request.headers.back().second;
  }
  request.url = "https://" + host + std::string(target);
  request.body = std::string(text);
  return request;
}

bool is_lower_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = reprise::fuzz::as_text(data, size);
  const llm::SigV4Request request = request_from(text);
  const bool request_holds_secret = text.find(kSecret) != std::string_view::npos;
  const llm::AwsCredentials credentials{"AKIDEXAMPLE", kSecret, size % 2 ? "session-token-fuzz" : ""};
  const llm::SigV4Options options{.content_sha256_header = size % 3 == 0, .s3_path_rules = size % 5 == 0};
  const auto signature = llm::sign_sigv4(request, credentials, options);
  if (!signature) {
    require(request_holds_secret || signature.error().find(kSecret) == std::string::npos, "an error never holds the secret key");
    return 0;
  }
  const auto again = llm::sign_sigv4(request, credentials, options);
  require(again.has_value() && again->signature == signature->signature, "signing is a function of the request");
  require(signature->signature.size() == 64 && is_lower_hex(signature->signature), "a signature is 64 lowercase hex digits");
  require(signature->authorization.find("SignedHeaders=" + signature->signed_headers + ",") != std::string::npos,
          "Authorization names the signed headers");
  for (const auto* result : {&signature->canonical_request, &signature->string_to_sign, &signature->authorization}) {
    require(request_holds_secret || result->find(kSecret) == std::string::npos, "no result holds the secret key");
  }
  (void)llm::sigv4_canonical_uri(request.url);
  (void)llm::sigv4_canonical_query(request.body);
  return 0;
}
