#include "reprise/util/secrets_scan.hpp"

#include <algorithm>

#include "reprise/util/text.hpp"

namespace reprise::util {
namespace {

constexpr std::size_t kMinHeaderValueLength = 8;
constexpr std::size_t kMinAwsSecretLength = 20;
constexpr std::size_t kAwsKeyIdLength = 20;  // "AKIA" + 16

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_alnum(char c) { return is_digit(c) || is_upper(c) || is_lower(c); }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_anthropic_key_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool is_aws_secret_char(char c) { return is_alnum(c) || c == '/' || c == '+' || c == '='; }
// RFC 6750's b64token, without the trailing '=' padding (handled apart).
bool is_token_char(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}
// A header or config value: printable ASCII up to the next delimiter of the
// formats it is found in (quotes, JSON and shell punctuation, whitespace).
bool is_header_value_char(char c) {
  if (c <= ' ' || c > '~') return false;
  return std::string_view("\"'\\,;{}[]()<>").find(c) == std::string_view::npos;
}

// The offsets where `needle` starts in `haystack`.
template <typename Visit>
void for_each_occurrence(std::string_view haystack, std::string_view needle, Visit visit) {
  for (auto at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) visit(at);
}

std::size_t skip_blanks(std::string_view text, std::size_t at) {
  while (at < text.size() && is_blank(text[at])) ++at;
  return at;
}

// Skips one quote: `\"` (inside a JSON string), `"` or `'`.
std::size_t skip_quote(std::string_view text, std::size_t at) {
  if (text.substr(at, 2) == "\\\"") return at + 2;
  if (at < text.size() && (text[at] == '"' || text[at] == '\'')) return at + 1;
  return at;
}

template <typename IsValueChar>
std::size_t run_end(std::string_view text, std::size_t at, IsValueChar is_value_char) {
  while (at < text.size() && is_value_char(text[at])) ++at;
  return at;
}

// After a keyword: an optional closing quote, `:` or `=` with blanks around
// it, an optional opening quote. Returns where the value starts, or npos
// when no separator follows.
std::size_t value_start_after_keyword(std::string_view text, std::size_t at) {
  at = skip_blanks(text, skip_quote(text, at));
  if (at >= text.size() || (text[at] != ':' && text[at] != '=')) return std::string_view::npos;
  return skip_quote(text, skip_blanks(text, at + 1));
}

// A bearer token is told from a word of prose by its shape: random tokens
// hold digits, or mix cases over a long run.
bool looks_like_credential(std::string_view token) {
  if (token.size() < 8) return false;
  bool digit = std::any_of(token.begin(), token.end(), is_digit);
  bool upper = std::any_of(token.begin() + 1, token.end(), is_upper);
  bool lower = std::any_of(token.begin(), token.end(), is_lower);
  return digit || (token.size() >= 20 && upper && lower);
}

class Scanner {
 public:
  Scanner(std::string_view text, const std::vector<std::string>& known_secrets)
      : text_(text), lower_(to_lower_ascii(text)), known_(known_secrets) {}

  std::vector<SecretFinding> run() {
    known_secrets();
    anthropic_keys();
    aws_access_key_ids();
    bearer_tokens();
    keyword_values("x-api-key", SecretKind::api_key_header, kMinHeaderValueLength, is_header_value_char);
    keyword_values("secret_access_key", SecretKind::aws_secret_access_key, kMinAwsSecretLength, is_aws_secret_char);
    keyword_values("secretaccesskey", SecretKind::aws_secret_access_key, kMinAwsSecretLength, is_aws_secret_char);
    return merged();
  }

 private:
  void add(SecretKind kind, std::size_t offset, std::size_t end) {
    if (end > offset) found_.push_back({kind, offset, end - offset});
  }

  void known_secrets() {
    for (const auto& secret : known_) {
      if (secret.size() < kMinKnownSecretLength) continue;
      for_each_occurrence(text_, secret, [&](std::size_t at) { add(SecretKind::known_secret, at, at + secret.size()); });
    }
  }

  void anthropic_keys() {
    constexpr std::string_view prefix = "sk-ant-";
    for_each_occurrence(text_, prefix, [&](std::size_t at) {
      std::size_t end = run_end(text_, at + prefix.size(), is_anthropic_key_char);
      if (end > at + prefix.size()) add(SecretKind::anthropic_key, at, end);
    });
  }

