#include "reprise/eval/review.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <istream>
#include <ostream>
#include <set>

#include "reprise/llm/pricing.hpp"

namespace reprise::eval {
namespace {

// ---------------------------------------------------------------------------
// Computing

std::string describe_error(const agents::AgentError& error) {
  std::string call = error.call_index > 0 ? fmt::format(" (call {})", error.call_index) : "";
  return fmt::format("{} error{}: {}", agents::to_string(error.kind), call, error.message);
}

bool all_passed(const std::vector<CheckResult>& results) {
  return std::all_of(results.begin(), results.end(), [](const CheckResult& result) { return result.passed; });
}

AnswerReplay replay_answers(const LoadedCase& loaded) {
  CaseOutcome outcome = replay_case(loaded);
  AnswerReplay replay;
  if (outcome.error) replay.error = describe_error(*outcome.error);
  if (outcome.output) {
    replay.verdict = outcome.output->verdict;
    replay.band_holds = all_passed(check_verdict(loaded.spec.verdict, outcome.output->verdict));
  }
  for (auto& result : outcome.results) {
    if (!result.passed) replay.failures.push_back(std::move(result));
  }
  replay.stale = std::move(outcome.stale);
  return replay;
}

// ---------------------------------------------------------------------------
// Rendering

class Paint {
 public:
  explicit Paint(bool on) : on_(on) {}
  std::string operator()(std::string_view code, std::string_view text) const {
    return on_ ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
  }
  std::string good(std::string_view text) const { return (*this)("32", text); }
  std::string bad(std::string_view text) const { return (*this)("31", text); }

