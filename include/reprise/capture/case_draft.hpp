#pragma once
// One invocation as the three files of a case, in memory: the case YAML,
// the completion file and the fixture sidecar, in the formats the loader
// reads (eval/README.md).
//
// Everything logged is redacted first. The expectation is the verdict the
// agent gives on the logged answer (replayed, since the log holds the
// answers, not the verdict): the label it got, the score within
// +/- score_tolerance, and each call's request model.
#include <string>
#include <vector>

#include "reprise/capture/redactor.hpp"
#include "reprise/capture/selection.hpp"
#include "reprise/util/expected.hpp"

namespace reprise::capture {

struct DraftOptions {
  double score_tolerance = 0.05;
  const Redactor* redactor = nullptr;  // required
};

struct Draft {
  std::string agent, id;
  std::string yaml, completion, sidecar;
  Json input;                             // as redacted: what the case file must read back
  std::vector<std::string> fingerprints;  // the logged ones, in call order
  std::string verdict;                    // "label needs_review, score 0.65", for reports
};

struct Refusal {
  SkipReason reason = SkipReason::unusable;
  std::string message;
};

util::Expected<Draft, Refusal> draft_case(const Invocation& invocation, const DraftOptions& options);

// "<agent>-<slug>-<8 hex>": the agent with '-' for '_', a slug of the
// input's topic, title, first message, name or draft (the first found), and
// the start of the SHA-256 of the invocation's fingerprints. Always matches
// the loader's [a-z0-9][a-z0-9_-]*, so it is a safe file name.
std::string case_id_for(const std::string& agent, const Json& input, const std::string& fingerprint_key);

}  // namespace reprise::capture
