// Fuzz target: the SigV4 canonicaliser and signer (llm::sign_sigv4), on a
// request written as the AWS test suite writes one (fixtures/sigv4/*/*.req),
// read by the suite's own reader (tests/sigv4_suite_request.hpp); an input
// that reader refuses is not a request and is skipped.
//
// Properties: nothing throws; signing is a function of the request (twice,
// the same signature); a signature is 64 lowercase hex digits and the
// Authorization header names what was signed; the secret key appears in no
// result and no error (unless the request itself holds it: the fuzzer learns
// the key from the comparisons and writes it into a header or the path).
#include <string>

#include "fuzz_target.hpp"
#include "reprise/llm/sigv4.hpp"
#include "sigv4_suite_request.hpp"

namespace {

using reprise::fuzz::require;
namespace llm = reprise::llm;

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

bool is_lower_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = reprise::fuzz::as_text(data, size);
  llm::SigV4Request request;
  try {
    request = reprise::test::parse_suite_request(std::string(text));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  request.region = "us-east-1";
  request.service = "service";
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
