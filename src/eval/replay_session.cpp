// This file is also where Catch2's implementation is compiled, once for every
// Catch2 binary: Catch2 2.x declares Session and Config only in the
// translation unit that defines CATCH_CONFIG_RUNNER, and the replay session
// needs both. reprise supplies its own main() (eval/main.cpp, tests/main.cpp).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "reprise/eval/replay_session.hpp"
#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <iostream>
#include <thread>

#include "reprise/eval/case_cache.hpp"
#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/dry_run.hpp"
#include "reprise/eval/live_run.hpp"
#include "reprise/eval/mode_execution.hpp"
#include "reprise/eval/settings.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/eval/summary.hpp"
#include "reprise/util/files.hpp"
#include "reprise/util/parallel.hpp"

namespace reprise::eval {
namespace {

// Reports one assertion at a case file's line, as the CHECK macros would at a C++ line.
void report_assertion(const char* file, int line, bool passed, const std::string& message,
                      Catch::ResultWas::OfType failure = Catch::ResultWas::ExplicitFailure) {
  Catch::AssertionHandler handler("EXPECT", Catch::SourceLineInfo(file, static_cast<std::size_t>(std::max(line, 1))),
                                  Catch::StringRef(), Catch::ResultDisposition::ContinueOnFailure);
  handler.handleMessage(passed ? Catch::ResultWas::Ok : failure, message);
  handler.complete();
}

Catch::ResultWas::OfType result_of(CaseNote::Kind kind) {
  switch (kind) {
    case CaseNote::Kind::info: return Catch::ResultWas::Ok;
    case CaseNote::Kind::warning: return Catch::ResultWas::Warning;
    case CaseNote::Kind::failure: return Catch::ResultWas::ExplicitFailure;
  }
  return Catch::ResultWas::ExplicitFailure;
}

class ReplayRun {
 public:
  ReplayRun(Suite suite, RunSettings settings)
      : suite_(std::move(suite)), settings_(std::move(settings)), execution_(suite_.cases.size()) {}

  void register_tests();
  // Runs the cases Catch2 selected in the run's mode. False when the mode
  // refused to run (the reason is on stderr); nothing was run then.
  bool execute(const Catch::Config& config, bool colour);
  std::optional<CaseOutcome> reuse_outcome(const LoadedCase& loaded) const;
  CaseOutcome replay_or_explain(const LoadedCase& loaded) const;
  void report_case(std::size_t index);
  void report_broken(std::size_t index);

  const Suite& suite() const { return suite_; }
  RunSummary& summary() { return summary_; }
  const ModeExecution& execution() const { return execution_; }

 private:
  // Catch2 keeps `const char*` file names: they must outlive the session.
  const char* keep(std::string text) { return strings_.emplace_back(std::move(text)).c_str(); }

  std::vector<std::size_t> selected_cases(const Catch::Config& config) const;
  void replay_cached(const std::vector<std::size_t>& work);
  // Cached mode only, and never under CI: a CI run writes nothing.
  bool writes_cache() const { return suite_.cache && !settings_.ci; }

  Suite suite_;
  RunSettings settings_;
  ModeExecution execution_;  // outcomes and notes by case index, for every mode
  std::deque<std::string> strings_;
  RunSummary summary_;
};

class CaseInvoker final : public Catch::ITestInvoker {
 public:
  CaseInvoker(ReplayRun& run, std::size_t index, bool broken) : run_(run), index_(index), broken_(broken) {}
  void invoke() const override { broken_ ? run_.report_broken(index_) : run_.report_case(index_); }

