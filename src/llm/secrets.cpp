#include "reprise/llm/secrets.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

namespace reprise::llm {
namespace {

using Json = nlohmann::json;
using Failure = util::Unexpected<std::string>;

constexpr std::array<const char*, 3> kKeyFields = {"ANTHROPIC_API_KEY", "api_key", "apiKey"};

std::string string_field(const Json& json, const char* name) {
  auto found = json.find(name);
  return found != json.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// AWS JSON 1.1 error types may carry a namespace or a trailing URI:
// "com.amazonaws.secretsmanager#ResourceNotFoundException", "X:http://...".
std::string error_type_name(std::string_view raw) {
  raw = raw.substr(0, raw.find(':'));
  if (auto hash = raw.rfind('#'); hash != std::string_view::npos) raw.remove_prefix(hash + 1);
  return std::string(raw);
}

// Only the error body is read for detail: a success body holds the secret.
std::string describe_error_answer(const HttpResponse& http) {
  std::string text = "HTTP " + std::to_string(http.status);
  Json body = Json::parse(http.body, nullptr, false);
  std::string type = find_header(http.headers, "x-amzn-ErrorType").value_or("");
  std::string message;
  if (body.is_object()) {
    if (type.empty()) type = string_field(body, "__type");
    message = string_field(body, "Message");
    if (message.empty()) message = string_field(body, "message");
  }
  if (!type.empty()) text += " " + error_type_name(type);
  if (!message.empty()) text += ": " + message;
  if (auto request_id = find_header(http.headers, "x-amzn-RequestId")) text += " [request-id " + *request_id + "]";
  return text;
}

std::string_view trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool is_raw_key(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7f && c != '"' && c != '\\';
  });
}

util::Expected<std::string, std::string> key_from_json_object(const Json& object) {
  for (const char* field : kKeyFields) {
    std::string value = string_field(object, field);
    if (!value.empty() && is_raw_key(value)) return value;
    if (!value.empty()) return Failure{std::string("the secret's \"") + field + "\" is not a one-line key without spaces"};
  }
  std::string names;
  for (const auto& item : object.items()) names += (names.empty() ? "" : ", ") + item.key();
  return Failure{"the secret is a JSON object without a non-empty string field ANTHROPIC_API_KEY, api_key or apiKey"
                 " (its fields: " + (names.empty() ? std::string("none") : names) + ")"};
}

}  // namespace

std::string secrets_manager_default_endpoint(std::string_view region) {
  return "https://secretsmanager." + std::string(region) + ".amazonaws.com";
}

util::Expected<std::string, std::string> fetch_secret_string(Transport& transport, const SecretsManagerConfig& config,
                                                             const WallClock& now) {
  const std::string context = "Secrets Manager: GetSecretValue for secret '" + config.secret_id + "'";
  if (config.secret_id.empty()) return Failure{"Secrets Manager: the secret id is empty"};
  std::string endpoint = config.endpoint.empty() ? secrets_manager_default_endpoint(config.region) : config.endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();

  SigV4Request to_sign;
  to_sign.method = "POST";
  to_sign.url = endpoint + "/";
  to_sign.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", kGetSecretValueTarget}};
  to_sign.body = Json{{"SecretId", config.secret_id}}.dump();
  to_sign.region = config.region;
  to_sign.service = kSecretsManagerSigningService;
  to_sign.timestamp = sigv4_timestamp(now());
  auto signature = sign_sigv4(to_sign, config.credentials);
  if (!signature) return Failure{context + ": cannot sign the request: " + signature.error()};

  HttpRequest request;
  request.method = to_sign.method;
  request.url = std::move(to_sign.url);
  request.headers = std::move(to_sign.headers);
  request.headers.insert(request.headers.end(), signature->headers_to_add.begin(), signature->headers_to_add.end());
  request.body = std::move(to_sign.body);

  HttpResponse answer = transport.send(request);
  if (answer.failure) return Failure{context + " failed: no answer: " + answer.failure->message};
  if (answer.status < 200 || answer.status >= 300) return Failure{context + " failed: " + describe_error_answer(answer)};
  Json body = Json::parse(answer.body, nullptr, false);
  if (!body.is_object()) {
    return Failure{context + ": the answer (HTTP " + std::to_string(answer.status) + ") is not a JSON object"};
  }
  auto secret = body.find("SecretString");
  if (secret == body.end() || !secret->is_string()) {
    bool binary = body.contains("SecretBinary");
    return Failure{context + ": the answer has no SecretString" +
                   (binary ? std::string(" (the secret is stored as SecretBinary, which is not supported)") : "")};
  }
  return secret->get<std::string>();
}

util::Expected<std::string, std::string> api_key_from_secret_string(std::string_view secret) {
  std::string_view text = trimmed(secret);
  if (text.empty()) return Failure{"the secret is empty"};
  if (text.front() == '{') {
    Json json = Json::parse(text, nullptr, false);
    if (!json.is_object()) return Failure{"the secret starts with '{' but is not a valid JSON object"};
    return key_from_json_object(json);
  }
  if (!is_raw_key(text)) {
    return Failure{"the secret is neither a raw API key (one line, no spaces or quotes) nor a JSON object"};
  }
  return std::string(text);
}

ApiKeySource::ApiKeySource(std::optional<std::string> environment_key, std::optional<SecretsManagerConfig> secrets,
                           std::shared_ptr<Transport> transport, WallClock now)
    : environment_key_(std::move(environment_key)),
      secrets_(std::move(secrets)),
      transport_(std::move(transport)),
      now_(std::move(now)) {
  if (environment_key_ && environment_key_->empty()) environment_key_.reset();
}

util::Expected<std::string, std::string> ApiKeySource::fetch() const {
  if (!secrets_) {
    return Failure{"no Anthropic API key: set ANTHROPIC_API_KEY, or configure an AWS Secrets Manager secret id "
                   "together with AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
                   "for temporary credentials)"};
  }
  if (!transport_) return Failure{"Secrets Manager: no transport to fetch secret '" + secrets_->secret_id + "' with"};
  auto secret = fetch_secret_string(*transport_, *secrets_, now_);
  if (!secret) return secret;
  auto key = api_key_from_secret_string(*secret);
  if (!key) return Failure{"Secrets Manager: secret '" + secrets_->secret_id + "': " + key.error()};
  return key;
}

util::Expected<std::string, std::string> ApiKeySource::get() {
  if (environment_key_) return *environment_key_;
  std::unique_lock lock(mutex_);
  if (cached_) return *cached_;
  if (fetching_) {
    // Share the fetch under way rather than start another.
    std::uint64_t awaited = fetches_done_ + 1;
    fetched_.wait(lock, [&] { return fetches_done_ >= awaited; });
    if (cached_) return *cached_;
    return Failure{last_failure_};
  }
  fetching_ = true;
  last_failure_ = "Secrets Manager: the fetch of the API key was interrupted";
  // Waiters must be released even if the transport throws.
  struct Finish {
    ApiKeySource& source;
    std::unique_lock<std::mutex>& lock;
    ~Finish() {
      if (!lock.owns_lock()) lock.lock();
      source.fetching_ = false;
      ++source.fetches_done_;
      source.fetched_.notify_all();
    }
  } finish{*this, lock};
  lock.unlock();
  auto key = fetch();
  lock.lock();
  if (key) {
    cached_ = *key;
  } else {
    last_failure_ = key.error();
  }
  return key;
}

}  // namespace reprise::llm
