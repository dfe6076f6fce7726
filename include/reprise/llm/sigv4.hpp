#pragma once
// AWS Signature Version 4 (header signing), for Bedrock InvokeModel and
// Secrets Manager. Pure: the timestamp is an input, so a signature is a
// function of its arguments and the official test-suite vectors
// (fixtures/sigv4/) pin every step: canonical request, string to sign,
// signature.
//
// Canonicalisation follows the AWS specification:
// - URI: the path as sent on the wire. For every service but S3 it is
//   normalised ("." and ".." segments removed, runs of "/" collapsed) and each
//   segment URI-encoded again, so an encoded byte is double-encoded: the
//   Bedrock model ID "...-v1:0" travels as "...-v1%3A0" and is signed as
//   "...-v1%253A0". S3 (s3_path_rules) signs the path as is, encoded once.
// - Query: names and values decoded, re-encoded, sorted by name then value.
// - Headers: names lowercased, values trimmed with inner runs of spaces
//   collapsed, repeated names joined with ",", sorted; every header given is
//   signed, plus host (from the URL when absent), x-amz-date and, when set,
//   x-amz-security-token and x-amz-content-sha256.
// URI encoding keeps only the unreserved bytes A-Z a-z 0-9 - . _ ~.
//
// The secret access key is used for the signing key only: it is in no
// result, no error message and no log.
#include <chrono>
#include <string>
#include <string_view>

#include "reprise/llm/http.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: long-term credentials, no X-Amz-Security-Token
};

struct SigV4Request {
  std::string method = "POST";
  // "https://host[:port]/path?query", path and query exactly as sent on the
  // wire (already percent-encoded where they need to be).
  std::string url;
  Headers headers;  // signed as given; Authorization and X-Amz-Date here are ignored
  std::string body;
  std::string region;     // "us-east-1"
  std::string service;    // "bedrock", "secretsmanager", ...
  std::string timestamp;  // "YYYYMMDDTHHMMSSZ", UTC: the X-Amz-Date of the request
};

struct SigV4Options {
  // Add and sign x-amz-content-sha256 (the payload's SHA-256): S3 requires it,
  // Bedrock and Secrets Manager do not.
  bool content_sha256_header = false;
  // S3's rules for the canonical URI: no normalisation, no second encoding.
  bool s3_path_rules = false;
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;       // lowercase hex
  std::string signed_headers;  // "host;x-amz-date"
  std::string authorization;   // the Authorization header's value
  // To add to the request as sent: Authorization, X-Amz-Date, then
  // X-Amz-Security-Token and x-amz-content-sha256 when they were signed.
  Headers headers_to_add;
};

// Errors (an empty key id, secret, region or service; a timestamp not of the
// form YYYYMMDDTHHMMSSZ; a URL without scheme://host; a header value with a
// line break) name the field, never a secret.
util::Expected<SigV4Signature, std::string> sign_sigv4(const SigV4Request& request, const AwsCredentials& credentials,
                                                       const SigV4Options& options = {});

// The steps, exposed for tests and for diagnosing a rejected signature.
std::string sigv4_uri_encode(std::string_view bytes);
std::string sigv4_canonical_uri(std::string_view path, bool s3_path_rules = false);
std::string sigv4_canonical_query(std::string_view query);

// A point in time as SigV4 writes it: 20150830T123600Z.
std::string sigv4_timestamp(std::chrono::system_clock::time_point when);

}  // namespace reprise::llm
