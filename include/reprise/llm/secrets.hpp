#pragma once
// The Anthropic API key: ANTHROPIC_API_KEY, else AWS Secrets Manager.
//
// Secrets Manager is called once per process (GetSecretValue, AWS JSON 1.1
// protocol, signed by the same SigV4 signer as Bedrock) and the key is kept
// in memory by ApiKeySource. Whoever reads the environment builds the one
// process-wide ApiKeySource; nothing here reads getenv.
//
// No key, secret value or secret access key appears in any error message of
// this file: errors name the secret id, the HTTP status, the AWS error type
// and AWS's own message, never a body that could hold the secret.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "reprise/llm/http.hpp"
#include "reprise/llm/sigv4.hpp"
#include "reprise/llm/wall_clock.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

inline constexpr const char* kSecretsManagerSigningService = "secretsmanager";
inline constexpr const char* kGetSecretValueTarget = "secretsmanager.GetSecretValue";

struct SecretsManagerConfig {
  std::string region;          // "us-east-1"
  std::string endpoint;        // empty: https://secretsmanager.<region>.amazonaws.com
  AwsCredentials credentials;  // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
  std::string secret_id;       // the secret's name or ARN
};

// "https://secretsmanager.<region>.amazonaws.com"
std::string secrets_manager_default_endpoint(std::string_view region);

// GetSecretValue: POST / with X-Amz-Target secretsmanager.GetSecretValue,
// Content-Type application/x-amz-json-1.1 and {"SecretId": ...}, signed for
// the service "secretsmanager"; returns the answer's SecretString. A secret
// stored as SecretBinary is an error.
util::Expected<std::string, std::string> fetch_secret_string(Transport& transport, const SecretsManagerConfig& config,
                                                             const WallClock& now);

// The API key inside a secret: either the raw key (one line, printable, no
// spaces or quotes; surrounding whitespace is trimmed) or a JSON object
// holding it as a non-empty string in "ANTHROPIC_API_KEY", else "api_key",
// else "apiKey". Anything else is an error that does not echo the secret
// (it may list the JSON object's field names, never their values).
util::Expected<std::string, std::string> api_key_from_secret_string(std::string_view secret);

// The key, from the environment or fetched once from Secrets Manager.
//
// get() returns the environment key when there is one (an empty value counts
// as unset). Otherwise the first get() fetches the secret; calls made while
// that fetch is under way wait for it and share its result, so concurrent
// first calls send one request. A success is kept for the object's lifetime.
// A failure is not kept: the calls that waited for it receive it, and the
// next call after it tries Secrets Manager again (one at a time, same rule).
class ApiKeySource {
 public:
  // transport is used only when secrets is set; it must outlive the fetch.
  explicit ApiKeySource(std::optional<std::string> environment_key,
                        std::optional<SecretsManagerConfig> secrets = std::nullopt,
                        std::shared_ptr<Transport> transport = nullptr,
                        WallClock now = std::chrono::system_clock::now);

  util::Expected<std::string, std::string> get();

 private:
  util::Expected<std::string, std::string> fetch() const;

  std::optional<std::string> environment_key_;
  std::optional<SecretsManagerConfig> secrets_;
  std::shared_ptr<Transport> transport_;
  WallClock now_;

  std::mutex mutex_;
  std::condition_variable fetched_;
  std::optional<std::string> cached_;    // the key, once a fetch succeeded
  bool fetching_ = false;
  std::uint64_t fetches_done_ = 0;       // lets a waiter tell its fetch's failure from an older one
  std::string last_failure_;
};

}  // namespace reprise::llm
