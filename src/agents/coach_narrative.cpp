// coach_narrative: a prose coaching narrative from a user's weekly finance
// metrics. One call (workhorse model). The verdict label is the status line
// the prompt requires the narrative to end with.
#include <fmt/format.h>

#include <regex>

#include "reprise/agents/coach_narrative.hpp"
#include "reprise/agents/input_reader.hpp"
#include "reprise/agents/typed_agent.hpp"
#include "reprise/agents/prompts.hpp"
#include "reprise/util/text.hpp"

namespace reprise::agents {
namespace {

struct Category {
  std::string name;
  double spent = 0;
  double budget = 0;
};

struct Goal {
  std::string name;
  double progress = 0;  // 0..1
};

struct CoachInput {
  std::string first_name;
  std::string currency;
  std::string week_start;
  std::string week_end;
  double income = 0;
  double spending = 0;
  double savings_rate = 0;
  double target_savings_rate = 0;
  double emergency_fund_months = 0;
  std::optional<double> emergency_fund_change;
  std::vector<Category> categories;
  std::vector<Goal> goals;
};

CoachInput read_input(const Json& input, std::vector<InputError>& errors) {
  CoachInput parsed;
  InputReader root(input, "", errors);
  if (!root.is_object()) {
    root.fail("", "input must be a mapping");
    return parsed;
  }
  root.reject_unknown_keys({"user", "week", "metrics", "categories", "goals"});
  InputReader user = root.object("user");
  user.reject_unknown_keys({"first_name", "currency"});
  parsed.first_name = user.string("first_name");
  parsed.currency = user.one_of("currency", {"USD", "EUR", "GBP", "CAD", "AUD"});
  InputReader week = root.object("week");
  week.reject_unknown_keys({"start", "end"});
  parsed.week_start = week.string("start");
  parsed.week_end = week.string("end");
  InputReader metrics = root.object("metrics");
  metrics.reject_unknown_keys({"income", "spending", "savings_rate", "target_savings_rate",
                               "emergency_fund_months", "emergency_fund_change"});
  parsed.income = metrics.number("income", 0.0);
  parsed.spending = metrics.number("spending", 0.0);
  parsed.savings_rate = metrics.number("savings_rate", -10.0, 1.0);
  parsed.target_savings_rate = metrics.number("target_savings_rate", 0.0, 1.0);
  parsed.emergency_fund_months = metrics.number("emergency_fund_months", 0.0);
  parsed.emergency_fund_change = metrics.optional_number("emergency_fund_change");
  for (auto& category : root.objects("categories", true, 1)) {
    category.reject_unknown_keys({"name", "spent", "budget"});
    parsed.categories.push_back({category.string("name"), category.number("spent", 0.0), category.number("budget", 0.0)});
  }
  for (auto& goal : root.objects("goals", false)) {
    goal.reject_unknown_keys({"name", "progress"});
    parsed.goals.push_back({goal.string("name"), goal.number("progress", 0.0, 1.0)});
  }
  return parsed;
}

std::string render_metrics(const CoachInput& in) {
  std::string text = fmt::format(
      "Person: {}\nCurrency: {}\nWeek: {} to {}\n\nIncome: {:.2f}\nSpending: {:.2f}\nSavings rate: {:.1f}% (target {:.1f}%)\n"
      "Emergency fund: {:.1f} months of expenses",
      in.first_name, in.currency, in.week_start, in.week_end, in.income, in.spending, in.savings_rate * 100,
      in.target_savings_rate * 100, in.emergency_fund_months);
  if (in.emergency_fund_change) text += fmt::format(" (change this week: {:+.2f})", *in.emergency_fund_change);
  text += "\n\nCategories (spent / budget):\n";
  for (const auto& category : in.categories) {
    text += fmt::format("- {}: {:.2f} / {:.2f}\n", category.name, category.spent, category.budget);
  }
  if (!in.goals.empty()) {
    text += "\nGoals (progress):\n";
    for (const auto& goal : in.goals) text += fmt::format("- {}: {:.0f}%\n", goal.name, goal.progress * 100);
  }
  return text;
}

class CoachNarrative final : public TypedAgent<CoachInput> {
 public:
  std::string_view name() const override { return "coach_narrative"; }

  CoachInput read(const Json& input, std::vector<InputError>& errors) const override {
    return agents::read_input(input, errors);
  }

  AgentResult run_typed(const CoachInput& parsed, llm::InvocationClient& client) const override {

    llm::Request request;
    request.model = client.model_for(llm::ModelRole::workhorse);
    request.max_tokens = 700;
    request.temperature = 0.4;
    request.system_text = std::string(prompt("coach_narrative.system"));
    request.messages.push_back(llm::Message::user_text(
        "Here are this week's metrics. Write the coaching narrative.\n\n" + render_metrics(parsed)));

    auto response = client.invoke(request);
    if (!response) return util::unexpected(call_error(response.error(), 1));
    return parse(response->text());
  }

 private:
  static AgentResult parse(const std::string& completion) {
    static const std::regex status_line(R"(\n\s*Status:\s*(on_track|watch|off_track)\s*$)");
    std::smatch match;
    if (!std::regex_search(completion, match, status_line)) {
      return util::unexpected(AgentError{AgentError::Kind::parse,
                                         "the narrative does not end with 'Status: on_track|watch|off_track'", 1});
    }
    std::string narrative = completion.substr(0, static_cast<std::size_t>(match.position(0)));
    while (!narrative.empty() && (narrative.back() == '\n' || narrative.back() == ' ')) narrative.pop_back();
    AgentOutput output;
    output.verdict.label = match[1].str();
    output.output = {{"narrative", narrative},
                     {"status", match[1].str()},
                     {"word_count", util::count_words(narrative)}};
    output.completions = {completion};
    return output;
  }
};

}  // namespace

const Agent& coach_narrative_agent() {
  static const CoachNarrative agent;
  return agent;
}

}  // namespace reprise::agents
