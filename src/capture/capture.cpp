#include "reprise/capture/capture.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "reprise/capture/case_draft.hpp"
#include "reprise/capture/redactor.hpp"
#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/util/files.hpp"

namespace fs = std::filesystem;

namespace reprise::capture {
namespace {

class Collector {
 public:
  explicit Collector(CaptureReport& report) : report_(report) {}

  void skip(SkipReason reason, std::string where, std::string message, bool list = true) {
    ++report_.skipped[static_cast<std::size_t>(reason)];
    if (list && report_.problems.size() < kMaxReportedProblems) report_.problems.push_back({reason, std::move(where), std::move(message)});
  }

 private:
  CaptureReport& report_;
};

// The fingerprint keys (fingerprints in call order, joined by ',') of every
// existing case's sidecar under eval/<agent>/cases/. Unreadable sidecars are
// skipped: the suite's own load reports them.
std::set<std::string> existing_fingerprint_keys(const fs::path& eval_root) {
  std::set<std::string> keys;
  std::error_code ec;
  for (fs::directory_iterator agent(eval_root, ec), end; !ec && agent != end; agent.increment(ec)) {
    fs::path cases = agent->path() / "cases";
    std::error_code inner;
    for (fs::directory_iterator file(cases, inner); !inner && file != end; file.increment(inner)) {
      std::string name = file->path().filename().string();
      if (!name.ends_with(".fixture.json")) continue;
      auto text = util::read_file(file->path());
      if (!text) continue;
      Json sidecar = Json::parse(*text, nullptr, false);
      if (!sidecar.is_object() || !sidecar.contains("calls") || !sidecar["calls"].is_array()) continue;
      std::string key;
      for (const auto& call : sidecar["calls"]) {
        if (!key.empty()) key += ',';
        if (call.is_object()) key += call.value("request_sha256", "");
      }
      keys.insert(std::move(key));
    }
  }
  return keys;
}

// A private folder, removed with everything in it when done.
class StagingFolder {
 public:
  StagingFolder() {
    std::string pattern = (fs::temp_directory_path() / "reprise-capture-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a staging folder under " + fs::temp_directory_path().string());
    path_ = pattern;
  }
  ~StagingFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_case_files(const fs::path& folder, const Draft& draft) {
  fs::create_directories(folder);
  fs::path yaml = folder / (draft.id + ".yaml");
  // The case file last: until it exists, the other two are not a case.
  util::write_file_atomically(eval::completion_path_for(yaml), draft.completion);
  util::write_file_atomically(eval::fixture_path_for(yaml), draft.sidecar);
  util::write_file_atomically(yaml, draft.yaml);
}

// Loads the staged case as a run loads eval/ and replays it: empty when it
// is green with the logged fingerprints, else why not.
std::string check_staged(const fs::path& staging_root, const Draft& draft) {
  eval::LoadOptions load;
  load.jobs = 1;
  load.save_cache = false;
  eval::Suite suite = eval::load_suite(staging_root, load);
  if (!suite.broken.empty()) {
    std::string why = "the case does not load:";
    for (const auto& error : suite.broken.front().errors) why += " " + error.message + ";";
    return why;
  }
  if (suite.cases.size() != 1) return fmt::format("the staged folder holds {} cases, not 1", suite.cases.size());
  const eval::LoadedCase& loaded = suite.cases.front();
  if (loaded.spec.input != draft.input) return "the case file does not read back the logged input";
  eval::CaseOutcome outcome = eval::replay_case(loaded);
  if (outcome.error) return "replay: the agent failed: " + outcome.error->message;
  for (const auto& result : outcome.results) {
    if (!result.passed) return fmt::format("replay: {} failed: {}", result.expression, result.message);
  }
  if (outcome.calls.size() != draft.fingerprints.size()) {
    return fmt::format("replay: the agent made {} call(s); the log has {}", outcome.calls.size(), draft.fingerprints.size());
  }
  for (std::size_t i = 0; i < outcome.calls.size(); ++i) {
    if (outcome.calls[i].fingerprint != draft.fingerprints[i]) {
      return fmt::format("call {}: the request the agent builds today (fingerprint {}) differs from the logged one ({}): "
                         "the prompt, model or agent changed since the log was written",
                         i + 1, outcome.calls[i].fingerprint.substr(0, 12), draft.fingerprints[i].substr(0, 12));
    }
  }
  return {};
}

// The file that holds a secret-looking string, and where, or empty.
std::string secret_in(const Draft& draft, const Redactor& redactor) {
  const std::pair<const char*, const std::string*> files[] = {
      {".yaml", &draft.yaml}, {".completion.txt", &draft.completion}, {".fixture.json", &draft.sidecar}};
  for (const auto& [suffix, text] : files) {
    if (auto found = redactor.find(*text)) return fmt::format("{}{}: {}", draft.id, suffix, found->describe());
  }
  return {};
}

bool inside(const fs::path& path, const fs::path& root) {
  std::error_code ec;
  fs::path relative = fs::weakly_canonical(path, ec).lexically_relative(fs::weakly_canonical(root, ec));
  return !ec && !relative.empty() && *relative.begin() != "..";
}

// Standard input, copied to a private file as it is read, so the second
// pass (payloads) can read it again without holding it in memory.
class SpooledInput {
 public:
  explicit SpooledInput(const fs::path& folder) : path_(folder / "stdin.log") {
    std::ofstream out(path_, std::ios::binary);
    std::vector<char> chunk(1 << 20);
    while (std::cin.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || std::cin.gcount() > 0) {
      out.write(chunk.data(), std::cin.gcount());
    }
    if (!out) throw std::runtime_error("cannot copy standard input to " + path_.string());
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Source {
  std::string name;  // as given: a path, or "-"
  fs::path path;     // what to read
};

// Numbers the records of each line (0, 1, ...), so the second pass finds
// the same record again by (line, ordinal).
class RecordCounter {
 public:
  std::size_t next(std::size_t line) {
    ordinal_ = line == line_ ? ordinal_ + 1 : 0;
    line_ = line;
    return ordinal_;
  }

 private:
  std::size_t line_ = 0, ordinal_ = 0;
};

// Pass 1: every record's header, without its payload (memory stays flat
// in the size of the log). Sources that cannot be opened are fatal.
void read_headers(const std::vector<Source>& sources, const CaptureOptions& options, CaptureReport& report,
                  Collector& collector, Grouper& grouper) {
  for (const auto& source : sources) {
    std::ifstream file(source.path, std::ios::binary);
    if (!file) {
      report.fatal = fmt::format("cannot open {}: {}", source.name, std::strerror(errno));
      return;
    }
    RecordCounter counter;
    auto on_record = [&](Json record, const Origin& origin) {
      std::size_t ordinal = counter.next(origin.line);
      auto call = parse_logged_call(record, origin);
      if (!call) return collector.skip(SkipReason::malformed, origin.describe(), "llm_call record: " + call.error());
      ++report.records;
      if (!call->has_payload()) return collector.skip(SkipReason::prod, origin.describe(), "", false);
      // An agent not asked for is not kept (memory). Every call of an
      // invocation names its agent, and each invocation has one call 0, so
      // counting those counts the invocations filtered out.
      if (!options.filter.agents.empty() && !options.filter.agents.contains(call->agent)) {
        if (call->call_index == 0) collector.skip(SkipReason::filtered, "", "", false);
        return;
      }
      call->ordinal = ordinal;
      if (!grouper.add(*call)) {
        collector.skip(SkipReason::duplicate, origin.describe(), "the same record (invocation, call and fingerprint) as an earlier line");
      }
    };
    auto on_problem = [&](const Origin& origin, std::string message) {
      collector.skip(SkipReason::malformed, origin.describe(), std::move(message));
    };
    ReadOptions first_pass = options.read;
    first_pass.limits.headers_only = true;
    ReadStats stats = read_log(file, source.name, first_pass, on_record, on_problem);
    ++report.sources;
    report.lines += stats.lines;
    report.bytes += stats.bytes;
    report.control_messages += stats.control_messages;
  }
}

// Pass 2: the payloads of the chosen invocations' calls, read again from
// their sources. Problems were reported by pass 1.
void read_payloads(const std::vector<Source>& sources, const CaptureOptions& options,
                   std::vector<Invocation*>& chosen) {
  std::map<std::string, std::map<std::pair<std::size_t, std::size_t>, LoggedCall*>> wanted;  // by source name
  for (Invocation* invocation : chosen) {
    for (auto& call : invocation->calls) wanted[call.origin.source][{call.origin.line, call.ordinal}] = &call;
  }
  for (const auto& source : sources) {
    auto calls = wanted.find(source.name);
    if (calls == wanted.end()) continue;
    std::ifstream file(source.path, std::ios::binary);
    std::set<std::size_t> lines;
    for (const auto& [at, call] : calls->second) lines.insert(at.first);
    ReadOptions second_pass = options.read;
    second_pass.only_lines = &lines;
    RecordCounter counter;
    auto on_record = [&](Json record, const Origin& origin) {
      std::size_t ordinal = counter.next(origin.line);
      auto it = calls->second.find({origin.line, ordinal});
      if (it == calls->second.end()) return;
      // The whole record again, now with its payloads and its full origin.
      auto full = parse_logged_call(std::move(record), origin);
      if (!full || full->prompt_sha256 != it->second->prompt_sha256) return;  // changed since: the draft says so
      full->ordinal = ordinal;
      *it->second = std::move(*full);
    };
    // A line the first pass skimmed may still hold a payload that is not
    // JSON: say so on its calls (the draft reports it as malformed).
    auto on_problem = [&](const Origin& origin, const std::string& message) {
      for (auto it = calls->second.lower_bound({origin.line, 0}); it != calls->second.end() && it->first.first == origin.line; ++it) {
        if (it->second->request.is_null()) it->second->reread_problem = message;
      }
    };
    read_log(file, source.name, second_pass, on_record, on_problem);
  }
}

// Whole, wanted, and new: the invocations that may become cases, in log
// order. Only these are kept in full (Grouper::drain).
std::vector<Invocation> eligible(Grouper& grouper, const CaptureOptions& options, CaptureReport& report,
                                 Collector& collector) {
  std::set<std::string> existing = existing_fingerprint_keys(options.eval_root);
  std::set<std::string> seen;
  std::vector<Invocation> kept;
  grouper.drain([&](Invocation invocation) {
    ++report.invocations;
    std::string where = invocation.first().origin.describe();
    if (!matches(options.filter, invocation)) {
      collector.skip(SkipReason::filtered, where, "", false);
    } else if (auto why = incomplete_reason(invocation); !why.empty()) {
      collector.skip(SkipReason::incomplete, where, why);
    } else if (invocation.failed()) {
      collector.skip(SkipReason::failed_call, where, fmt::format("invocation {}: a call failed, so there is no answer to replay", invocation.id));
    } else if (!seen.insert(invocation.fingerprint_key()).second) {
      collector.skip(SkipReason::duplicate, where, fmt::format("invocation {}: the same request(s) as an earlier record", invocation.id));
    } else if (existing.contains(invocation.fingerprint_key())) {
      collector.skip(SkipReason::existing_case, where, fmt::format("invocation {}: an existing case records the same request(s)", invocation.id));
    } else {
      kept.push_back(std::move(invocation));
    }
  });
  return kept;
}

std::vector<Invocation*> choose(std::vector<Invocation*> candidates, const CaptureOptions& options,
                                Collector& collector) {
  std::vector<Invocation*> chosen;
  if (options.sample) {
    for (std::size_t i : sample_indices(candidates.size(), *options.sample, options.seed)) chosen.push_back(candidates[i]);
  } else {
    chosen = candidates;
  }
  if (options.limit && chosen.size() > *options.limit) chosen.resize(*options.limit);
  for (std::size_t i = chosen.size(); i < candidates.size(); ++i) collector.skip(SkipReason::not_sampled, "", "", false);
  return chosen;
}

void capture_one(const Invocation& invocation, const CaptureOptions& options, const Redactor& redactor,
                 CaptureReport& report, Collector& collector) {
  std::string where = invocation.first().origin.describe();
  auto draft = draft_case(invocation, {options.score_tolerance, &redactor});
  if (!draft) {
    collector.skip(draft.error().reason, where, draft.error().message);
    if (draft.error().reason == SkipReason::kept_aside) {
      report.cases.push_back({CapturedCase::Status::kept_aside, invocation.first().agent + "/?", {}, where,
                              invocation.calls.size(), "", draft.error().message});
    }
    return;
  }
  CapturedCase captured;
  captured.test_name = draft->agent + "/" + draft->id;
  captured.case_file = options.eval_root / draft->agent / "cases" / (draft->id + ".yaml");
  captured.where = where;
  captured.calls = invocation.calls.size();
  captured.verdict = draft->verdict;

  if (auto secret = secret_in(*draft, redactor); !secret.empty()) {
    captured.status = CapturedCase::Status::refused;
    captured.detail = "a secret-looking string survived redaction in " + secret;
    collector.skip(SkipReason::secret, where, captured.detail);
    report.cases.push_back(std::move(captured));
    return;
  }
  StagingFolder staging;
  write_case_files(staging.path() / draft->agent / "cases", *draft);
  if (std::string why = check_staged(staging.path(), *draft); !why.empty()) {
    captured.status = CapturedCase::Status::kept_aside;
    captured.detail = why;
    collector.skip(SkipReason::kept_aside, where, captured.test_name + ": " + why);
    if (!options.rejected_dir.empty() && !options.dry_run) {
      write_case_files(options.rejected_dir / draft->agent, *draft);
      captured.detail += fmt::format(" (copied to {})", (options.rejected_dir / draft->agent).string());
    }
    report.cases.push_back(std::move(captured));
    return;
  }
  fs::path folder = captured.case_file.parent_path();
  std::error_code ec;
  bool taken = fs::exists(captured.case_file, ec) || fs::exists(eval::completion_path_for(captured.case_file), ec) ||
               fs::exists(eval::fixture_path_for(captured.case_file), ec);
  if (taken) {
    collector.skip(SkipReason::case_exists, where, captured.case_file.string() + " (or its completion or sidecar) exists; not overwritten");
    return;
  }
  if (options.dry_run) {
    captured.status = CapturedCase::Status::would_write;
  } else {
    fs::create_directories(folder);
    if (!inside(captured.case_file, options.eval_root)) {
      captured.status = CapturedCase::Status::refused;
      captured.detail = captured.case_file.string() + " resolves outside " + options.eval_root.string() + "; refusing to write";
      collector.skip(SkipReason::case_exists, where, captured.detail);
      report.cases.push_back(std::move(captured));
      return;
    }
    write_case_files(folder, *draft);
    captured.status = CapturedCase::Status::written;
  }
  report.cases.push_back(std::move(captured));
}

}  // namespace

std::size_t CaptureReport::written() const {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const CapturedCase& c) {
    return c.status == CapturedCase::Status::written || c.status == CapturedCase::Status::would_write;
  }));
}

int CaptureReport::exit_code() const { return !fatal.empty() || count(SkipReason::secret) > 0 ? 1 : 0; }

CaptureReport run_capture(const CaptureOptions& options) {
  CaptureReport report;
  Collector collector(report);
  auto redactor = Redactor::with_patterns(options.secret_patterns);
  if (!redactor) {
    report.fatal = redactor.error();
    return report;
  }
  std::error_code ec;
  if (!fs::is_directory(options.eval_root, ec)) {
    report.fatal = fmt::format("{}: not a folder (the eval root to write cases under)", options.eval_root.string());
    return report;
  }
  try {
    std::optional<StagingFolder> spool;
    std::vector<Source> sources;
    for (const auto& name : options.sources) {
      if (name != "-") {
        sources.push_back({name, name});
        continue;
      }
      if (!spool) spool.emplace();
      SpooledInput input(spool->path());
      sources.push_back({name, input.path()});
    }
    Grouper grouper;
    read_headers(sources, options, report, collector, grouper);
    if (!report.fatal.empty()) return report;
    std::vector<Invocation> wanted = eligible(grouper, options, report, collector);
    std::vector<Invocation*> candidates;
    for (auto& invocation : wanted) candidates.push_back(&invocation);
    auto chosen = choose(std::move(candidates), options, collector);
    read_payloads(sources, options, chosen);
    for (Invocation* invocation : chosen) capture_one(*invocation, options, *redactor, report, collector);
  } catch (const std::exception& error) {
    report.fatal = error.what();  // a write failed: the cases before it are written whole
  }
  return report;
}

std::string render_capture_report(const CaptureReport& report, bool dry_run) {
  std::string out;
  for (const auto& problem : report.problems) {
    out += fmt::format("{}: {}: {}\n", problem.where.empty() ? "capture" : problem.where, to_string(problem.reason), problem.message);
  }
  for (const auto& captured : report.cases) {
    switch (captured.status) {
      case CapturedCase::Status::written:
        out += fmt::format("wrote {} ({} call(s), {}) from {}\n", captured.case_file.generic_string(), captured.calls, captured.verdict, captured.where);
        break;
      case CapturedCase::Status::would_write:
        out += fmt::format("would write {} ({} call(s), {}) from {}\n", captured.case_file.generic_string(), captured.calls, captured.verdict, captured.where);
        break;
      case CapturedCase::Status::kept_aside:
      case CapturedCase::Status::refused: break;  // listed with the problems
    }
  }
  out += fmt::format("capture: read {} source(s), {} line(s); {} llm_call record(s), {} capturable invocation(s)\n",
                     report.sources, report.lines, report.records, report.invocations);
  if (report.control_messages) out += fmt::format("  subscription control messages skipped: {}\n", report.control_messages);
  for (int i = 0; i < kSkipReasons; ++i) {
    auto reason = static_cast<SkipReason>(i);
    std::size_t count = report.count(reason);
    if (count == 0) continue;
    bool records = reason == SkipReason::malformed || reason == SkipReason::prod;
    out += fmt::format("  skipped, {}: {} {}\n", to_string(reason), count, records ? (reason == SkipReason::malformed ? "line(s) or record(s)" : "record(s)") : "invocation(s)");
  }
  if (report.count(SkipReason::prod) > 0) {
    out += "  prod records hold only the request fingerprint (no request, answer or input): nothing to build a case from; "
           "log with ENVIRONMENT=non-prod to capture\n";
  }
  if (report.problems.size() == kMaxReportedProblems) out += fmt::format("  (only the first {} problems are listed)\n", kMaxReportedProblems);
  out += fmt::format("  {}: {} case(s)\n", dry_run ? "would write" : "written", report.written());
  if (!report.fatal.empty()) out += "capture: error: " + report.fatal + "\n";
  return out;
}

}  // namespace reprise::capture
