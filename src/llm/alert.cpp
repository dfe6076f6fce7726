#include "reprise/llm/alert.hpp"

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reprise/llm/base_url.hpp"
#include "reprise/util/clock.hpp"
#include "reprise/util/secrets_scan.hpp"
#include "reprise/util/text.hpp"

namespace reprise::llm {
namespace {

using Json = nlohmann::json;

// Discord's limits are 256 (title, field name), 1024 (field value) and 2000
// (content) characters; the values here are ids and names, so 200 bytes each
// keeps the whole message far below them, 6000 for all embeds included.
constexpr std::size_t kMaxValueBytes = 200;
constexpr std::size_t kMaxContentBytes = 2000;
constexpr int kOrange = 0xE67E22;

// A value as shown: secrets redacted, one line, no backtick to end its code
// span, cut at a UTF-8 boundary; "-" when empty (Discord rejects an empty field).
std::string shown(std::string_view value) {
  std::string text = util::redact_secrets(value);
  for (char& c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) c = ' ';
    if (c == '`') c = '\'';
  }
  text = util::excerpt(text, kMaxValueBytes - 3);
  return text.empty() ? "-" : text;
}

// In a code span, markdown, links and mentions are shown as typed.
std::string code(std::string_view value) { return "`" + shown(value) + "`"; }

std::string status_text(int status) { return status == 0 ? "no HTTP answer" : fmt::format("HTTP {}", status); }

std::string summary(const FallbackAlert& alert) {
  std::string text = fmt::format("LLM fallback: agent {} on model {} failed with {} ({}) after its retries; "
                                 "retrying via {}. Request id {}.",
                                 code(alert.agent), code(alert.model), code(alert.category),
                                 status_text(alert.status), code(alert.fallback_provider), code(alert.request_id));
  if (!alert.environment.empty()) text += " Environment " + code(alert.environment) + ".";
  return util::excerpt(text, kMaxContentBytes - 3);
}

Json field(std::string_view name, std::string value, bool inline_field = true) {
  return {{"name", name}, {"value", std::move(value)}, {"inline", inline_field}};
}

}  // namespace

std::string discord_alert_body(const FallbackAlert& alert) {
  Json fields = Json::array({
      field("Agent", code(alert.agent)),
      field("Model", code(alert.model)),
      field("Error", code(alert.category)),
      field("Status", status_text(alert.status)),
      field("Fallback", code(alert.fallback_provider)),
      field("Request id", code(alert.request_id), false),
  });
  if (!alert.environment.empty()) fields.push_back(field("Environment", code(alert.environment)));
  std::string timestamp =
      alert.timestamp.empty() ? util::utc_timestamp_ms(std::chrono::system_clock::now()) : shown(alert.timestamp);
  Json embed = {{"title", "LLM call fell back to " + shown(alert.fallback_provider)},
                {"color", kOrange},
                {"fields", std::move(fields)},
                {"timestamp", timestamp}};
  Json body = {{"content", summary(alert)},
               {"embeds", Json::array({std::move(embed)})},
               {"allowed_mentions", {{"parse", Json::array()}}}};
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool send_alert(Transport& transport, const std::string& webhook_url, const FallbackAlert& alert) noexcept {
  try {
    if (webhook_url.empty() || validate_base_url(webhook_url)) return false;
    HttpRequest request;
    request.method = "POST";
    request.url = webhook_url;
    request.headers = {{"content-type", "application/json"}, {"user-agent", "reprise-alert/1"}};
    request.body = discord_alert_body(alert);
    HttpResponse response = transport.send(request);
    return !response.failure && response.status >= 200 && response.status < 300;
  } catch (...) {  // an alert must never break the call it reports on
    return false;
  }
}

}  // namespace reprise::llm
