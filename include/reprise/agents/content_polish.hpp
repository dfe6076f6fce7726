#pragma once
// content_polish: revises a markdown draft and, in one JSON answer, returns
// the revised markdown, fact-check flags on claims of the draft, and SEO
// metadata. Workhorse model.
//
// Input: exactly one of
//   draft: the markdown to polish                      -> one call
//   brief: a content_generate brief                     -> two calls, a chain:
//          call 1 is content_generate's own request and parse (the draft),
//          call 2 polishes that draft
// plus optional `style_guide` (notes, a list of strings) and `verified_facts`
// (a list of {claim, source}). In a chain the brief's must-include facts count
// as verified facts too, after the given ones.
//
// The answer must be one JSON object, validated strictly (unknown keys are
// errors):
//   {"revised_markdown": "# ...",                  non-empty, first line an H1
//    "flags": [{"claim": quoted from the draft, "issue": ...,
//               "severity": "low"|"medium"|"high", "suggested_fix": ...}],
//    "seo": {"title": <= 60 characters, "description": 120 to 160 characters,
//            "slug": lowercase a-z0-9 words joined by single hyphens}}
// Lengths count Unicode characters, not bytes. The output is that object; a
// chain adds `draft` (the generated markdown) and `draft_verdict` ({label,
// score} of content_generate's verdict on it).
//
// Verdict label: "publishable" when no flag is high severity, "needs_review"
// when any is: a person must look before it ships.
// Verdict score: quality = 1 - 0.25 * high - 0.1 * medium - 0.02 * low
// (counts of flags by severity), floored at 0. One high flag costs as much as
// two and a half medium ones; low flags are near-free nits, but a pile of them
// still shows.
#include "reprise/agents/agent.hpp"

namespace reprise::agents {

const Agent& content_polish_agent();

}  // namespace reprise::agents
