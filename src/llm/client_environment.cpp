#include "reprise/llm/client_environment.hpp"

#include <fmt/format.h>

#include "reprise/llm/base_url.hpp"
#include "reprise/util/environment.hpp"

namespace reprise::llm {
namespace {

using util::unexpected;

// An empty value counts as unset: `VAR= command` is how people unset a variable for one run.
std::string value_of(const EnvironmentLookup& lookup, std::string_view name) {
  return lookup(name).value_or("");
}

}  // namespace

ClientEnvironment read_client_environment(const EnvironmentLookup& lookup) {
  ClientEnvironment environment;
  if (std::string key = value_of(lookup, "ANTHROPIC_API_KEY"); !key.empty()) environment.api_key = key;
  environment.api_key_secret_id = value_of(lookup, "ANTHROPIC_API_KEY_SECRET_ID");
  environment.base_url = value_of(lookup, "ANTHROPIC_BASE_URL");
  if (environment.base_url.empty()) environment.base_url = kAnthropicDefaultBaseUrl;
  environment.alert_webhook_url = value_of(lookup, "ALERT_WEBHOOK_URL");
  environment.aws.access_key_id = value_of(lookup, "AWS_ACCESS_KEY_ID");
  environment.aws.secret_access_key = value_of(lookup, "AWS_SECRET_ACCESS_KEY");
  environment.aws.session_token = value_of(lookup, "AWS_SESSION_TOKEN");
  environment.aws_region = value_of(lookup, "AWS_REGION");
  if (environment.aws_region.empty()) environment.aws_region = value_of(lookup, "AWS_DEFAULT_REGION");
  environment.bedrock_endpoint = value_of(lookup, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
  environment.secrets_endpoint = value_of(lookup, "AWS_ENDPOINT_URL_SECRETS_MANAGER");
  if (std::string geo = value_of(lookup, "BEDROCK_INFERENCE_GEO"); !geo.empty()) environment.bedrock_geo = geo;
  environment.log_calls = value_of(lookup, "EVAL_LOG_LLM_CALLS") == "1";
  environment.call_log_file = value_of(lookup, "EVAL_LOG_LLM_CALLS_FILE");
  auto name = lookup("ENVIRONMENT");
  environment.log_environment = log_environment_from(name);
  environment.environment_name = std::string(to_string(environment.log_environment));
  return environment;
}

ClientEnvironment read_client_environment() { return read_client_environment(util::environment_value); }

util::Expected<std::optional<CallLog>, std::string> call_log_from(const ClientEnvironment& environment,
                                                                  std::vector<std::string> known_secrets) {
  if (!environment.log_calls) return std::optional<CallLog>();
  if (environment.call_log_file.empty()) {
    return std::optional<CallLog>(CallLog::to_stderr(environment.log_environment, std::move(known_secrets)));
  }
  auto file = CallLog::to_file(environment.call_log_file, environment.log_environment, std::move(known_secrets));
  if (!file) return unexpected(fmt::format("EVAL_LOG_LLM_CALLS_FILE: {}", file.error()));
  return std::optional<CallLog>(std::move(*file));
}

std::unique_ptr<ApiKeySource> api_key_source_for(const ClientEnvironment& environment,
                                                 std::shared_ptr<Transport> transport) {
  std::optional<SecretsManagerConfig> secrets;
  if (!environment.api_key && !environment.api_key_secret_id.empty() && environment.has_aws_credentials()) {
    secrets = SecretsManagerConfig{environment.aws_region, environment.secrets_endpoint, environment.aws,
                                   environment.api_key_secret_id};
  }
  return std::make_unique<ApiKeySource>(environment.api_key, std::move(secrets), std::move(transport));
}

util::Expected<ClientConfig, std::string> live_client_config(const ClientEnvironment& environment, ApiKeySource& keys) {
  ClientConfig config;
  if (auto problem = validate_base_url(environment.base_url)) return unexpected("ANTHROPIC_BASE_URL: " + *problem);
  config.base_url = environment.base_url;
  if (!environment.alert_webhook_url.empty()) {
    // The webhook URL is itself a credential (Discord puts the token in the path): same transport rule.
    if (auto problem = validate_base_url(environment.alert_webhook_url)) return unexpected("ALERT_WEBHOOK_URL: " + *problem);
    config.alert_webhook_url = environment.alert_webhook_url;
  }
  if (!environment.secrets_endpoint.empty()) {
    if (auto problem = validate_base_url(environment.secrets_endpoint)) {
      return unexpected("AWS_ENDPOINT_URL_SECRETS_MANAGER: " + *problem);
    }
  }
  auto key = keys.get();
  if (!key) return unexpected(key.error());
  config.api_key = *key;
  config.retry = RetryPolicy{};
  config.environment_name = environment.environment_name;

  if (environment.has_aws_credentials() && !environment.aws_region.empty()) {
    if (!environment.bedrock_endpoint.empty()) {
      if (auto problem = validate_base_url(environment.bedrock_endpoint)) {
        return unexpected("AWS_ENDPOINT_URL_BEDROCK_RUNTIME: " + *problem);
      }
    }
    BedrockConfig bedrock;
    bedrock.region = environment.aws_region;
    bedrock.endpoint = environment.bedrock_endpoint;
    bedrock.credentials = environment.aws;
    bedrock.profiles = bedrock_profiles_for(config.models, environment.bedrock_geo);
    config.fallback = std::move(bedrock);
  }

  std::vector<std::string> secrets{config.api_key, environment.aws.secret_access_key, environment.aws.session_token};
  std::erase_if(secrets, [](const std::string& secret) { return secret.empty(); });
  auto log = call_log_from(environment, std::move(secrets));
  if (!log) return unexpected(log.error());
  config.call_log = std::move(*log);
  return config;
}

}  // namespace reprise::llm
