#pragma once
// Decoding CloudWatch Logs subscription payloads: the `data` of
// {"awslogs":{"data":"..."}} is base64 of a gzip stream holding one JSON
// document (messageType, logGroup, logStream, logEvents).
//
// Both decoders take untrusted bytes: every failure is a value naming what
// was wrong (bad base64 at an offset, a truncated or corrupt gzip stream),
// and gunzip stops at `max_output` bytes so a small payload cannot inflate
// into gigabytes (a "zip bomb") and break the capture's flat memory.
#include <cstddef>
#include <string>
#include <string_view>

#include "reprise/util/expected.hpp"

namespace reprise::capture {

// Standard base64 (RFC 4648, '+' and '/'), padding optional, no whitespace inside.
util::Expected<std::string, std::string> base64_decode(std::string_view text);

// One or more concatenated gzip members (zlib's inflate with gzip header
// detection). An error when the stream ends early, is corrupt, or would
// exceed `max_output` bytes.
util::Expected<std::string, std::string> gunzip(std::string_view bytes, std::size_t max_output);

}  // namespace reprise::capture