  void aws_access_key_ids() {
    for (std::string_view prefix : {"AKIA", "ASIA"}) {
      for_each_occurrence(text_, prefix, [&](std::size_t at) {
        if (at > 0 && is_alnum(text_[at - 1])) return;
        if (at + kAwsKeyIdLength > text_.size()) return;
        std::string_view body = text_.substr(at + prefix.size(), kAwsKeyIdLength - prefix.size());
        if (!std::all_of(body.begin(), body.end(), [](char c) { return is_upper(c) || is_digit(c); })) return;
        if (at + kAwsKeyIdLength < text_.size() && is_alnum(text_[at + kAwsKeyIdLength])) return;
        add(SecretKind::aws_access_key_id, at, at + kAwsKeyIdLength);
      });
    }
  }

  void bearer_tokens() {
    constexpr std::string_view keyword = "bearer";
    for_each_occurrence(lower_, keyword, [&](std::size_t at) {
      if (at > 0 && is_alnum(text_[at - 1])) return;
      std::size_t start = skip_blanks(text_, at + keyword.size());
      if (start == at + keyword.size()) return;  // "Bearer" must be followed by blanks
      std::size_t end = run_end(text_, start, is_token_char);
      while (end > start && text_[end - 1] == '.') --end;  // a sentence's full stop is not part of the token
      if (!looks_like_credential(text_.substr(start, end - start))) return;
      end = run_end(text_, end, [](char c) { return c == '='; });
      add(SecretKind::bearer_token, start, end);
    });
  }

  template <typename IsValueChar>
  void keyword_values(std::string_view keyword, SecretKind kind, std::size_t min_length, IsValueChar is_value_char) {
    for_each_occurrence(lower_, keyword, [&](std::size_t at) {
      std::size_t start = value_start_after_keyword(text_, at + keyword.size());
      if (start == std::string_view::npos) return;
      std::size_t end = run_end(text_, start, is_value_char);
      if (end - start >= min_length) add(kind, start, end);
    });
  }

  // Sorted by offset; overlapping matches merged into the one that starts
  // first (the longest, then the most specific kind, among equal starts), so
  // redacting the findings removes every matched byte.
  std::vector<SecretFinding> merged() {
    std::sort(found_.begin(), found_.end(), [](const SecretFinding& a, const SecretFinding& b) {
      if (a.offset != b.offset) return a.offset < b.offset;
      if (a.length != b.length) return a.length > b.length;
      return a.kind < b.kind;
    });
    std::vector<SecretFinding> result;
    for (const auto& finding : found_) {
      if (!result.empty() && finding.offset < result.back().offset + result.back().length) {
        auto& last = result.back();
        last.length = std::max(last.offset + last.length, finding.offset + finding.length) - last.offset;
        continue;
      }
      result.push_back(finding);
    }
    return result;
  }

  std::string_view text_;
  std::string lower_;  // same offsets as text_: ASCII lowering is byte for byte
  const std::vector<std::string>& known_;
  std::vector<SecretFinding> found_;
};

}  // namespace

std::string_view to_string(SecretKind kind) {
  switch (kind) {
    case SecretKind::known_secret: return "known_secret";
    case SecretKind::anthropic_key: return "anthropic_key";
    case SecretKind::aws_access_key_id: return "aws_access_key_id";
    case SecretKind::bearer_token: return "bearer_token";
    case SecretKind::api_key_header: return "api_key_header";
    case SecretKind::aws_secret_access_key: return "aws_secret_access_key";
  }
  return "unknown";
}

std::vector<SecretFinding> find_secrets(std::string_view text, const std::vector<std::string>& known_secrets) {
  return Scanner(text, known_secrets).run();
}

std::string redact_secrets(std::string_view text, const std::vector<std::string>& known_secrets) {
  std::string result;
  result.reserve(text.size());
  std::size_t copied = 0;
  for (const auto& finding : find_secrets(text, known_secrets)) {
    result.append(text.substr(copied, finding.offset - copied));
    result.append(kRedacted);
    copied = finding.offset + finding.length;
  }
  result.append(text.substr(copied));
  return result;
}

TextPosition position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition position;
  std::size_t line_start = 0;
  for (std::size_t at = text.find('\n'); at != std::string_view::npos && at < offset; at = text.find('\n', at + 1)) {
    ++position.line;
    line_start = at + 1;
  }
  position.column = offset - line_start + 1;
  return position;
}

}  // namespace reprise::util
