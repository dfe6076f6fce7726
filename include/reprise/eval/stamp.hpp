#pragma once
// Writing request fingerprints into fixture sidecars.
//
// stamp: for a hand-written case (a completion, perhaps a seed sidecar with
//   tool_use blocks), write the sidecar: per call the fingerprint of the
//   request the agent builds today and that request itself, its model, stop
//   reason and estimated usage, with provenance "hand-written". Calls already
//   stamped are left alone, except that one stamped before requests were
//   recorded gets today's request when its fingerprint is still the stamped
//   one (the same request, so nothing changes meaning); a stale one is
//   refused (that is restamp's job).
// restamp: acknowledge a reviewed prompt edit that keeps a recorded answer
//   valid. Only for a stale case whose expectations still pass; the old
//   fingerprint is kept in the call's `restamps` list with the reason, and
//   the new fingerprint and request replace the old ones.
//
// Both write the sidecar atomically and never touch the case or completion.
#include <string>
#include <vector>

#include "reprise/eval/suite.hpp"

namespace reprise::eval {

enum class StampMode { stamp, restamp };

struct StampResult {
  std::string test_name;
  enum class Status { written, unchanged, refused } status = Status::unchanged;
  std::string detail;
};

// `selectors`: "<agent>/<id>", "<id>" or "<agent>"; empty selects every case.
// Returns one result per selected case; unknown selectors are reported as refused.
std::vector<StampResult> stamp_cases(const Suite& suite, const std::vector<std::string>& selectors, StampMode mode,
                                     const std::string& reason);

}  // namespace reprise::eval
