// reprise: the maintenance commands around the cached replay. Thin: parse
// flags, call the library, print. The replay itself is reprise-eval.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <iostream>

#include "reprise/capture/capture.hpp"
#include "reprise/capture/secret_scan.hpp"
#include "reprise/eval/candidate.hpp"
#include "reprise/eval/review.hpp"
#include "reprise/eval/settings.hpp"
#include "reprise/eval/stamp.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/llm/pricing.hpp"
#include "reprise/util/clock.hpp"
#include "reprise/util/environment.hpp"
#include "reprise/util/files.hpp"

namespace {

using namespace reprise::eval;

int print_load_errors(const Suite& suite) {
  for (const auto& broken : suite.broken) {
    for (const auto& error : broken.errors) std::cerr << error.render() << "\n\n";
  }
  return suite.broken.empty() ? 0 : 1;
}

int run_stamp(const std::string& eval_root, const std::vector<std::string>& selectors, StampMode mode, const std::string& reason) {
  // Stamping writes sidecars, so it reads what is on disk now, not a cache.
  Suite suite = load_suite(eval_root, LoadOptions{mode == StampMode::restamp, 0, {}});
  int status = print_load_errors(suite);
  int written = 0, refused = 0;
  for (const auto& result : stamp_cases(suite, selectors, mode, reason)) {
    const char* word = result.status == StampResult::Status::written   ? "written"
                       : result.status == StampResult::Status::refused ? "REFUSED"
                                                                       : "unchanged";
    if (result.status != StampResult::Status::unchanged || !selectors.empty()) {
      std::cout << fmt::format("{:<9} {}: {}\n", word, result.test_name, result.detail);
    }
    written += result.status == StampResult::Status::written ? 1 : 0;
    refused += result.status == StampResult::Status::refused ? 1 : 0;
  }
  std::cout << fmt::format("{} sidecar(s) written, {} refused\n", written, refused);
  return refused > 0 ? 1 : status;
}

// 0: done; 1: a name matched no case or an action failed; 2: contradictory flags or no eval folder.
int run_review_command(const std::string& eval_root, ReviewOptions options) {
  if (auto problem = review_usage_problem(options)) {
    std::cerr << "reprise review: " << *problem << "\n";
    return 2;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(eval_root, ec)) {
    std::cerr << "reprise review: " << eval_root << " is not a folder\n";
    return 2;
  }
  // Review renames fixtures, so it reads what is on disk now, not a cache.
  Suite suite = load_suite(eval_root, LoadOptions{false, 0, {}});
  print_load_errors(suite);  // a case that does not load has no reviewable candidate; the others go on
  options.interactive = ::isatty(0) && ::isatty(1);
  options.colour = ::isatty(1) && !reprise::util::environment_value("NO_COLOR");
  return run_review(suite, options, std::cin, std::cout, std::cerr);
}

// 0: no orphans, or some without --fail; 1: some with --fail; 2: no eval folder.
int run_orphans(const std::string& eval_root, bool fail) {
  std::error_code ec;
  if (!std::filesystem::is_directory(eval_root, ec)) {
    std::cerr << "reprise orphans: " << eval_root << " is not a folder\n";
    return 2;
  }
  auto orphans = find_orphans(eval_root);
  for (const auto& orphan : orphans) std::cout << fmt::format("{}: {}\n", to_string(orphan.kind), display_path(orphan.path));
  std::cout << (orphans.empty() ? std::string("no orphans\n") : fmt::format("{} orphan(s)\n", orphans.size()));
  return fail && !orphans.empty() ? 1 : 0;
}

// 0: the price table is recent enough; 1: too old; 2: a malformed --today.
int run_pricing_check(std::string today) {
  if (today.empty()) today = reprise::util::utc_now_iso8601().substr(0, 10);
  auto age = reprise::llm::pricing_age_days(today);
  if (!age) {
    std::cerr << "reprise pricing-check: --today " << age.error() << "\n";
    return 2;
  }
  if (auto problem = reprise::llm::pricing_age_problem(today)) {
    std::cerr << "reprise pricing-check: " << *problem << "\n";
    return 1;
  }
  std::cout << fmt::format("pricing verified on {} ({} day{} before {}, limit {}) from {}\n", reprise::llm::kPricingVerifiedOn,
                           *age, *age == 1 ? "" : "s", today, reprise::llm::kPricingMaxAgeDays, reprise::llm::kPricingSource);
  return 0;
}

int run_capture_command(const std::string& eval_root, reprise::capture::CaptureOptions options) {
  options.eval_root = eval_root;
  auto report = reprise::capture::run_capture(options);
  std::cout << reprise::capture::render_capture_report(report, options.dry_run);
  return report.exit_code();
}

int run_secret_scan(const std::string& root, const std::vector<std::string>& patterns) {
  auto redactor = reprise::capture::Redactor::with_patterns(patterns);
  if (!redactor) {
    std::cerr << "reprise secret-scan: " << redactor.error() << "\n";
    return 2;
  }
  auto findings = reprise::capture::scan_tree_for_secrets(root, *redactor);
  for (const auto& finding : findings) std::cout << display_path(finding.file) << ": " << finding.where << "\n";
  std::cout << fmt::format("secret-scan: {}: {}\n", root, findings.empty() ? "no secret-looking strings" : fmt::format("{} finding(s)", findings.size()));
  return findings.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  reprise::util::report_file_size_limit_as_error();
  CLI::App app{"reprise: maintenance commands for the eval cases (the replay itself is reprise-eval)"};
  app.require_subcommand(1);
  std::string eval_root = settings_from_environment().eval_root.string();
  app.add_option("--eval-root", eval_root, "the folder of <agent>/cases/")->capture_default_str();

  std::vector<std::string> selectors;
  auto* stamp = app.add_subcommand("stamp", "write missing fixture sidecars for hand-written cases, and record requests missing from stamped ones");
  stamp->add_option("cases", selectors, "<agent>/<id>, <id> or <agent>; none: every case");

  std::string reason;
  std::vector<std::string> restamp_selectors;
  auto* restamp = app.add_subcommand("restamp", "acknowledge a reviewed prompt edit: re-stamp stale fixtures whose answers still pass");
  restamp->add_option("cases", restamp_selectors, "<agent>/<id>, <id> or <agent>")->required();
  restamp->add_option("--reason", reason, "why the recorded answers are still valid (kept in the sidecar)")->required();

  std::string today;
  auto* pricing_check = app.add_subcommand("pricing-check", "fail when the model price table was verified more than 90 days ago");
  pricing_check->add_option("--today", today, "the date to check against, YYYY-MM-DD (default: today, UTC)");

  ReviewOptions review_options;
  auto* review = app.add_subcommand("review", "list, accept or reject the candidates of a live run (interactive on a terminal)");
  review->add_option("cases", review_options.selectors, "<agent>/<id>, <id> or <agent>; none: every case");
  review->add_flag("--list", review_options.list, "list the candidates with their reports, change nothing");
  review->add_flag("--json", review_options.json, "list as a JSON array");
  review->add_option("--accept", review_options.accept, "accept the candidate of <agent>/<id> or <id> (repeatable)")
      ->allow_extra_args(false);
  review->add_option("--reject", review_options.reject, "delete the candidate of <agent>/<id> or <id> (repeatable)")
      ->allow_extra_args(false);
  review->add_flag("--accept-all", review_options.accept_all, "accept every selected candidate not named by --reject");
  review->add_flag("--reject-all", review_options.reject_all, "delete every selected candidate not named by --accept");

  bool fail_on_orphans = false;
  auto* orphans = app.add_subcommand("orphans", "list candidates, completions and sidecars without a case, and cases without a completion");
  orphans->add_flag("--fail", fail_on_orphans, "exit 1 when there are any (for CI)");

  reprise::capture::CaptureOptions capture_options;
  std::string capture_status = "success", capture_layout = "auto";
  auto* capture = app.add_subcommand("capture", "turn non-prod llm_call log records into new cases (plain, Lambda, CloudWatch shapes)");
  capture->add_option("logs", capture_options.sources, "log files; - for standard input")->required();
  capture->add_option("--agent", capture_options.filter.agents, "only this agent's invocations (repeatable)")->allow_extra_args(false);
  capture->add_option("--model", capture_options.filter.models, "only invocations with a call to this model (repeatable)")->allow_extra_args(false);
  capture->add_option("--since", capture_options.filter.since, "only from this UTC time on (ISO 8601, e.g. 2026-11-22 or 2026-11-22T10:00)");
  capture->add_option("--until", capture_options.filter.until, "only before this UTC time (ISO 8601)");
  capture->add_option("--status", capture_status, "success (default), error or any")->check(CLI::IsMember({"success", "error", "any"}));
  capture->add_option("--limit", capture_options.limit, "at most this many new cases, the first in log order");
  capture->add_option("--sample", capture_options.sample, "this many new cases, chosen at random (see --seed)");
  capture->add_option("--seed", capture_options.seed, "the seed of --sample; the same seed picks the same cases")->capture_default_str();
  capture->add_option("--score-tolerance", capture_options.score_tolerance, "the expected score band: observed +/- this")
      ->capture_default_str()->check(CLI::Range(0.0, 1000.0));
  capture->add_option("--secret-pattern", capture_options.secret_patterns, "an ECMAScript regex of a secret to redact, besides the built-in ones (repeatable)")
      ->allow_extra_args(false);
  capture->add_flag("--dry-run", capture_options.dry_run, "say what would be written; write nothing");
  capture->add_option("--format", capture_layout, "auto, lines, or document (pretty aws logs JSON output)")
      ->check(CLI::IsMember({"auto", "lines", "document"}))->capture_default_str();
  capture->add_option("--log-group", capture_options.read.log_group, "the log group the input came from (aws logs output does not say)");
  capture->add_option("--log-stream", capture_options.read.log_stream, "the log stream the input came from (get-log-events output does not say)");
  capture->add_option("--rejected-dir", capture_options.rejected_dir, "copy cases that fail their check here (outside the eval root)");
  capture->add_option("--max-line-bytes", capture_options.read.max_line_bytes, "longer lines are reported and skipped")->capture_default_str();

  std::vector<std::string> scan_patterns;
  auto* secret_scan = app.add_subcommand("secret-scan", "exit 1 when a file under the eval root holds a secret-looking string (CI)");
  secret_scan->add_option("--secret-pattern", scan_patterns, "an ECMAScript regex of a secret, besides the built-in ones (repeatable)")
      ->allow_extra_args(false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;  // --help is not an error; a bad flag is a usage error
  }
  try {
    if (stamp->parsed()) return run_stamp(eval_root, selectors, StampMode::stamp, "");
    if (restamp->parsed()) return run_stamp(eval_root, restamp_selectors, StampMode::restamp, reason);
    if (pricing_check->parsed()) return run_pricing_check(today);
    if (review->parsed()) return run_review_command(eval_root, review_options);
    if (orphans->parsed()) return run_orphans(eval_root, fail_on_orphans);
    if (capture->parsed()) {
      using reprise::capture::LogLayout;
      using reprise::capture::StatusFilter;
      capture_options.filter.status = capture_status == "error" ? StatusFilter::error : capture_status == "any" ? StatusFilter::any : StatusFilter::success;
      capture_options.read.layout = capture_layout == "lines" ? LogLayout::lines : capture_layout == "document" ? LogLayout::document : LogLayout::automatic;
      return run_capture_command(eval_root, capture_options);
    }
    if (secret_scan->parsed()) return run_secret_scan(eval_root, scan_patterns);
  } catch (const std::exception& error) {
    std::cerr << "reprise: " << error.what() << "\n";
    return 2;
  }
  return 0;
}