 private:
  bool on_;
};

std::string verdict_text(const AnswerReplay& replay) {
  if (!replay.error.empty()) return "none (" + replay.error + ")";
  if (!replay.verdict || (!replay.verdict->label && !replay.verdict->score)) return "none";
  const agents::Verdict& verdict = *replay.verdict;
  if (verdict.label && verdict.score) return fmt::format("{} (score {:g})", *verdict.label, *verdict.score);
  if (verdict.label) return *verdict.label;
  return fmt::format("score {:g}", *verdict.score);
}

std::string band_text(const AnswerReplay& replay, const Paint& paint) {
  return replay.band_holds ? paint.good("holds") : paint.bad("FAILS");
}

std::string expectations_text(const AnswerReplay& replay, const Paint& paint) {
  if (replay.expectations_hold()) return paint.good("hold");
  std::size_t failing = replay.failures.size() + (replay.error.empty() ? 0 : 1);
  return paint.bad(fmt::format("{} failing", failing));
}

std::string fresh_text(const AnswerReplay& replay, const Paint& paint) {
  if (replay.stale.empty()) return paint.good("fresh");
  std::vector<std::string> calls;
  for (const auto& stale : replay.stale) calls.push_back(std::to_string(stale.call));
  return paint.bad(fmt::format("STALE (call {})", fmt::join(calls, ", ")));
}

std::string usd_text(const std::optional<double>& usd) { return usd ? fmt::format("${:.6f}", *usd) : "unknown"; }

std::string usage_line(const UsageTotals& before, const UsageTotals& after) {
  std::string line = fmt::format("in {} -> {} ({:+}), out {} -> {} ({:+})", before.input_tokens, after.input_tokens,
                                 after.input_tokens - before.input_tokens, before.output_tokens, after.output_tokens,
                                 after.output_tokens - before.output_tokens);
  if (before.estimated) line += "; the accepted usage is an estimate";
  if (after.estimated) line += "; the candidate's usage is an estimate";
  return line;
}

std::string cost_line(const UsageTotals& before, const UsageTotals& after) {
  std::string line = usd_text(before.usd) + " -> " + usd_text(after.usd);
  if (before.usd && after.usd) {
    double change = *after.usd - *before.usd;
    line += fmt::format(" ({}${:.6f})", change < 0 ? "-" : "+", change < 0 ? -change : change);
  }
  return line;
}

std::string indent_lines(const std::string& text, std::string_view indent) {
  std::string out(indent);
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

std::string failures_text(const CandidateReview& review, const AnswerReplay& replay) {
  std::string out;
  if (!replay.error.empty()) out += "    " + replay.error + "\n";
  for (const auto& failure : replay.failures) {
    std::string where = failure.pos.line > 0 ? fmt::format("{}:{}:{}", review.case_display, failure.pos.line, failure.pos.column)
                                             : review.case_display;
    out += fmt::format("    {}: {}\n", where, failure.expression);
    if (!failure.message.empty()) out += indent_lines(failure.message, "      ") + "\n";
  }
  return out;
}

std::string row(std::string_view label, const std::string& value) { return fmt::format("  {:<14}{}\n", label, value); }

std::string comparison_text(const CandidateReview& review, const Paint& paint) {
  const AnswerReplay& before = review.before;
  const AnswerReplay& after = *review.after;
  std::string out = row("verdict", verdict_text(before) + " -> " + verdict_text(after));
  out += row("band", review.has_band ? band_text(before, paint) + " -> " + band_text(after, paint) : "none in the case");
  out += row("expectations", expectations_text(before, paint) + " -> " + expectations_text(after, paint));
  out += row("requests", fresh_text(before, paint) + " -> " + fresh_text(after, paint));
  out += row("tokens", usage_line(review.before_usage, *review.after_usage));
  out += row("cost", cost_line(review.before_usage, *review.after_usage));
  if (!after.expectations_hold()) out += "  failing with the candidate:\n" + failures_text(review, after);
  for (const auto& stale : after.stale) out += "  " + paint.bad("stale") + ": " + describe_stale(stale) + "\n";
  return out;
}

Json verdict_json(const AnswerReplay& replay) {
  Json json = {{"label", nullptr}, {"score", nullptr}, {"error", nullptr}};
  if (replay.verdict && replay.verdict->label) json["label"] = *replay.verdict->label;
  if (replay.verdict && replay.verdict->score) json["score"] = *replay.verdict->score;
  if (!replay.error.empty()) json["error"] = replay.error;
  return json;
}

Json failures_json(const AnswerReplay& replay) {
  Json failures = Json::array();
  for (const auto& failure : replay.failures) {
    failures.push_back({{"line", failure.pos.line}, {"column", failure.pos.column}, {"expression", failure.expression},
                        {"message", failure.message}});
  }
  return failures;
}

// {"before": b, "after": a, "change": a - b}, nulls where unknown.
template <typename T>
Json change_json(const std::optional<T>& before, const std::optional<T>& after) {
  Json json = {{"before", nullptr}, {"after", nullptr}, {"change", nullptr}};
  if (before) json["before"] = *before;
  if (after) json["after"] = *after;
  if (before && after) json["change"] = *after - *before;
  return json;
}

template <typename T, typename Read>
Json after_or_null(const std::optional<T>& after, Read read) {
  return after ? Json(read(*after)) : Json(nullptr);
}

// ---------------------------------------------------------------------------
// The session

struct Tally {
  int accepted = 0, rejected = 0, failed = 0;
};

bool names_case(const Case& spec, std::string_view name) { return name == spec.test_name() || name == spec.id; }

// Every selector and name matches a loadable case; the problems otherwise.
std::vector<std::string> unmatched_names(const Suite& suite, const ReviewOptions& options) {
  std::vector<std::string> problems;
  auto any = [&](auto matches) {
    return std::any_of(suite.cases.begin(), suite.cases.end(), [&](const LoadedCase& loaded) { return matches(loaded.spec); });
  };
  for (const auto& selector : options.selectors) {
    if (!any([&](const Case& spec) { return selects(spec, selector); })) {
      problems.push_back(fmt::format("no loadable case matches '{}'", selector));
    }
  }
  for (const auto* names : {&options.accept, &options.reject}) {
    for (const auto& name : *names) {
      if (!any([&](const Case& spec) { return names_case(spec, name); })) {
        problems.push_back(fmt::format("no loadable case is named '{}' (name it <agent>/<id> or <id>)", name));
      }
    }
  }
  return problems;
}

bool has_action(const ReviewOptions& options) {
  return !options.accept.empty() || !options.reject.empty() || options.accept_all || options.reject_all;
}

class Session {
 public:
  // Named actions reach every candidate; selectors narrow the listing, the
  // questions and the *-all actions.
  Session(std::vector<PendingCandidate> pending, const ReviewOptions& options, std::ostream& out)
      : pending_(std::move(pending)), options_(options), out_(out), done_(pending_.size(), false) {
    for (const auto& one : pending_) {
      reviews_.push_back(review_candidate(*one.loaded, one.candidate));
      selected_.push_back(options.selectors.empty() ||
                          std::any_of(options.selectors.begin(), options.selectors.end(),
                                      [&](const std::string& selector) { return selects(one.loaded->spec, selector); }));
    }
  }

  int list() const;
  void finish_interrupted_accepts();
  void scripted();
  void interactive(std::istream& in);
  int summary() const;

 private:
  std::string name(std::size_t i) const { return pending_[i].loaded->spec.test_name(); }
  void act(std::size_t i, bool accept);
  void act_on_named(const std::vector<std::string>& names, bool accept);
  // What one answer asks for; false to stop asking.
  bool answer(std::size_t i, std::istream& in, std::optional<bool>& all);

  std::vector<PendingCandidate> pending_;
  const ReviewOptions& options_;
  std::ostream& out_;
  std::vector<bool> done_;
  std::vector<bool> selected_;
  std::vector<CandidateReview> reviews_;
  Tally tally_;
};

int Session::list() const {
  if (options_.json) {
    Json array = Json::array();
    for (std::size_t i = 0; i < reviews_.size(); ++i) {
      if (selected_[i]) array.push_back(review_to_json(reviews_[i]));
    }
    out_ << array.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return 0;
  }
  auto shown = std::count(selected_.begin(), selected_.end(), true);
  for (std::size_t i = 0; i < reviews_.size(); ++i) {
    if (selected_[i]) out_ << render_review(reviews_[i], options_.colour) << "\n";
  }
  if (shown == 0) {
    out_ << "no pending candidates\n";
  } else {
    out_ << fmt::format("{} pending candidate(s): `reprise review --accept <case>` or `--reject <case>`, or run it on a terminal\n",
                        shown);
  }
  return 0;
}

void Session::act(std::size_t i, bool accept) {
  done_[i] = true;
  const Case& spec = pending_[i].loaded->spec;
  ActionResult result = accept ? accept_candidate(spec) : reject_candidate(spec);
  if (!result.ok) {
    out_ << fmt::format("{:<9} {}: {}\n", "FAILED", name(i), result.detail);
    ++tally_.failed;
    return;
  }
  out_ << fmt::format("{:<9} {}: {}\n", accept ? "accepted" : "rejected", name(i), result.detail);
  ++(accept ? tally_.accepted : tally_.rejected);
  const std::optional<AnswerReplay>& after = reviews_[i].after;
  if (accept && after && !after->expectations_hold()) {
    out_ << "          warning: the case fails with these answers until its expectations change\n";
  }
  if (accept && after && !after->stale.empty()) {
    out_ << "          warning: recorded for other requests than today's: stale under --stale=fail\n";
  }
}

void Session::finish_interrupted_accepts() {
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i].candidate.state == CandidateState::interrupted_accept) act(i, true);
  }
}

