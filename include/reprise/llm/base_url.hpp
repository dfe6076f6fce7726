#pragma once
// Which base URLs the client may send an API key to.
//
// https is always accepted. Plain http only for loopback hosts (127.0.0.0/8,
// localhost, [::1]): the key travels in a header, so an http URL anywhere
// else would put it on the network in clear text. Tests and local fakes use
// http://127.0.0.1:<port>.
#include <optional>
#include <string>
#include <string_view>

namespace reprise::llm {

// Returns the reason the URL is rejected, or nothing when it is acceptable.
// The reason shows the URL's scheme and host[:port] only, never its user
// info, path or query: those can be credentials (a webhook's token).
std::optional<std::string> validate_base_url(std::string_view url);

}  // namespace reprise::llm
