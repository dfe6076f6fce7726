#pragma once
// A Messages API request body as lines a person reads in a diff.
//
// The body's JSON on one line would make any prompt edit a single giant
// changed line, and pretty JSON puts a whole prompt in one escaped string.
// Here every text is split at its own line breaks, so editing one sentence
// of a prompt changes one or two lines:
//
//   model: claude-sonnet-4-5-20250929        scalar settings first: model,
//   max_tokens: 700                          max_tokens, temperature, top_p,
//   temperature: 0.4                         top_k, then the others by name
//   system:                                  a string system prompt ...
//     You are a weekly money coach ...       ... its text, indented two spaces
//   system[0] text {"cache_control": ...}:   ... or one header per block
//   messages[0] user:                        a message with string content
//     Here is Maya's week ...
//   messages[1] assistant:                   a message with content blocks:
//     [0] text:                              one header per block; what is not
//       Let me look that up.                 its text is compact JSON on the
//     [1] tool_use {"id": "toolu_1", "input": {...}, "name": "lookup"}
//   messages[2] user:
//     [0] tool_result {"tool_use_id": "toolu_1"}:
//       {                                    a tool result holding a JSON
//         "balance": 1200                    document is pretty-printed
//       }
//   tools:
//     lookup: first line of the description  then its other lines, indented
//       input_schema:
//         { ...pretty JSON... }
//   tool_choice:                             anything else: pretty JSON under its key
//     { ... }
//
// A text line longer than 120 characters is broken after each sentence end
// (". ", "? ", "! "), the pieces after the first indented two more spaces, so
// a sentence edit inside a long paragraph stays a short change. Control
// characters other than tab show escaped ("\r"), so no difference of the
// body is invisible in the lines. Deterministic: object keys come in sorted
// order, and the same body always gives the same lines.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace reprise::eval {

// Any JSON is accepted: a body that is not an object is shown as pretty JSON.
std::vector<std::string> request_lines(const nlohmann::json& body);

}  // namespace reprise::eval
