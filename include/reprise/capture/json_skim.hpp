#pragma once
// A record's header without its payloads, fast: the first pass of capture
// selects on the header (agent, invocation, fingerprint, time), and the
// payloads (request, response, input) are nine tenths of a record's bytes.
//
// skim_object walks the top level of a JSON object, copying every member
// but the `dropped` keys into a smaller JSON object text for the real
// parser. A dropped value is skipped with a structural check only (strings
// closed, escapes whole, no raw control characters, brackets balanced): the
// common damage, a line cut short or two lines run together, is caught here;
// anything subtler inside a payload is caught when the second pass parses
// the chosen records in full. Much faster than building (or even fully
// lexing) the values, which is what capture needs to read a gigabyte faster
// than jq does.
#include <initializer_list>
#include <string>
#include <string_view>

#include "reprise/util/expected.hpp"

namespace reprise::capture {

struct Skimmed {
  std::string header;     // the object without the dropped members
  bool dropped_any = false;
};

// Error: "byte 812: unterminated string" (0-based offset into `text`).
util::Expected<Skimmed, std::string> skim_object(std::string_view text, std::initializer_list<std::string_view> dropped);

}  // namespace reprise::capture
