#pragma once
// The fallback alert: when the primary provider's attempts are exhausted on a
// retryable error, one message to a webhook (ALERT_WEBHOOK_URL) before the
// call goes on through the fallback provider.
//
// The body is Discord's "Execute Webhook" JSON (content + one embed), which
// Slack-style receivers that read `content` also accept. It names the agent,
// model, error category, HTTP status and request id, never the prompt or a
// key: FallbackAlert holds nothing else, and every value also goes through
// util::redact_secrets. Values are escaped by the JSON library, shown in code
// spans (no markdown or links from an agent name), control characters become
// spaces, and `allowed_mentions` is empty, so an "@everyone" in a value pings
// no one. Values are cut to Discord's limits.
//
// A failing alert never breaks the call: send_alert reports false and the
// caller goes on to the fallback.
#include <string>

#include "reprise/llm/http.hpp"

namespace reprise::llm {

struct FallbackAlert {
  std::string agent;
  std::string model;
  std::string category;    // to_string(ErrorCategory) of the last primary error
  std::string request_id;  // of the last primary attempt; empty when none
  int status = 0;          // its HTTP status; 0 when there was no answer
  std::string fallback_provider = "bedrock";
  std::string environment;  // "prod" / "non-prod", shown when not empty
  std::string timestamp;    // ISO 8601 for the embed; empty: now
};

std::string discord_alert_body(const FallbackAlert& alert);

// POSTs discord_alert_body as application/json. True on any 2xx (Discord
// answers 204 No Content); false on any other status, a transport failure, an
// exception from the transport, or a webhook URL validate_base_url rejects
// (the URL holds the webhook's token: https only, plain http for loopback).
// Never throws.
bool send_alert(Transport& transport, const std::string& webhook_url, const FallbackAlert& alert) noexcept;

}  // namespace reprise::llm