void Session::act_on_named(const std::vector<std::string>& names, bool accept) {
  for (const auto& wanted : names) {
    bool found = false;
    for (std::size_t i = 0; i < pending_.size() && !found; ++i) {
      if (!names_case(pending_[i].loaded->spec, wanted)) continue;
      found = true;
      if (!done_[i]) act(i, accept);
    }
    if (!found) {
      out_ << fmt::format("{:<9} {}: no candidate to {}\n", "FAILED", wanted, accept ? "accept" : "reject");
      ++tally_.failed;
    }
  }
}

void Session::scripted() {
  act_on_named(options_.reject, false);
  act_on_named(options_.accept, true);
  if (!options_.accept_all && !options_.reject_all) return;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (selected_[i] && !done_[i]) act(i, options_.accept_all);
  }
}

bool Session::answer(std::size_t i, std::istream& in, std::optional<bool>& all) {
  while (true) {
    out_ << "[a]ccept [r]eject [s]kip [A]ccept all [R]eject all [q]uit: " << std::flush;
    std::string line;
    if (!std::getline(in, line)) {
      out_ << "\n";
      return false;
    }
    line.erase(0, line.find_first_not_of(" \t\r"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (line == "q") return false;
    if (line == "s" || line.empty()) return true;
    if ((line == "a" || line == "A") && pending_[i].candidate.state == CandidateState::incomplete) {
      out_ << "an incomplete candidate cannot be accepted: reject or skip it\n";
      continue;
    }
    if (line == "a" || line == "r" || line == "A" || line == "R") {
      if (line == "A" || line == "R") all = line == "A";
      act(i, line == "a" || line == "A");
      return true;
    }
    out_ << "answer a, r, s, A, R or q\n";
  }
}

void Session::interactive(std::istream& in) {
  std::optional<bool> all;  // set by A or R: the answer for every candidate still to come
  bool asked = false;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (done_[i] || !selected_[i]) continue;
    asked = true;
    if (all) {
      act(i, *all);
      continue;
    }
    out_ << render_review(reviews_[i], options_.colour);
    if (!answer(i, in, all)) return;
  }
  if (!asked) out_ << "no pending candidates\n";
}

int Session::summary() const {
  auto left = std::count(done_.begin(), done_.end(), false);
  out_ << fmt::format("{} accepted, {} rejected, {} failed, {} still pending\n", tally_.accepted, tally_.rejected,
                      tally_.failed, left);
  return tally_.failed > 0 ? 1 : 0;
}

}  // namespace

