#pragma once
// Candidates: a live run's proposed answers for a case, beside the accepted
// fixture until review accepts or rejects them, and the orphan check.
//
// A candidate is two files next to <id>.yaml: <id>.completion.candidate.txt
// (the completion file's format) and <id>.candidate.json (the sidecar's
// format). The live run writes the completion first, then the sidecar.
//
// Accepting is two renames, each atomic (rename(2)): the candidate completion
// over <id>.completion.txt, then the candidate sidecar over <id>.fixture.json.
// The pair is not atomic. A crash between the two leaves the new completion
// accepted, the old sidecar beside it, and the candidate sidecar alone. No
// other path leaves a candidate sidecar without its completion (the live run
// writes the completion first, rejecting deletes the sidecar first), so that
// state is recognised as an interrupted accept, provided the sidecar records
// as many calls as the now accepted completion has sections, and accepting
// again finishes it with the second rename. Rejecting deletes the candidate
// sidecar, then the candidate completion: an interrupted reject leaves a
// completion alone, an incomplete candidate that rejecting deletes.
//
// Nothing here touches a case file.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reprise/eval/fixture.hpp"
#include "reprise/eval/suite.hpp"

namespace reprise::eval {

enum class CandidateState {
  complete,            // both files, readable, with one sidecar call per completion section
  incomplete,          // a file missing, unreadable or malformed (`problem` says which); can only be rejected
  interrupted_accept,  // the sidecar alone, matching the accepted completion: accepting finishes it
};
std::string_view to_string(CandidateState state);

struct Candidate {
  std::filesystem::path case_file;
  CandidateState state = CandidateState::complete;
  std::string problem;                   // why it is incomplete, naming the file
  std::vector<std::string> completions;  // complete: one per call
  Fixture fixture;                       // complete and interrupted_accept: the candidate sidecar
};

// Whether either candidate file of the case exists.
bool has_candidate(const std::filesystem::path& case_file);
// The candidate files of a case as they are on disk; nullopt when there are none.
std::optional<Candidate> load_candidate(const std::filesystem::path& case_file);

// A selector names cases: "<agent>/<id>", "<id>" or "<agent>".
bool selects(const Case& spec, std::string_view selector);

struct PendingCandidate {
  const LoadedCase* loaded = nullptr;  // points into the suite passed to find_candidates
  Candidate candidate;
};
// The candidates of the suite's loaded cases, in the suite's order. A
// candidate of a case that does not load is not here: the load error says
// what to fix first (and `find_orphans` reports one without any case file).
std::vector<PendingCandidate> find_candidates(const Suite& suite);

struct ActionResult {
  bool ok = false;
  std::string detail;  // what was done, or why not
};
// Renames a complete candidate over the accepted fixture, or finishes an
// interrupted accept. Refuses an incomplete candidate, and when there is none.
ActionResult accept_candidate(const Case& spec);
// Deletes the candidate files (sidecar first); refuses when there are none.
ActionResult reject_candidate(const Case& spec);

// Files under an eval root that no case owns, and cases without their accepted completion.
struct Orphan {
  enum class Kind { completion, sidecar, candidate_completion, candidate_sidecar, case_without_completion };
  Kind kind = Kind::completion;
  std::filesystem::path path;  // the file without a case, or the case file without a completion
};
// "completion without a case", ..., "case without a completion".
std::string_view to_string(Orphan::Kind kind);
// Sorted by path. A file is owned by the <id>.yaml beside it; hidden files
// (a temporary of an atomic write) are not looked at.
std::vector<Orphan> find_orphans(const std::filesystem::path& eval_root);

}  // namespace reprise::eval
