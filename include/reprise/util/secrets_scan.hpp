#pragma once
// Finding and redacting credentials in text: the last line of defence that
// keeps API keys out of every log, fixture and report reprise writes, and the
// check a CI scan (and the tests) run over everything a run wrote.
//
// What counts as a secret:
// - a known secret: each of `known_secrets` that is at least
//   kMinKnownSecretLength bytes (shorter ones would match ordinary words);
// - an Anthropic key: "sk-ant-" followed by one or more [A-Za-z0-9_-];
// - an AWS access key id: "AKIA" or "ASIA" and 16 [A-Z0-9], not inside a
//   longer alphanumeric run;
// - a bearer token: "Bearer" (any case) and blanks, then a token that looks
//   like a credential (see below) - "the bearer of bad news" is prose;
// - an x-api-key value: `x-api-key: v`, `"x-api-key":"v"`, `x-api-key=v`,
//   also JSON-escaped (`\"x-api-key\":\"v\"`), the value at least 8 bytes;
// - an AWS secret access key: a run of 20 or more [A-Za-z0-9/+=] after
//   `aws_secret_access_key` / `SecretAccessKey` (any case) and a separator.
//
// For the keyword forms only the value is the secret: redaction keeps the
// keyword ("Bearer [REDACTED]"), so a reader sees what was removed.
//
// A hand-written scanner, not std::regex: it is linear in the text and runs
// over every log line. Redaction is idempotent: "[REDACTED]" matches nothing.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reprise::util {

inline constexpr std::string_view kRedacted = "[REDACTED]";
inline constexpr std::size_t kMinKnownSecretLength = 8;

enum class SecretKind {
  known_secret,
  anthropic_key,
  aws_access_key_id,
  bearer_token,
  api_key_header,
  aws_secret_access_key,
};

std::string_view to_string(SecretKind kind);

// The bytes [offset, offset + length) of the text are the secret itself.
struct SecretFinding {
  SecretKind kind = SecretKind::known_secret;
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Every secret in `text`, by offset, none overlapping: where two detectors
// match overlapping bytes, the earlier start wins, then the longer match,
// then the more specific kind (the order of SecretKind).
std::vector<SecretFinding> find_secrets(std::string_view text, const std::vector<std::string>& known_secrets = {});

// `text` with each secret found by find_secrets replaced by kRedacted.
std::string redact_secrets(std::string_view text, const std::vector<std::string>& known_secrets = {});

// 1-based line and column (in bytes) of a byte offset, for "file:line:col" reports.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

}  // namespace reprise::util
