#include "reprise/eval/summary.hpp"

#include <fmt/format.h>

namespace reprise::eval {

void RunSummary::add(const std::string& agent, bool passed, bool stale, double seconds) {
  AgentTally& tally = agents[agent];
  (passed ? tally.passed : tally.failed) += 1;
  tally.stale += stale ? 1 : 0;
  tally.seconds += seconds;
}

AgentTally RunSummary::total() const {
  AgentTally total;
  for (const auto& [name, tally] : agents) {
    total.passed += tally.passed;
    total.failed += tally.failed;
    total.stale += tally.stale;
    total.seconds += tally.seconds;
  }
  return total;
}

std::string render_table(const RunSummary& summary) {
  std::size_t width = 5;  // "total"
  for (const auto& [name, tally] : summary.agents) width = std::max(width, name.size());
  auto row = [&](const std::string& name, const AgentTally& tally) {
    return fmt::format("{:<{}}  {:>6}  {:>6}  {:>6}  {:>8.3f}\n", name, width, tally.passed, tally.failed, tally.stale, tally.seconds);
  };
  std::string text = fmt::format("{:<{}}  {:>6}  {:>6}  {:>6}  {:>8}\n", "agent", width, "passed", "failed", "stale", "time (s)");
  text += std::string(width + 34, '-') + "\n";
  for (const auto& [name, tally] : summary.agents) text += row(name, tally);
  text += std::string(width + 34, '-') + "\n";
  text += row("total", summary.total());
  text += fmt::format("wall time {:.3f} s", summary.wall_seconds);
  if (summary.load_errors > 0) text += fmt::format("; {} case file(s) failed to load", summary.load_errors);
  if (summary.not_run > 0) text += fmt::format("; {} case(s) not run (budget reached)", summary.not_run);
  text += "\n";
  if (summary.reused > 0) {
    text += fmt::format("{} outcome(s) reused: their case, completion, sidecar and reprise build are byte-identical to the run "
                        "that computed them (--no-cache replays every case)\n", summary.reused);
  }
  return text;
}

std::string render_markdown(const RunSummary& summary) {
  std::string text = "| agent | passed | failed | stale | time (s) |\n|---|---:|---:|---:|---:|\n";
  auto row = [](const std::string& name, const AgentTally& tally) {
    return fmt::format("| {} | {} | {} | {} | {:.3f} |\n", name, tally.passed, tally.failed, tally.stale, tally.seconds);
  };
  for (const auto& [name, tally] : summary.agents) text += row(name, tally);
  text += row("**total**", summary.total());
  return text;
}

}  // namespace reprise::eval