 private:
  ReplayRun& run_;
  std::size_t index_;
  bool broken_;
};

std::string tags_of(const std::string& agent, const std::vector<std::string>& tags) {
  std::string text = "[" + agent + "]";
  for (const auto& tag : tags) text += "[" + tag + "]";
  return text;
}

void ReplayRun::register_tests() {
  auto& hub = Catch::getMutableRegistryHub();
  for (std::size_t i = 0; i < suite_.cases.size(); ++i) {
    const Case& spec = suite_.cases[i].spec;
    const char* file = keep(spec.display_path);
    hub.registerTest(Catch::makeTestCase(new CaseInvoker(*this, i, false), "",
                                         Catch::NameAndTags(keep(spec.test_name()), keep(tags_of(spec.agent, spec.tags))),
                                         Catch::SourceLineInfo(file, static_cast<std::size_t>(std::max(spec.id_pos.line, 1)))));
  }
  for (std::size_t i = 0; i < suite_.broken.size(); ++i) {
    const BrokenCase& broken = suite_.broken[i];
    std::string agent = broken.test_name.substr(0, broken.test_name.find('/'));
    hub.registerTest(Catch::makeTestCase(new CaseInvoker(*this, i, true), "",
                                         Catch::NameAndTags(keep(broken.test_name), keep("[" + agent + "][load-error]")),
                                         Catch::SourceLineInfo(keep(broken.display_path), 1)));
  }
}

std::vector<std::size_t> ReplayRun::selected_cases(const Catch::Config& config) const {
  const auto& all = Catch::getAllTestCasesSorted(config);
  std::vector<Catch::TestCase> selected;
  if (config.hasTestFilters()) {
    selected = Catch::filterTests(all, config.testSpec(), config);
  } else {
    std::copy_if(all.begin(), all.end(), std::back_inserter(selected), [](const Catch::TestCase& test) { return !test.isHidden(); });
  }
  std::unordered_map<std::string, std::size_t> index_by_name;
  for (std::size_t i = 0; i < suite_.cases.size(); ++i) index_by_name[suite_.cases[i].spec.test_name()] = i;
  std::vector<std::size_t> work;
  for (const auto& test : selected) {
    if (auto it = index_by_name.find(test.name); it != index_by_name.end()) work.push_back(it->second);
  }
  return work;
}

bool ReplayRun::execute(const Catch::Config& config, bool colour) {
  std::vector<std::size_t> work = selected_cases(config);
  switch (settings_.mode) {
    case RunMode::cached:
      replay_cached(work);
      return true;
    case RunMode::dry_run:
      execution_ = execute_dry_run(suite_, work, settings_.jobs, dry_run_target_from(llm::read_client_environment()), colour);
      return true;
    case RunMode::live: {
      LiveSessionOptions options{settings_.jobs ? settings_.jobs : 4u, settings_.max_usd, settings_.ci, settings_.force_live,
                                 ::isatty(2) == 1};
      auto live = execute_live(suite_, work, options, std::cerr);
      if (!live) {
        std::cerr << "reprise-eval: " << live.error() << "\n";
        return false;
      }
      execution_ = std::move(*live);
      return true;
    }
  }
  return false;
}

void ReplayRun::replay_cached(const std::vector<std::size_t>& work) {
  std::atomic<int> reused{0};
  util::for_each_index(work.size(), settings_.jobs, [&](std::size_t i) {
    const LoadedCase& loaded = suite_.cases[work[i]];
    if (auto known = reuse_outcome(loaded)) {
      execution_.outcomes[work[i]] = std::move(*known);
      ++reused;
      return;
    }
    CaseOutcome outcome = replay_or_explain(loaded);
    if (writes_cache() && !loaded.outcome_cached) suite_.cache->store_outcome(loaded.spec.path, loaded.inputs_digest, outcome_to_json(outcome));
    // Reporting reads the results, the stale calls, the error and the time,
    // never the request bodies or the parsed output: held for a whole suite
    // until Catch2 reports, those were most of a large run's memory.
    outcome.calls = {};
    outcome.output.reset();
    execution_.outcomes[work[i]] = std::move(outcome);
  });
  summary_.reused = reused;
  if (writes_cache()) suite_.cache->save();
}

// A case loaded for reuse has no completions to replay: if its stored
// outcome cannot be read after all, it fails with the reason rather than
// replaying nothing.
CaseOutcome ReplayRun::replay_or_explain(const LoadedCase& loaded) const {
  if (!loaded.outcome_cached) return replay_case(loaded);
  CaseOutcome outcome;
  outcome.error = agents::AgentError{agents::AgentError::Kind::input,
                                     "its cached outcome could not be read; run again with --no-cache", 0};
  return outcome;
}

// The outcome of the same case file, completion and sidecar under the same
// reprise executable: replay is deterministic, so it would be the same again.
std::optional<CaseOutcome> ReplayRun::reuse_outcome(const LoadedCase& loaded) const {
  if (!suite_.cache || loaded.inputs_digest.empty()) return std::nullopt;
  auto json = suite_.cache->find_outcome(loaded.spec.path, loaded.inputs_digest);
  if (!json) return std::nullopt;
  try {
    return outcome_from_json(*json);
  } catch (const Json::exception&) {
    return std::nullopt;  // a damaged entry costs a replay, nothing more
  }
}

void ReplayRun::report_case(std::size_t index) {
  const LoadedCase& loaded = suite_.cases[index];
  const char* file = loaded.spec.display_path.c_str();
  int id_line = loaded.spec.id_pos.line;
  for (const auto& note : execution_.notes[index]) report_assertion(file, id_line, note.kind == CaseNote::Kind::info, note.message, result_of(note.kind));
  if (execution_.not_run[index]) {
    summary_.add_not_run(loaded.spec.agent);
    return;
  }
  auto& known = execution_.outcomes[index];
  if (settings_.mode == RunMode::cached) {
    if (!known) known = reuse_outcome(loaded);
    if (!known) known = replay_or_explain(loaded);  // not pre-run (a spec Catch matched differently)
  } else if (!known) {
    report_assertion(file, id_line, false, "this case was not run: Catch2 selected it after the run had started");
    summary_.add(loaded.spec.agent, false, false, 0);
    return;
  }
  const CaseOutcome& outcome = *known;

  if (outcome.error) {
    report_assertion(file, id_line, false,
                     fmt::format("the {} agent failed ({}): {}", loaded.spec.agent, agents::to_string(outcome.error->kind),
                                 outcome.error->message));
  }
  for (const auto& result : outcome.results) {
    report_assertion(file, result.pos.line, result.passed,
                     result.passed ? result.expression : fmt::format("{}\n  {}", result.expression, result.message));
  }
  for (const auto& stale : outcome.stale) {
    std::string message = fmt::format(
        "stale fixture: {}\n  the prompt, model or input changed since the fixture was recorded: refresh it with a live run, "
        "or acknowledge a reviewed edit that keeps the answer valid with `reprise restamp {}`",
        describe_stale(stale), loaded.spec.test_name());
    report_assertion(file, id_line, false, message,
                     settings_.stale == StalePolicy::fail ? Catch::ResultWas::ExplicitFailure : Catch::ResultWas::Warning);
  }
  summary_.add(loaded.spec.agent, outcome.passed(settings_.stale), !outcome.stale.empty(), outcome.seconds);
}

void ReplayRun::report_broken(std::size_t index) {
  const BrokenCase& broken = suite_.broken[index];
  for (const auto& error : broken.errors) {
    report_assertion(keep(error.file), error.pos.line, false, "case failed to load: " + error.render());
  }
  std::string agent = broken.test_name.substr(0, broken.test_name.find('/'));
  summary_.add(agent, false, false, 0);
  ++summary_.load_errors;
}

void print_load_errors(const Suite& suite) {
  if (suite.broken.empty()) return;
  std::size_t count = 0;
  for (const auto& broken : suite.broken) count += broken.errors.size();
  std::cerr << fmt::format("reprise: {} problem(s) in {} case file(s); the other cases still run:\n\n", count, suite.broken.size());
  for (const auto& broken : suite.broken) {
    for (const auto& error : broken.errors) std::cerr << error.render() << "\n\n";
  }
}

bool is_listing(const Catch::Config& config) {
  return config.listTests() || config.listTestNamesOnly() || config.listTags() || config.listReporters();
}

// --live picks the mode: a dry run unless EVAL_LIVE_EXECUTE=1. Returns a
// usage problem: a live-only flag without --live.
std::optional<std::string> apply_live_flags(RunSettings& settings, bool live, bool force_live, double max_usd) {
  if (!live && (force_live || max_usd >= 0)) return "--force-live and --max-usd go with --live";
  if (max_usd >= 0) settings.max_usd = max_usd;
  settings.force_live = force_live;
  if (live) settings.mode = settings.live_execute ? RunMode::live : RunMode::dry_run;
  return std::nullopt;
}

// Cached mode reads and (outside CI) writes the parsed-case cache; the live
// modes read every file as it is now, and may run a case with no accepted
// completion yet.
LoadOptions load_options(const RunSettings& settings) {
  LoadOptions options;
  options.jobs = settings.jobs;
  options.save_cache = false;  // the run saves it once outcomes are recorded (ReplayRun::replay_cached)
  if (settings.mode == RunMode::cached) {
    options.cache_dir = settings.use_cache ? settings.cache_dir : std::filesystem::path();
  } else {
    options.require_fixture = false;
    options.require_completion = false;
  }
  return options;
}

// reprise's own flags, beside Catch2's.
struct SessionFlags {
  std::string eval_root, stale, summary_out;
  bool no_cache = false, live = false, force_live = false;
  int jobs = 0;
  double max_usd = -1;  // negative: not given
};

void add_reprise_options(Catch::Session& session, SessionFlags& flags) {
  using Catch::clara::Opt;
  session.cli(session.cli() |
              Opt(flags.eval_root, "dir")["--eval-root"]("the folder of <agent>/cases/ (default: eval)") |
              Opt(flags.stale, "fail|warn")["--stale"]("a stale fixture fails or warns (default: fail when CI is set)") |
              Opt(flags.jobs, "n")["-j"]["--jobs"]("cases run at once (default: one per core; 4 for live calls)") |
              Opt(flags.live)["--live"]("dry run: build and check every request, send nothing; with EVAL_LIVE_EXECUTE=1, call the API and write candidates") |
              Opt(flags.force_live)["--force-live"]("allow --live with EVAL_LIVE_EXECUTE=1 while CI is set") |
              Opt(flags.max_usd, "usd")["--max-usd"]("live: start no case once this many US dollars are spent") |
              Opt(flags.no_cache)["--no-cache"]("parse every case file, ignoring and not writing the parsed-case cache") |
              Opt(flags.summary_out, "file")["--summary-out"]("also write the summary table as Markdown to this file"));
}

// Flags override the environment's defaults. Returns a usage problem.
std::optional<std::string> apply_flags(RunSettings& settings, const SessionFlags& flags) {
  if (!flags.stale.empty()) {
    if (flags.stale != "fail" && flags.stale != "warn") return "--stale takes fail or warn, not '" + flags.stale + "'";
    settings.stale = flags.stale == "fail" ? StalePolicy::fail : StalePolicy::warn;
    settings.stale_origin = "flag";
  }
  settings.eval_root = flags.eval_root;
  settings.jobs = static_cast<unsigned>(std::max(flags.jobs, 0));
  if (flags.no_cache) settings.use_cache = false;
  return apply_live_flags(settings, flags.live, flags.force_live, flags.max_usd);
}

// Machine-readable reporters (or -o) own stdout; reports and the table then go to stderr.
bool writes_console(const Catch::Config& config) {
  return config.getReporterName() == "console" && config.getFilename().empty();
}

// After Catch2's output: the mode's report, then the summary table (and its Markdown copy).
int write_reports(ReplayRun& run, const Catch::Config& config, const std::string& summary_out) {
  std::ostream& out = writes_console(config) ? std::cout : std::cerr;
  if (!run.execution().report.empty()) out << "\n" << run.execution().report;
  out << "\n" << render_table(run.summary()) << std::flush;
  if (summary_out.empty()) return 0;
  try {
    util::write_file_atomically(summary_out, render_markdown(run.summary()));
  } catch (const std::exception& error) {
    std::cerr << "reprise-eval: " << error.what() << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int run_replay_session(int argc, char** argv) {
  auto started = std::chrono::steady_clock::now();
  RunSettings settings = settings_from_environment();
  SessionFlags flags;
  flags.eval_root = settings.eval_root.string();
  Catch::Session session;
  add_reprise_options(session, flags);
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  if (session.configData().showHelp) return 0;
  if (auto problem = apply_flags(settings, flags)) {
    std::cerr << "reprise-eval: " << *problem << "\n";
    return 2;
  }

  Catch::Config& config = session.config();
  ReplayRun run(load_suite(settings.eval_root, load_options(settings)), settings);
  if (!is_listing(config)) print_load_errors(run.suite());
  run.register_tests();
  if (is_listing(config)) {
    // What was parsed for the listing is kept for the run that follows (ctest discovers cases so).
    if (run.suite().cache && !settings.ci) run.suite().cache->save();
    return session.run();
  }

  if (settings.mode == RunMode::dry_run) {
    std::cerr << "reprise-eval: dry run (--live without EVAL_LIVE_EXECUTE=1): every request is built and checked, none is sent\n";
  }
  bool colour = !settings.no_colour && ::isatty(writes_console(config) ? 1 : 2) == 1;
  if (!run.execute(config, colour)) return 2;
  int failed = session.run();
  run.summary().wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (int rc = write_reports(run, config, flags.summary_out); rc != 0) return rc;
  return failed == 0 && run.execution().failed_extra == 0 ? 0 : 1;
}

int run_unit_test_session(int argc, char** argv) { return Catch::Session().run(argc, argv); }

}  // namespace reprise::eval