UsageTotals usage_totals(const Fixture& fixture) {
  UsageTotals totals;
  if (!fixture.calls.empty()) totals.usd = 0.0;  // no sidecar: nothing is known, not $0
  for (const auto& call : fixture.calls) {
    const llm::Usage& usage = call.usage;
    totals.input_tokens += usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens;
    totals.output_tokens += usage.output_tokens;
    totals.estimated = totals.estimated || call.usage_estimated;
    std::optional<double> usd = call.cost_usd;
    if (!usd) {
      auto priced = llm::usd_for_usage(call.model, usage);
      if (priced) usd = *priced;
    }
    totals.usd = usd && totals.usd ? std::optional<double>(*totals.usd + *usd) : std::nullopt;
  }
  return totals;
}

CandidateReview review_candidate(const LoadedCase& loaded, const Candidate& candidate) {
  CandidateReview review;
  review.test_name = loaded.spec.test_name();
  review.case_display = loaded.spec.display_path;
  review.state = candidate.state;
  review.problem = candidate.problem;
  review.has_band = loaded.spec.verdict.present;
  review.before = replay_answers(loaded);
  review.before_usage = usage_totals(loaded.fixture);
  review.accepted_display = completion_path_for(loaded.spec.display_path).generic_string();
  review.candidate_display = candidate_completion_path_for(loaded.spec.display_path).generic_string();
  if (candidate.state == CandidateState::incomplete) return review;
  // An interrupted accept already moved the completion: only the sidecar differs.
  LoadedCase proposed = loaded;
  proposed.fixture = candidate.fixture;
  if (candidate.state == CandidateState::complete) {
    proposed.completions = candidate.completions;
    review.diff = diff_lines(join_completion(loaded.completions), join_completion(candidate.completions));
  }
  review.after = replay_answers(proposed);
  review.after_usage = usage_totals(candidate.fixture);
  return review;
}

