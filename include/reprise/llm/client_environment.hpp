#pragma once
// Everything the shared client takes from the environment, read here and
// nowhere else (through util::environment_value, the process's one getenv).
//
// Unset means production behaviour: the public API, no fallback unless AWS
// credentials and a region are present, no call log, prod logging (hashes
// only) unless ENVIRONMENT is exactly "non-prod".
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "reprise/llm/call_log.hpp"
#include "reprise/llm/client.hpp"
#include "reprise/llm/secrets.hpp"
#include "reprise/llm/sigv4.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::llm {

struct ClientEnvironment {
  std::optional<std::string> api_key;  // ANTHROPIC_API_KEY
  std::string api_key_secret_id;       // ANTHROPIC_API_KEY_SECRET_ID: Secrets Manager secret holding the key
  std::string base_url;                // ANTHROPIC_BASE_URL, else the public API
  std::string alert_webhook_url;       // ALERT_WEBHOOK_URL
  AwsCredentials aws;                  // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
  std::string aws_region;              // AWS_REGION, else AWS_DEFAULT_REGION
  std::string bedrock_endpoint;        // AWS_ENDPOINT_URL_BEDROCK_RUNTIME (tests: a loopback fake)
  std::string secrets_endpoint;        // AWS_ENDPOINT_URL_SECRETS_MANAGER
  std::string bedrock_geo = "us";      // BEDROCK_INFERENCE_GEO: prefix of the cross-region inference profiles
  bool log_calls = false;              // EVAL_LOG_LLM_CALLS=1
  std::string call_log_file;           // EVAL_LOG_LLM_CALLS_FILE, else stderr
  std::string environment_name = "prod";  // ENVIRONMENT; only "non-prod" logs payloads
  LogEnvironment log_environment = LogEnvironment::prod;

  bool has_aws_credentials() const { return !aws.access_key_id.empty() && !aws.secret_access_key.empty(); }
};

using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the variables above through `lookup` (tests pass a map).
ClientEnvironment read_client_environment(const EnvironmentLookup& lookup);
ClientEnvironment read_client_environment();  // the process environment

// The call log the environment asks for, or nothing when logging is off. A
// log file that cannot be opened is an error naming the file.
util::Expected<std::optional<CallLog>, std::string> call_log_from(const ClientEnvironment& environment,
                                                                  std::vector<std::string> known_secrets);

// The configuration of a client that makes real calls: URLs checked (https,
// or http only to a loopback address), SDK-default retries, Bedrock fallback
// when AWS credentials and a region are set, the alert webhook, the call log,
// and the API key from `keys` (the process keeps one ApiKeySource, so Secrets
// Manager is asked once). Errors name the variable to fix, never a value.
util::Expected<ClientConfig, std::string> live_client_config(const ClientEnvironment& environment, ApiKeySource& keys);

// The ApiKeySource for this environment: ANTHROPIC_API_KEY, else Secrets
// Manager through `transport` when ANTHROPIC_API_KEY_SECRET_ID and AWS
// credentials are set.
std::unique_ptr<ApiKeySource> api_key_source_for(const ClientEnvironment& environment,
                                                 std::shared_ptr<Transport> transport);

}  // namespace reprise::llm
