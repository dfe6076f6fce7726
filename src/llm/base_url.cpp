#include "reprise/llm/base_url.hpp"

#include <cctype>

namespace reprise::llm {
namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// The host of an authority "[user@]host[:port]", lower-cased; IPv6 keeps its brackets.
std::string host_of(std::string_view authority) {
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    host = close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  } else if (auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
  }
  std::string lowered;
  for (char c : host) lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lowered;
}

// 127.0.0.0/8 written as four decimal octets.
bool is_ipv4_loopback(std::string_view host) {
  int octets = 0;
  std::size_t pos = 0;
  while (pos <= host.size()) {
    auto dot = host.find('.', pos);
    std::string_view part = host.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255 || (octets == 0 && value != 127)) return false;
    ++octets;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return octets == 4;
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "[::1]" || is_ipv4_loopback(host);
}

// The URL as an error message may show it: scheme and host[:port] only. User
// info, path, query and fragment can hold credentials (a Discord webhook's
// token is its path), so they are replaced by "...".
std::string shown(std::string_view url) {
  std::string_view scheme;
  std::string_view rest = url;
  if (auto marker = url.find("://"); marker != std::string_view::npos) {
    scheme = url.substr(0, marker + 3);
    rest = url.substr(marker + 3);
  }
  auto end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  bool cut = end != std::string_view::npos && end + 1 < rest.size();
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
    cut = true;
  }
  std::string text = std::string(scheme) + std::string(authority);
  if (cut) text += "/...";
  return text;
}

}  // namespace

std::optional<std::string> validate_base_url(std::string_view url) {
  constexpr std::string_view https = "https://";
  constexpr std::string_view http = "http://";
  std::string_view rest;
  bool plain = false;
  if (starts_with_ci(url, https)) {
    rest = url.substr(https.size());
  } else if (starts_with_ci(url, http)) {
    rest = url.substr(http.size());
    plain = true;
  } else {
    return "base URL '" + shown(url) + "' must start with https:// (or http:// for a loopback host)";
  }
  std::string host = host_of(rest.substr(0, rest.find_first_of("/?#")));
  if (host.empty()) return "base URL '" + shown(url) + "' has no host";
  if (plain && !is_loopback(host)) {
    return "base URL '" + shown(url) + "' uses plain http:// for non-loopback host '" + host +
           "'; use https://, or http:// only for 127.0.0.0/8, localhost or [::1]";
  }
  return std::nullopt;
}

}  // namespace reprise::llm
