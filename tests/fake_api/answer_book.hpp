#pragma once
// The answers of reprise-fake-api (server_main.cpp): which Messages API
// answer a request gets, and how that answer is written on the wire.
//
// The book maps a request to an Answer by two keys, tried in order:
//   exact     the request fingerprint (llm::request_fingerprint of the body)
//   messages  the fingerprint of the body without "system", so a request
//             whose system prompt was edited still finds its answer
//
// Built from an eval root, each case's call k is filed under the fingerprint
// its sidecar records, and under both keys of the request the agent builds
// today: the case is replayed (eval::replay_case, the cached mode) to see
// that request, because the sidecar keeps only its digest. A live run of the
// same tree therefore finds every call, stale or not. An answers file adds
// entries by exact key and overrides the eval root's.
//
// An answer is written as cached replay's ReplayTransport writes it (the text
// block when not empty, then the tool_use blocks), so a chain of calls sends
// over the wire the same follow-up requests that the replay built.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reprise/llm/messages.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::test {

using Json = nlohmann::json;

struct Answer {
  std::string text;               // empty: no text block
  Json tool_use = Json::array();  // tool_use blocks after the text
  std::string model;              // empty: the request's model
  std::string stop_reason;        // empty: tool_use when there are tool_use blocks, else end_turn
  llm::Usage usage;               // all zero: estimated from the sizes (about 4 bytes per token)
  std::string response_id;        // empty: msg_fake_ and the start of the request fingerprint
  std::string source;             // "<agent>/<id> call k/N" or "<file>:<line>", for logs
};

enum class Match { exact, messages };
std::string_view to_string(Match match);

// The second key: the fingerprint of `body` without its "system".
std::string messages_key(const Json& body);

class AnswerBook {
 public:
  struct Entry {
    Answer answer;
    std::string origin;  // recorded (a sidecar's request_sha256), replayed (today's request), answers (a file)
    Json request;        // the request it answers, when known (replayed entries)
  };
  struct Found {
    const Answer* answer;
    Match match;
  };

  // The first entry of a key stays unless `replace`. A messages key that two
  // different answers claim is ambiguous (two cases whose requests differ only
  // in their system prompts): it answers nothing, as a wrong answer would
  // pass for a right one.
  void add(Match match, const std::string& key, Entry entry, bool replace = false);
  std::optional<Found> find(const std::string& fingerprint, const std::string& messages_key) const;
  const std::map<std::string, Entry>& entries(Match match) const { return match == Match::exact ? exact_ : messages_; }
  bool ambiguous(const std::string& messages_key) const { return ambiguous_.count(messages_key) > 0; }
  std::size_t size() const { return exact_.size() + messages_.size(); }

 private:
  std::map<std::string, Entry> exact_;
  std::map<std::string, Entry> messages_;
  std::set<std::string> ambiguous_;
};

struct EvalRootLoad {
  std::size_t cases = 0;            // cases whose answers were filed
  std::vector<std::string> broken;  // cases that did not load ("<display path>: <first error>")
};

// Files the answers of every case under `eval_root` (<agent>/cases/*.yaml).
// A case that does not load is listed in `broken` and has no answers.
EvalRootLoad add_eval_root(AnswerBook& book, const std::filesystem::path& eval_root);

// JSON lines, one answer each: {"prompt_sha256": <64 hex>, "text": ...} and
// optionally "model", "stop_reason", "usage", "tool_use", "response_id".
// Blank lines are skipped. Returns the number of answers, or
// "<path>:<line>: <problem>" for the first bad line.
util::Expected<std::size_t, std::string> add_answers_file(AnswerBook& book, const std::filesystem::path& path);

// A plausible text answer for a request the book does not know (--unknown=generic).
Answer generic_answer(const std::string& fingerprint);

// The 200 body of the Messages API for `answer` to `request`.
Json message_body(const Answer& answer, const Json& request, const std::string& fingerprint);

// The same message as the API streams it for `stream: true`: message_start,
// ping, per block content_block_start / _delta... / _stop (text in a few
// text_delta pieces, a tool input as input_json_delta pieces), message_delta,
// message_stop. One entry per event, "event: <type>\ndata: <json>\n\n".
std::vector<std::string> sse_events(const Json& message);

}  // namespace reprise::test
