#include "reprise/llm/sigv4.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "reprise/util/sha256.hpp"
#include "reprise/util/text.hpp"

namespace reprise::llm {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

using Unexpected = util::Unexpected<std::string>;

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// %XX sequences become their byte; a '%' not followed by two hex digits stays
// a literal '%' (and is encoded as %25 afterwards). '+' is a literal plus.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t at = text.find(separator); at != std::string_view::npos; at = text.find(separator, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

struct UrlParts {
  std::string host;
  std::string path = "/";
  std::string query;
};

util::Expected<UrlParts, std::string> split_url(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return Unexpected{"SigV4: URL '" + std::string(url) + "' has no scheme://host"};
  }
  std::string_view scheme = url.substr(0, scheme_end);
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  // The default port is not part of the host the server sees.
  std::string_view default_port = util::to_lower_ascii(scheme) == "https" ? ":443" : ":80";
  if (authority.ends_with(default_port)) authority.remove_suffix(default_port.size());
  if (authority.empty()) return Unexpected{"SigV4: URL '" + std::string(url) + "' has no scheme://host"};

  UrlParts parts;
  parts.host = util::to_lower_ascii(authority);
  if (path_start == std::string_view::npos) return parts;
  std::string_view target = rest.substr(path_start);
  auto query_start = target.find('?');
  std::string_view path = target.substr(0, query_start);
  if (!path.empty()) parts.path = std::string(path);
  if (query_start != std::string_view::npos) parts.query = std::string(target.substr(query_start + 1));
  return parts;
}

bool is_timestamp(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return false;
  auto digits = [&](std::size_t from, std::size_t to) {
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(from), text.begin() + static_cast<std::ptrdiff_t>(to),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(0, 8) && digits(9, 15);
}

// Trimmed, with every run of spaces and tabs inside collapsed to one space.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string_view trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

struct CanonicalHeaders {
  std::string text;          // "name:value\n" per header, sorted by name
  std::string signed_names;  // "name;name"
};

util::Expected<CanonicalHeaders, std::string> canonical_headers(const Headers& headers) {
  std::map<std::string, std::string> by_name;  // sorted by lowercase name
  for (const auto& [name, value] : headers) {
    if (value.find_first_of("\r\n") != std::string::npos) {
      return Unexpected{"SigV4: header '" + name + "' has a line break in its value"};
    }
    auto [entry, inserted] = by_name.try_emplace(util::to_lower_ascii(trimmed(name)));
    if (!inserted) entry->second += ',';
    entry->second += canonical_header_value(value);
  }
  CanonicalHeaders result;
  for (const auto& [name, value] : by_name) {
    result.text += name + ':' + value + '\n';
    if (!result.signed_names.empty()) result.signed_names += ';';
    result.signed_names += name;
  }
  return result;
}

std::optional<std::string> missing_field(const SigV4Request& request, const AwsCredentials& credentials) {
  if (credentials.access_key_id.empty()) return "SigV4: the access key id is empty";
  if (credentials.secret_access_key.empty()) return "SigV4: the secret access key is empty";
  if (request.region.empty()) return "SigV4: the region is empty";
  if (request.service.empty()) return "SigV4: the service is empty";
  if (!is_timestamp(request.timestamp)) {
    return "SigV4: timestamp '" + request.timestamp + "' is not of the form YYYYMMDDTHHMMSSZ";
  }
  return std::nullopt;
}

// S3: every segment kept as it is, encoded once (decoding first makes an
// already-encoded path come out the same).
std::string s3_canonical_uri(std::string_view path) {
  std::string out;
  bool first = true;
  for (auto segment : split(path, '/')) {
    if (!first) out += '/';
    first = false;
    out += sigv4_uri_encode(percent_decode(segment));
  }
  if (!out.starts_with('/')) out.insert(0, "/");
  return out;
}

bool is_named(const std::string& header, std::string_view lowercase_name) {
  return util::to_lower_ascii(header) == lowercase_name;
}

// The request's headers minus those the signer owns, plus the ones it adds.
Headers headers_to_sign(const SigV4Request& request, const UrlParts& url, const Headers& added) {
  Headers headers;
  bool has_host = false;
  for (const auto& header : request.headers) {
    auto replaced = [&](const auto& add) { return is_named(header.first, util::to_lower_ascii(add.first)); };
    if (is_named(header.first, "authorization") || std::any_of(added.begin(), added.end(), replaced)) continue;
    has_host = has_host || is_named(header.first, "host");
    headers.push_back(header);
  }
  if (!has_host) headers.emplace_back("host", url.host);
  headers.insert(headers.end(), added.begin(), added.end());
  return headers;
}

std::string signing_key(const AwsCredentials& credentials, const SigV4Request& request) {
  std::string key = util::hmac_sha256("AWS4" + credentials.secret_access_key, request.timestamp.substr(0, 8));
  key = util::hmac_sha256(key, request.region);
  key = util::hmac_sha256(key, request.service);
  return util::hmac_sha256(key, "aws4_request");
}

}  // namespace