std::string render_review(const CandidateReview& review, bool colour) {
  Paint paint(colour);
  std::string out = paint("1", review.test_name) + "  " + review.case_display + "\n";
  if (review.state == CandidateState::incomplete) {
    out += row(paint.bad("INCOMPLETE"), review.problem);
    out += row("", fmt::format("it cannot be accepted: `reprise review --reject {}` deletes it", review.test_name));
    return out;
  }
  if (review.state == CandidateState::interrupted_accept) {
    out += "  " + paint.bad("INTERRUPTED ACCEPT") +
           ": the completion is in place, its sidecar is not yet; any review action but listing finishes it\n";
  }
  out += comparison_text(review, paint);
  if (review.state == CandidateState::interrupted_accept) return out;
  if (review.diff.empty()) return out + row("completion", "unchanged");
  return out + render_unified_diff(review.diff, review.accepted_display, review.candidate_display, colour);
}

Json review_to_json(const CandidateReview& review) {
  const std::optional<AnswerReplay>& after = review.after;
  const std::optional<UsageTotals>& after_usage = review.after_usage;
  auto input = [](const UsageTotals& usage) { return std::optional<std::int64_t>(usage.input_tokens); };
  auto output = [](const UsageTotals& usage) { return std::optional<std::int64_t>(usage.output_tokens); };
  Json json = {
      {"case", review.test_name},
      {"path", review.case_display},
      {"state", to_string(review.state)},
      {"problem", review.problem.empty() ? Json(nullptr) : Json(review.problem)},
      {"verdict", {{"before", verdict_json(review.before)}, {"after", after_or_null(after, verdict_json)}}},
      {"band", {{"present", review.has_band}, {"before", review.before.band_holds},
                {"after", after_or_null(after, [](const AnswerReplay& r) { return r.band_holds; })}}},
      {"expectations", {{"before", review.before.expectations_hold()},
                        {"after", after_or_null(after, [](const AnswerReplay& r) { return r.expectations_hold(); })},
                        {"failing_after", after_or_null(after, failures_json)}}},
      {"fresh", {{"before", review.before.stale.empty()},
                 {"after", after_or_null(after, [](const AnswerReplay& r) { return r.stale.empty(); })}}},
      {"tokens", {{"input", change_json(input(review.before_usage), after_usage ? input(*after_usage) : std::nullopt)},
                  {"output", change_json(output(review.before_usage), after_usage ? output(*after_usage) : std::nullopt)}}},
      {"usd", change_json(review.before_usage.usd, after_usage ? after_usage->usd : std::nullopt)},
      {"completion_changed", review.state == CandidateState::complete ? Json(!review.diff.empty()) : Json(nullptr)},
      {"diff", render_unified_diff(review.diff, review.accepted_display, review.candidate_display, false)},
  };
  return json;
}

std::optional<std::string> review_usage_problem(const ReviewOptions& options) {
  if (options.accept_all && options.reject_all) return "--accept-all and --reject-all exclude each other";
  if ((options.list || options.json) && has_action(options)) {
    return "--list and --json only list: they do not go with --accept, --reject, --accept-all or --reject-all";
  }
  for (const auto& name : options.accept) {
    if (std::find(options.reject.begin(), options.reject.end(), name) != options.reject.end()) {
      return fmt::format("'{}' is named by both --accept and --reject", name);
    }
  }
  return std::nullopt;
}

int run_review(const Suite& suite, const ReviewOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  if (auto problems = unmatched_names(suite, options); !problems.empty()) {
    for (const auto& problem : problems) err << "reprise review: " << problem << "\n";
    return 1;
  }
  Session session(find_candidates(suite), options, out);
  if (options.list || options.json || (!has_action(options) && !options.interactive)) return session.list();
  session.finish_interrupted_accepts();
  if (has_action(options)) {
    session.scripted();
  } else {
    session.interactive(in);
  }
  return session.summary();
}

}  // namespace reprise::eval
