#pragma once
// `reprise capture`: non-prod llm_call log records -> new cases.
//
//   read every source (streaming) -> records -> invocations -> filter ->
//   de-duplicate (within the log, then against the existing cases' fixture
//   fingerprints) -> --sample / --limit -> draft each case (redacted) ->
//   check it through the real loader and cached replay -> write it.
//
// The check: the three files are written to a private staging folder and
// loaded from there exactly as a run loads eval/ (load_suite), then replayed
// in cached mode; the case must pass with --stale=fail and every request the
// agent rebuilds must have the logged fingerprint. Only then are the same
// bytes written under eval/<agent>/cases/, each file atomically, the case
// file last (a case appears whole or not at all). A case that fails the check
// is kept aside: reported, and copied to `rejected_dir` when one is given
// (outside eval/, so the suite never loads it).
//
// Memory: the sources are read a line (or an event) at a time, twice. The
// first pass keeps each non-prod record of the agents asked for as a compact
// header (Grouper: fingerprint, agent, model, time, file and line: about 150
// bytes), skimming over the
// payloads with a structural check (json_skim.hpp); selection runs on the
// headers, building an invocation in full only while it is looked at and
// keeping only those that may become cases; the second pass parses in full
// only the lines of the chosen invocations' calls (a payload that is not
// valid JSON is reported then). Standard input is copied to a private temporary file for the second
// pass. At most kMaxReportedProblems problems are kept (the rest are counted).
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "reprise/capture/log_reader.hpp"
#include "reprise/capture/selection.hpp"

namespace reprise::capture {

inline constexpr std::size_t kMaxReportedProblems = 200;

struct CaptureOptions {
  std::vector<std::string> sources;  // files; "-" is standard input
  ReadOptions read;
  std::filesystem::path eval_root = "eval";
  Filter filter;
  std::optional<std::size_t> limit;   // at most this many new cases, the first in log order
  std::optional<std::size_t> sample;  // this many, chosen at random with `seed`
  std::uint64_t seed = 1;
  double score_tolerance = 0.05;
  std::vector<std::string> secret_patterns;
  bool dry_run = false;
  std::filesystem::path rejected_dir;  // empty: kept-aside cases are only reported
};

struct Skip {
  SkipReason reason = SkipReason::malformed;
  std::string where;  // file:line, and the log group/stream or event where known
  std::string message;
};

struct CapturedCase {
  enum class Status { written, would_write, kept_aside, refused };
  Status status = Status::written;
  std::string test_name;             // <agent>/<id>
  std::filesystem::path case_file;   // where it is (or would be) written
  std::string where;                 // the first call's origin
  std::size_t calls = 0;
  std::string verdict;
  std::string detail;                // why kept aside or refused
};

struct CaptureReport {
  std::size_t sources = 0, lines = 0, bytes = 0;
  std::size_t records = 0;             // llm_call records read (well-formed)
  std::size_t invocations = 0;         // capturable invocations built from them
  std::size_t control_messages = 0;
  std::array<std::size_t, kSkipReasons> skipped{};  // by SkipReason
  std::vector<Skip> problems;          // the first kMaxReportedProblems, in order
  std::vector<CapturedCase> cases;     // written, would write, kept aside, refused
  std::string fatal;                   // a source that cannot be opened, bad options: nothing was written

  std::size_t count(SkipReason reason) const { return skipped[static_cast<std::size_t>(reason)]; }
  std::size_t written() const;
  // Exit 1: a fatal error, or a case refused for a secret.
  int exit_code() const;
};

CaptureReport run_capture(const CaptureOptions& options);

// The summary: counts by reason, each problem with its origin, each case.
std::string render_capture_report(const CaptureReport& report, bool dry_run);

}  // namespace reprise::capture