std::string sigv4_uri_encode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (char byte : bytes) {
    auto c = static_cast<unsigned char>(byte);
    if (is_unreserved(c)) {
      out.push_back(byte);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 0x0f]};
    }
  }
  return out;
}

std::string sigv4_canonical_uri(std::string_view path, bool s3_path_rules) {
  if (path.empty()) return "/";
  if (s3_path_rules) return s3_canonical_uri(path);
  std::vector<std::string_view> segments;
  // RFC 3986 dot-segment removal, with empty segments ("//") dropped too.
  for (auto segment : split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(segment);
  }
  std::string out;
  for (auto segment : segments) out += '/' + sigv4_uri_encode(segment);
  bool directory = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
  if (out.empty() || directory) out += '/';
  return out;
}

std::string sigv4_canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> parameters;
  for (auto parameter : split(query, '&')) {
    if (parameter.empty()) continue;
    auto equals = parameter.find('=');
    std::string_view name = parameter.substr(0, equals);
    std::string_view value = equals == std::string_view::npos ? std::string_view{} : parameter.substr(equals + 1);
    parameters.emplace_back(sigv4_uri_encode(percent_decode(name)), sigv4_uri_encode(percent_decode(value)));
  }
  std::sort(parameters.begin(), parameters.end());
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (!out.empty()) out += '&';
    out += name + '=' + value;
  }
  return out;
}

std::string sigv4_timestamp(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[20];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

util::Expected<SigV4Signature, std::string> sign_sigv4(const SigV4Request& request, const AwsCredentials& credentials,
                                                       const SigV4Options& options) {
  if (auto problem = missing_field(request, credentials)) return Unexpected{*problem};
  auto url = split_url(request.url);
  if (!url) return Unexpected{url.error()};

  std::string payload_hash = util::sha256_hex(request.body);
  Headers added = {{"X-Amz-Date", request.timestamp}};
  if (!credentials.session_token.empty()) added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  if (options.content_sha256_header) added.emplace_back("x-amz-content-sha256", payload_hash);
  auto headers = canonical_headers(headers_to_sign(request, *url, added));
  if (!headers) return Unexpected{headers.error()};

  SigV4Signature result;
  result.signed_headers = headers->signed_names;
  result.canonical_request = request.method + '\n' + sigv4_canonical_uri(url->path, options.s3_path_rules) + '\n' +
                             sigv4_canonical_query(url->query) + '\n' + headers->text + '\n' + headers->signed_names +
                             '\n' + payload_hash;
  std::string scope = request.timestamp.substr(0, 8) + '/' + request.region + '/' + request.service + "/aws4_request";
  result.string_to_sign = std::string(kAlgorithm) + '\n' + request.timestamp + '\n' + scope + '\n' +
                          util::sha256_hex(result.canonical_request);
  result.signature = util::hex_lower(util::hmac_sha256(signing_key(credentials, request), result.string_to_sign));
  result.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + '/' + scope +
                         ", SignedHeaders=" + result.signed_headers + ", Signature=" + result.signature;
  result.headers_to_add = {{"Authorization", result.authorization}};
  result.headers_to_add.insert(result.headers_to_add.end(), added.begin(), added.end());
  return result;
}

}  // namespace reprise::llm
