#include "reprise/eval/candidate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "reprise/util/files.hpp"

namespace fs = std::filesystem;

namespace reprise::eval {
namespace {

bool file_exists(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

// "file:line:col: message", or "file: message" for the file as a whole.
std::string one_line(const LoadError& error) {
  if (error.pos.line == 0) return fmt::format("{}: {}", error.file, error.message);
  return fmt::format("{}:{}:{}: {}", error.file, error.pos.line, error.pos.column, error.message);
}

util::Expected<Fixture, std::string> read_sidecar(const fs::path& path) {
  std::string error;
  auto text = util::read_file(path, &error);
  if (!text) return util::unexpected(fmt::format("{}: {}", display_path(path), error));
  auto fixture = parse_fixture(*text, display_path(path));
  if (!fixture) return util::unexpected(one_line(fixture.error()));
  return std::move(*fixture);
}

util::Expected<std::vector<std::string>, std::string> read_completion(const fs::path& path) {
  std::string error;
  auto text = util::read_file(path, &error);
  if (!text) return util::unexpected(fmt::format("{}: {}", display_path(path), error));
  if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
    return util::unexpected(fmt::format("{}: the completion is empty", display_path(path)));
  }
  auto sections = split_completion(*text, display_path(path));
  if (!sections) return util::unexpected(one_line(sections.error()));
  return std::move(*sections);
}

Candidate incomplete(Candidate candidate, std::string problem) {
  candidate.state = CandidateState::incomplete;
  candidate.problem = std::move(problem);
  candidate.completions.clear();
  candidate.fixture = {};
  return candidate;
}

// Only the sidecar: an accept stopped between its renames, when the sidecar
// fits the completion that was moved; anything else is left for a person.
Candidate sidecar_alone(Candidate candidate) {
  const fs::path sidecar = candidate_sidecar_path_for(candidate.case_file);
  auto fixture = read_sidecar(sidecar);
  if (!fixture) return incomplete(std::move(candidate), fixture.error());
  auto accepted = read_completion(completion_path_for(candidate.case_file));
  if (!accepted || accepted->size() != fixture->calls.size()) {
    return incomplete(std::move(candidate),
                      fmt::format("{}: a candidate sidecar without its completion {}, and it does not fit the accepted completion",
                                  display_path(sidecar), display_path(candidate_completion_path_for(candidate.case_file))));
  }
  candidate.state = CandidateState::interrupted_accept;
  candidate.fixture = std::move(*fixture);
  return candidate;
}

ActionResult rename_over(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) return {false, fmt::format("cannot rename {} to {}: {}", display_path(from), display_path(to), ec.message())};
  return {true, ""};
}

}  // namespace

std::string_view to_string(CandidateState state) {
  switch (state) {
    case CandidateState::complete: return "complete";
    case CandidateState::incomplete: return "incomplete";
    case CandidateState::interrupted_accept: return "interrupted_accept";
  }
  return "unknown";
}

bool has_candidate(const fs::path& case_file) {
  return file_exists(candidate_completion_path_for(case_file)) || file_exists(candidate_sidecar_path_for(case_file));
}

std::optional<Candidate> load_candidate(const fs::path& case_file) {
  const fs::path completion = candidate_completion_path_for(case_file);
  const fs::path sidecar = candidate_sidecar_path_for(case_file);
  bool has_completion = file_exists(completion);
  bool has_sidecar = file_exists(sidecar);
  if (!has_completion && !has_sidecar) return std::nullopt;
  Candidate candidate{case_file, CandidateState::complete, "", {}, {}};
  if (!has_completion) return sidecar_alone(std::move(candidate));
  if (!has_sidecar) {
    return incomplete(std::move(candidate), fmt::format("{}: no candidate sidecar {} beside it (the live run stopped before writing it?)",
                                                        display_path(completion), display_path(sidecar)));
  }
  auto sections = read_completion(completion);
  if (!sections) return incomplete(std::move(candidate), sections.error());
  auto fixture = read_sidecar(sidecar);
  if (!fixture) return incomplete(std::move(candidate), fixture.error());
  if (fixture->calls.size() != sections->size()) {
    return incomplete(std::move(candidate), fmt::format("{}: the candidate sidecar records {} call(s) but its completion has {} section(s)",
                                                        display_path(sidecar), fixture->calls.size(), sections->size()));
  }
  candidate.completions = std::move(*sections);
  candidate.fixture = std::move(*fixture);
  return candidate;
}

