#pragma once
// The one place reprise reads environment variables. Every variable it reads
// is listed in kEnvironmentVariables with what it does, so `reprise config`
// can show them and nothing else reads getenv. An unset variable means
// production behaviour.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace reprise::util {

struct EnvironmentVariable {
  std::string_view name;
  std::string_view meaning;
};

inline constexpr std::array<EnvironmentVariable, 23> kEnvironmentVariables{{
    // The eval harness
    {"CI", "set: a CI run; stale fixtures fail by default (--stale=fail)"},
    {"REPRISE_CACHE_DIR", "folder of the parsed-case cache (default: $XDG_CACHE_HOME/reprise or ~/.cache/reprise)"},
    {"XDG_CACHE_HOME", "base folder for caches"},
    {"HOME", "home folder, for ~/.cache when XDG_CACHE_HOME is unset"},
    {"NO_COLOR", "set: no colour in terminal output"},
    {"EVAL_LIVE_EXECUTE", "1: --live calls the model; otherwise --live is a dry run that never connects"},
    // The shared client (read by llm/client_environment.cpp)
    {"ANTHROPIC_API_KEY", "the API key; when unset it is read from Secrets Manager (ANTHROPIC_API_KEY_SECRET_ID)"},
    {"ANTHROPIC_API_KEY_SECRET_ID", "AWS Secrets Manager secret holding the API key (raw, or JSON with ANTHROPIC_API_KEY)"},
    {"ANTHROPIC_BASE_URL", "the Messages API base URL (default https://api.anthropic.com; http only to loopback)"},
    {"ALERT_WEBHOOK_URL", "Discord-compatible webhook alerted when a call falls back to Bedrock"},
    {"AWS_ACCESS_KEY_ID", "AWS credentials for the Bedrock fallback and Secrets Manager"},
    {"AWS_SECRET_ACCESS_KEY", "AWS credentials for the Bedrock fallback and Secrets Manager"},
    {"AWS_SESSION_TOKEN", "AWS session token, for temporary credentials"},
    {"AWS_REGION", "AWS region of Bedrock and Secrets Manager"},
    {"AWS_DEFAULT_REGION", "AWS region when AWS_REGION is unset"},
    {"AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "Bedrock runtime endpoint (default https://bedrock-runtime.<region>.amazonaws.com)"},
    {"AWS_ENDPOINT_URL_SECRETS_MANAGER", "Secrets Manager endpoint (default https://secretsmanager.<region>.amazonaws.com)"},
    {"BEDROCK_INFERENCE_GEO", "prefix of the Bedrock cross-region inference profiles: us (default), eu, apac, global"},
    {"EVAL_LOG_LLM_CALLS", "1: one JSON line per model call (event llm_call)"},
    {"EVAL_LOG_LLM_CALLS_FILE", "append the call log to this file instead of stderr"},
    {"ENVIRONMENT", "non-prod: call-log lines carry the request, completion and input; anything else is prod"},
    // Read by libcurl itself, listed so `reprise config` shows them
    {"https_proxy", "proxy for https requests (libcurl; also HTTPS_PROXY)"},
    {"no_proxy", "hosts that bypass the proxy (libcurl; also NO_PROXY)"},
}};

// The value of a variable listed above (std::logic_error for any other name);
// nullopt when unset. An empty value counts as set.
std::optional<std::string> environment_value(std::string_view name);

}  // namespace reprise::util
