#pragma once
// The end-of-run table: per agent, cases passed, failed and stale, and the
// time spent replaying them. Computing and rendering are apart so the table
// can be tested without running anything.
#include <map>
#include <string>

namespace reprise::eval {

struct AgentTally {
  int passed = 0;
  int failed = 0;
  int stale = 0;  // also counted in passed or failed
  double seconds = 0;
};

struct RunSummary {
  std::map<std::string, AgentTally> agents;
  int load_errors = 0;   // broken case files (also counted as failed under their agent)
  int not_run = 0;       // live: selected, but the budget was reached before they started
  int reused = 0;        // outcomes reused: case, completion, sidecar and executable unchanged since they were computed
  double wall_seconds = 0;

  void add(const std::string& agent, bool passed, bool stale, double seconds);
  void add_not_run(const std::string& agent) { agents[agent]; ++not_run; }
  AgentTally total() const;
};

// A fixed-width text table (for terminals and logs).
std::string render_table(const RunSummary& summary);
// The same as a GitHub-flavoured Markdown table (for $GITHUB_STEP_SUMMARY).
std::string render_markdown(const RunSummary& summary);

}  // namespace reprise::eval