bool selects(const Case& spec, std::string_view selector) {
  return selector == spec.test_name() || selector == spec.id || selector == spec.agent;
}

std::vector<PendingCandidate> find_candidates(const Suite& suite) {
  std::vector<PendingCandidate> pending;
  for (const auto& loaded : suite.cases) {
    if (auto candidate = load_candidate(loaded.spec.path)) pending.push_back({&loaded, std::move(*candidate)});
  }
  return pending;
}

ActionResult accept_candidate(const Case& spec) {
  auto candidate = load_candidate(spec.path);
  if (!candidate) return {false, "no candidate to accept"};
  const fs::path sidecar = candidate_sidecar_path_for(spec.path);
  switch (candidate->state) {
    case CandidateState::incomplete:
      return {false, "the candidate is incomplete, reject it: " + candidate->problem};
    case CandidateState::interrupted_accept: {
      ActionResult moved = rename_over(sidecar, spec.fixture_path());
      if (!moved.ok) return moved;
      return {true, "finished an interrupted accept (the completion was already in place; now the sidecar)"};
    }
    case CandidateState::complete: break;
  }
  ActionResult completion = rename_over(candidate_completion_path_for(spec.path), spec.completion_path());
  if (!completion.ok) return completion;
  ActionResult moved = rename_over(sidecar, spec.fixture_path());
  if (!moved.ok) {
    return {false, moved.detail + "; the completion is accepted but its sidecar is not: review again to finish"};
  }
  return {true, fmt::format("{} call(s) accepted", candidate->fixture.calls.size())};
}

ActionResult reject_candidate(const Case& spec) {
  if (!has_candidate(spec.path)) return {false, "no candidate to reject"};
  int removed = 0;
  // The sidecar first: a completion left alone is an incomplete candidate,
  // never mistaken for an interrupted accept.
  for (const fs::path& file : {candidate_sidecar_path_for(spec.path), candidate_completion_path_for(spec.path)}) {
    std::error_code ec;
    bool gone = fs::remove(file, ec);
    if (ec) return {false, fmt::format("cannot delete {}: {}", display_path(file), ec.message())};
    removed += gone ? 1 : 0;
  }
  return {true, fmt::format("{} candidate file(s) deleted", removed)};
}

std::string_view to_string(Orphan::Kind kind) {
  switch (kind) {
    case Orphan::Kind::completion: return "completion without a case";
    case Orphan::Kind::sidecar: return "sidecar without a case";
    case Orphan::Kind::candidate_completion: return "candidate completion without a case";
    case Orphan::Kind::candidate_sidecar: return "candidate sidecar without a case";
    case Orphan::Kind::case_without_completion: return "case without a completion";
  }
  return "unknown";
}

std::vector<Orphan> find_orphans(const fs::path& eval_root) {
  // Disjoint: no file name ends with two of them.
  static constexpr std::array<std::pair<std::string_view, Orphan::Kind>, 4> kSuffixes{{
      {".completion.candidate.txt", Orphan::Kind::candidate_completion},
      {".completion.txt", Orphan::Kind::completion},
      {".candidate.json", Orphan::Kind::candidate_sidecar},
      {".fixture.json", Orphan::Kind::sidecar},
  }};
  std::vector<Orphan> orphans;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(eval_root, fs::directory_options::skip_permission_denied, ec), end; it != end;
       it.increment(ec)) {
    if (ec) break;
    const std::string name = it->path().filename().string();
    if (name.starts_with(".")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory(ec)) continue;
    if (name.ends_with(".yaml")) {
      if (!file_exists(completion_path_for(it->path()))) orphans.push_back({Orphan::Kind::case_without_completion, it->path()});
      continue;
    }
    for (const auto& [suffix, kind] : kSuffixes) {
      if (!name.ends_with(suffix)) continue;
      fs::path owner = it->path().parent_path() / (name.substr(0, name.size() - suffix.size()) + ".yaml");
      if (!file_exists(owner)) orphans.push_back({kind, it->path()});
      break;
    }
  }
  std::sort(orphans.begin(), orphans.end(), [](const Orphan& a, const Orphan& b) { return a.path < b.path; });
  return orphans;
}

}  // namespace reprise::eval
