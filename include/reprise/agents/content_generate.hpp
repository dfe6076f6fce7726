#pragma once
// content_generate: a content brief for the app's blog and help center -> a
// markdown draft (an H1 title, H2 sections, no front matter). One call
// (workhorse model).
//
// The generate step is also the first call of content_polish's two-call chain
// (brief -> draft -> polish). So that the chain replays exactly the request
// and the parse that content_generate makes on its own, the step is exposed
// below and content_polish calls it rather than keeping a copy.
//
// Output: {title, markdown, word_count, sections, issues, banned_phrases_found,
// uncovered_key_points}.
//
// Verdict label: "complete" when the draft starts with its H1 title, has at
// least 2 H2 sections and its word count is within the brief's target;
// "off_target" otherwise, with each reason in `issues`. A completion with no
// H1 line at all is not a draft: that is a parse error.
//
// Verdict score: key-point coverage, covered / total key points, 0..1. A key
// point's key words are its words of 5 or more letters (runs of ASCII letters,
// lowercased); it is covered when every one of them occurs in the draft,
// case-insensitively, as a substring (so "saving" is found in "savings"). A key
// point without such a word is covered when its whole text occurs in the draft,
// case-insensitively.
//
// Word count: the draft's whitespace-separated tokens that hold at least one
// letter or digit, so markdown markup ("#", "-", "**", "---") is not counted.
#include <cstdint>
#include <string>
#include <vector>

#include "reprise/agents/agent.hpp"
#include "reprise/agents/input_reader.hpp"
#include "reprise/llm/invocation_client.hpp"

namespace reprise::agents {

const Agent& content_generate_agent();

// A claim the draft must state, and where it comes from.
struct ContentFact {
  std::string claim;
  std::string source;
};

struct ContentBrief {
  std::string topic;
  std::string audience;
  std::string goal;
  std::string tone;
  std::vector<std::string> key_points;  // at least one
  std::int64_t min_words = 0;
  std::int64_t max_words = 0;
  std::vector<ContentFact> must_include_facts;
  std::vector<std::string> banned_phrases;
};

// Reads a brief from `reader`: the input root for content_generate, `/brief`
// for content_polish. Every problem is added to the reader's error list.
ContentBrief read_content_brief(InputReader& reader);

// The brief as the <brief> block of a user message, as both agents show it
// to the model. Deterministic: fields in a fixed order, lists in input order.
std::string render_content_brief(const ContentBrief& brief);

// The generate step's one request. Deterministic: the same brief gives the
// same request, byte for byte.
llm::Request content_generate_request(const ContentBrief& brief, const llm::InvocationClient& client);

// The completion -> output and verdict (above); completions = {completion}.
// The parse error names call 1.
AgentResult parse_content_draft(const ContentBrief& brief, const std::string& completion);

// Builds the request, invokes it through `client` as call 1, parses the answer.
AgentResult run_content_generate(const ContentBrief& brief, llm::InvocationClient& client);

}  // namespace reprise::agents
