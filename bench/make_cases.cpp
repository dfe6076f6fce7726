// reprise-bench-make-cases: writes N synthetic but realistic coach_narrative
// cases (case file, accepted completion, stamped fixture sidecar) into an
// eval root, for the cached-replay benchmark (bench/replay.sh).
//
//   reprise-bench-make-cases --out DIR --count N [--seed S] [--no-stamp]
//
// Every case is a function of (seed, index) only, so the first 1,000 cases of
// a 10,000-case root are the 1,000-case root. Cases are about the size of the
// bundled ones (~1.4 KB of YAML, ~1.1 KB of completion), with 3-6 checks and
// a request block, and they pass: the label follows the prompt's own rule and
// the checks are chosen from facts of the generated completion. The sidecars
// are written by the library's stamp (the real request fingerprints), so the
// replay is not stale.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "reprise/eval/stamp.hpp"
#include "reprise/eval/suite.hpp"

namespace fs = std::filesystem;

namespace {

// splitmix64: tiny, fast and the same on every platform and standard library
// (std::uniform_*_distribution is not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // [lo, hi]
  int between(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform(0, 1) < p; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(next() % items.size())];
  }
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[static_cast<std::size_t>(next() % i)]);
  }

 private:
  std::uint64_t state_;
};

const std::vector<std::string> kFirstNames = {
    "Maya", "Jordan", "Tom", "Priya", "Lucas", "Amara", "Sven", "Chloe", "Mateo", "Yuki", "Olu", "Hannah",
    "Diego", "Ines", "Kofi", "Leah", "Ravi", "Sofia", "Marek", "Aisha", "Ben", "Elena", "Noah", "Freya",
    "Omar", "Lena", "Tariq", "Mei", "Jonas", "Zoe", "Arjun", "Clara", "Felix", "Nadia", "Hugo", "Ama"};

struct Currency {
  std::string code;
  std::string symbol;
  std::string regex;  // a regex matching the symbol followed by a digit
};
const std::vector<Currency> kCurrencies = {
    {"USD", "$", R"(\$\d)"}, {"EUR", "€", R"(€\d)"}, {"GBP", "£", R"(£\d)"}, {"CAD", "$", R"(\$\d+)"}, {"AUD", "$", R"(\$\d)"}};

const std::vector<std::string> kCategories = {
    "Groceries", "Dining out", "Transport", "Subscriptions", "Entertainment", "Clothing", "Household",
    "Health", "Gifts", "Coffee", "Childcare", "Pets", "Fuel", "Hobbies", "Travel", "Personal care"};

const std::vector<std::string> kGoals = {
    "Emergency fund top-up", "Japan trip", "New laptop", "House deposit", "Wedding", "Pay off credit card",
    "New bike", "Summer holiday", "Car replacement", "Course fees", "Christmas fund", "Moving costs"};

// Phrases the coach_narrative system prompt really contains.
const std::vector<std::string> kSystemPhrases = {"weekly money coach", "No exclamation marks", "At most three categories",
                                                 "exactly one concrete next step", "Status: <on_track | watch | off_track>"};

struct Category {
  std::string name;
  int spent = 0;
  int budget = 0;
  double ratio() const { return budget > 0 ? static_cast<double>(spent) / budget : 0.0; }
};

struct Goal {
  std::string name;
  int percent = 0;
};

struct Week {
  std::size_t index = 0;
  std::string first_name;
  Currency currency;
  std::string week_start, week_end;
  int income = 0;
  int spending = 0;
  double savings_rate = 0;  // rounded to 3 decimals, as written
  double target = 0;
  double fund_months = 0;
  std::optional<int> fund_change;
  std::vector<Category> categories;
  std::vector<Goal> goals;
  std::string label;
};

std::string iso_date(std::chrono::sys_days day) {
  std::chrono::year_month_day ymd{day};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

// "1,850"
std::string grouped(long long value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

std::string money(const Week& week, long long value) { return week.currency.symbol + grouped(value); }

// A number exactly as YAML and JSON print it: 0.292, 0.25, 3.4.
std::string decimal(double value, int places) {
  std::string text = fmt::format("{:.{}f}", value, places);
  while (text.find('.') != std::string::npos && (text.back() == '0' || text.back() == '.')) {
    bool dot = text.back() == '.';
    text.pop_back();
    if (dot) break;
  }
  return text;
}

int percent(double fraction) { return static_cast<int>(std::lround(fraction * 100)); }

// The prompt's rule for the status line.
std::string label_of(const Week& week) {
  if (week.spending > week.income || (week.fund_change && *week.fund_change < 0)) return "off_track";
  bool any_far_over = std::any_of(week.categories.begin(), week.categories.end(),
                                  [](const Category& c) { return c.spent > c.budget * 1.15; });
  if (week.savings_rate >= week.target && !any_far_over) return "on_track";
  return "watch";
}

Week make_week(std::uint64_t seed, std::size_t index) {
  Rng rng(seed * 0x100000001B3ull + index * 0x9E3779B97F4A7C15ull + 1);
  Week week;
  week.index = index;
  week.first_name = rng.pick(kFirstNames);
  week.currency = rng.pick(kCurrencies);
  auto start = std::chrono::sys_days{std::chrono::year{2025} / 1 / 6} + std::chrono::days{7 * rng.between(0, 103)};
  week.week_start = iso_date(start);
  week.week_end = iso_date(start + std::chrono::days{6});

  // Scenario first, so the mix of labels is realistic; the label itself is
  // then derived from the final numbers with the prompt's rule.
  int scenario = rng.between(0, 99);  // < 50 on track, < 85 watch, else off track
  std::vector<std::string> names = kCategories;
  rng.shuffle(names);
  int count = rng.between(3, 6);
  int over_index = scenario >= 50 && scenario < 70 ? rng.between(0, count - 1) : -1;
  int categorised = 0;
  for (int i = 0; i < count; ++i) {
    Category category;
    category.name = names[static_cast<std::size_t>(i)];
    category.budget = rng.between(4, 80) * 5;
    double factor = i == over_index ? rng.uniform(1.2, 1.9) : rng.uniform(0.45, 1.1);
    category.spent = std::max(1, static_cast<int>(std::lround(category.budget * factor)));
    categorised += category.spent;
    week.categories.push_back(category);
  }
  static const std::vector<double> targets = {0.10, 0.15, 0.20, 0.25, 0.30};
  week.target = rng.pick(targets);
  double rate = scenario < 50   ? week.target + rng.uniform(0.005, 0.15)
                : scenario < 70 ? week.target + rng.uniform(0.0, 0.1)
                : scenario < 85 ? week.target - rng.uniform(0.02, 0.12)
                                : -rng.uniform(0.02, 0.35);
  rate = std::min(rate, 0.6);
  int fixed_costs = rng.between(10, 160) * 5;  // rent share, bills: spending outside the categories
  week.spending = categorised + fixed_costs;
  week.income = static_cast<int>(std::lround(week.spending / (1.0 - rate) / 10.0)) * 10;
  if (week.income <= 0) week.income = 10;
  week.savings_rate = std::round(static_cast<double>(week.income - week.spending) / week.income * 1000.0) / 1000.0;
  week.savings_rate = std::max(week.savings_rate, -10.0);
  week.fund_months = rng.between(3, 90) / 10.0;
  if (scenario >= 85 && rng.chance(0.5)) week.fund_change = -rng.between(2, 40) * 10;
  else if (rng.chance(0.8)) week.fund_change = rng.between(0, 40) * 10;

  int goals = rng.between(0, 3);
  std::vector<std::string> goal_names = kGoals;
  rng.shuffle(goal_names);
  for (int i = 0; i < goals; ++i) week.goals.push_back({goal_names[static_cast<std::size_t>(i)], rng.between(3, 95)});
  week.label = label_of(week);
  return week;
}

// The categories worth naming (the prompt: over budget or notably under, at most three).
std::vector<const Category*> notable(const Week& week) {
  std::vector<const Category*> sorted;
  for (const auto& category : week.categories) sorted.push_back(&category);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Category* a, const Category* b) {
    return std::abs(a->ratio() - 1.0) > std::abs(b->ratio() - 1.0);
  });
  sorted.resize(std::min<std::size_t>(3, sorted.size()));
  return sorted;
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::size_t word_count(const std::string& text) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// The narrative, without the status line.
std::string narrative(const Week& week, Rng& rng) {
  const std::string& name = week.first_name;
  int saved = week.income - week.spending;
  int rate = percent(week.savings_rate), target = percent(week.target);
  std::string text;
  if (week.label == "on_track") {
    text += rng.chance(0.5)
                ? fmt::format("{}, this was a quietly strong week: of the {} that came in, you kept about {}, a savings rate of "
                              "{}% against your {}% target.",
                              name, money(week, week.income), money(week, saved), rate, target)
                : fmt::format("{}, a steady week. You brought in {} and spent about {}, which puts your savings rate at {}%, "
                              "comfortably at or above the {}% you are aiming for.",
                              name, money(week, week.income), money(week, week.spending), rate, target);
  } else if (week.label == "watch") {
    text += fmt::format("{}, your week mostly held together, but one part of it is worth a closer look before it becomes a "
                        "habit. You brought in {} and spent about {}, a savings rate of {}% against your {}% target.",
                        name, money(week, week.income), money(week, week.spending), rate, target);
  } else {
    text += week.spending > week.income
                ? fmt::format("{}, this week more went out than came in: you spent about {} against {} of income, so your "
                              "savings rate was {}% rather than the {}% you are aiming for.",
                              name, money(week, week.spending), money(week, week.income), rate, target)
                : fmt::format("{}, this week the numbers moved the wrong way. You kept a savings rate of {}% against your "
                              "{}% target, but the emergency fund had to cover part of the week.",
                              name, rate, target);
  }
  text += "\n\n";
  int categorised = 0;
  for (const auto& category : week.categories) categorised += category.spent;
  text += fmt::format("Spending came to about {}, of which {} went through the {} categories you budget; the rest was bills "
                      "and fixed costs.",
                      money(week, week.spending), money(week, categorised), week.categories.size());
  for (const Category* category : notable(week)) {
    int difference = category->spent - category->budget;
    std::string sentence;
    if (difference > 0) {
      sentence = fmt::format("{} came to {} on a {} budget, about {} over, roughly {}%.", category->name,
                             money(week, category->spent), money(week, category->budget), money(week, difference),
                             percent(category->ratio() - 1.0));
    } else if (difference < 0) {
      sentence = fmt::format("{} finished about {} under, at {} of {}.", category->name, money(week, -difference),
                             money(week, category->spent), money(week, category->budget));
    } else {
      sentence = fmt::format("{} landed exactly on its {} budget.", category->name, money(week, category->budget));
    }
    text += " " + sentence;
  }
  text += rng.chance(0.5) ? " The other categories stayed close to where you planned them."
                          : " Nothing else moved far enough from its budget to need attention this week.";
  text += "\n\n";
  if (!week.fund_change) {
    text += fmt::format("Your emergency fund covers {} months of expenses.", decimal(week.fund_months, 1));
  } else if (*week.fund_change > 0) {
    text += fmt::format("Your emergency fund grew by {} this week and now covers {} months of expenses.",
                        money(week, *week.fund_change), decimal(week.fund_months, 1));
  } else if (*week.fund_change < 0) {
    text += fmt::format("Your emergency fund fell by {} this week and now covers {} months of expenses.",
                        money(week, -*week.fund_change), decimal(week.fund_months, 1));
  } else {
    text += fmt::format("Your emergency fund did not change this week; it covers {} months of expenses.",
                        decimal(week.fund_months, 1));
  }
  if (week.goals.empty()) {
    text += " You have not set up a goal yet, and naming one would give weeks like this a clear direction.";
  } else {
    for (const auto& goal : week.goals) text += fmt::format(" {} is at {}%.", goal.name, goal.percent);
    text += week.label == "on_track" ? " Weeks like this one are how those numbers keep climbing."
                                     : " A week back on plan would move them forward again.";
  }
  text += "\n\n";
  const Category* focus = notable(week).front();
  switch (rng.between(0, 2)) {
    case 0:
      text += fmt::format("For the coming week, one step: set an alert for when {} reaches {}, three quarters of its budget, "
                          "so you see where you stand mid-week rather than on Monday.",
                          lower(focus->name), money(week, focus->budget * 3 / 4));
      break;
    case 1:
      text += fmt::format("For the coming week, one step: move {} into savings today, before the week starts spending it. It "
                          "takes a couple of minutes and makes the next week's progress visible.",
                          money(week, std::max(10, (std::abs(saved) / 10 / 10) * 10)));
      break;
    default:
      text += fmt::format("For the coming week, one step: look through this week's {} payments tonight and pause one you would "
                          "not miss. Small cuts there add up faster than they look.",
                          lower(focus->name));
      break;
  }
  text += rng.chance(0.5) ? "\n\nKeep the same rhythm with the everyday categories, and next Monday should look much like "
                            "this one."
                          : "\n\nOne week does not make a trend, and the numbers above are easy to move: the next week is a "
                            "fresh start.";
  return text;
}

// Wraps `text` for a folded block scalar at two spaces of indent.
std::string folded(const std::string& text) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    std::string word = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && line.size() + 1 + word.size() > 76) {
      out += "  " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (!line.empty()) out += "  " + line + "\n";
  return out;
}

std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string yaml_list(const std::vector<std::string>& items, bool quote) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + (quote ? yaml_quoted(items[i]) : items[i]);
  return out + "]";
}

struct Generated {
  std::string id;
  std::string yaml;
  std::string completion;
};

Generated make_case(std::uint64_t seed, std::size_t index) {
  Week week = make_week(seed, index);
  Rng rng(seed ^ (index * 0xD1B54A32D192ED03ull) ^ 0x5EEDull);
  std::string story = narrative(week, rng);
  std::string completion = story + "\n\nStatus: " + week.label + "\n";
  std::size_t words = word_count(story);

  Generated out;
  out.id = fmt::format("c{:05d}-{}-{}-{}", index, lower(week.first_name), lower(week.currency.code),
                       week.label == "on_track" ? "on-track" : week.label == "off_track" ? "off-track" : "watch");
  int over = static_cast<int>(std::count_if(week.categories.begin(), week.categories.end(),
                                            [](const Category& c) { return c.spent > c.budget; }));
  std::string description = fmt::format(
      "Synthetic benchmark week {} (seed {}): {} in {} with {} categories, {} of them over budget, a savings rate of {}% "
      "against a {}% target{}{}. The narrative must use the real numbers, stay calm and end {}.",
      index, seed, week.first_name, week.currency.code, week.categories.size(), over, percent(week.savings_rate),
      percent(week.target), week.goals.empty() ? " and no goals set" : fmt::format(" and {} goal(s)", week.goals.size()),
      week.fund_change ? "" : ", without an emergency_fund_change", week.label);

  std::string& y = out.yaml;
  y += "id: " + out.id + "\n";
  y += "agent: coach_narrative\n";
  y += "description: >-\n" + folded(description);
  std::vector<std::string> tags = {week.label, lower(week.currency.code), "bench"};
  if (week.goals.empty()) tags.push_back("no-goals");
  if (over > 0) tags.push_back("overspend");
  y += "tags: " + yaml_list(tags, false) + "\n";
  y += "input:\n";
  y += fmt::format("  user: {{first_name: {}, currency: {}}}\n", week.first_name, week.currency.code);
  y += fmt::format("  week: {{start: \"{}\", end: \"{}\"}}\n", week.week_start, week.week_end);
  y += "  metrics:\n";
  y += fmt::format("    income: {}\n    spending: {}\n", week.income, week.spending);
  y += fmt::format("    savings_rate: {}\n    target_savings_rate: {}\n", decimal(week.savings_rate, 3), decimal(week.target, 2));
  y += fmt::format("    emergency_fund_months: {}\n", decimal(week.fund_months, 1));
  if (week.fund_change) y += fmt::format("    emergency_fund_change: {}\n", *week.fund_change);
  y += "  categories:\n";
  for (const auto& c : week.categories) y += fmt::format("    - {{name: {}, spent: {}, budget: {}}}\n", c.name, c.spent, c.budget);
  if (!week.goals.empty()) {
    y += "  goals:\n";
    for (const auto& g : week.goals) y += fmt::format("    - {{name: {}, progress: {}}}\n", g.name, decimal(g.percent / 100.0, 2));
  }

  y += "expect:\n  verdict:\n";
  y += rng.chance(0.7) || week.label == "watch" ? fmt::format("    labels: [{}]\n", week.label)
                                                : fmt::format("    labels: [{}, watch]\n", week.label);
  // Candidate checks, every one true of the completion; 3-6 of them are kept.
  std::vector<std::string> checks = {
      fmt::format("    - equals: {}\n      at: /status\n", week.label),
      fmt::format("    - contains: {}\n", yaml_quoted(week.first_name)),
      fmt::format("    - contains: \"{}%\"\n", percent(week.savings_rate)),
      fmt::format("    - icontains: {}\n", yaml_quoted(lower(notable(week).front()->name))),
      fmt::format("    - regex: '{}'\n", week.currency.regex),
      fmt::format("    - min_words: {}\n      at: /narrative\n", words >= 130 ? 120 : (words / 10) * 10 - 10),
      fmt::format("    - max_words: {}\n      at: /narrative\n", words <= 260 ? 260 : (words / 10) * 10 + 20),
      "    - not_contains: \"!\"\n",
      "    - not_contains: \"As an AI\"\n",
  };
  if (!week.goals.empty()) checks.push_back(fmt::format("    - icontains: {}\n", yaml_quoted(lower(week.goals.front().name))));
  rng.shuffle(checks);
  checks.resize(static_cast<std::size_t>(rng.between(3, 6)));
  y += "  assert:\n";
  for (const auto& check : checks) y += check;

  y += "  request:\n";
  y += "    model: claude-sonnet-4-5-20250929\n";
  y += rng.chance(0.5) ? "    max_tokens: {min: 600, max: 800}\n" : "    max_tokens: 700\n";
  y += rng.chance(0.5) ? "    temperature: 0.4\n" : "    temperature: {min: 0.3, max: 0.5}\n";
  if (rng.chance(0.4)) y += "    fields_present: [system, temperature]\n";
  std::vector<std::string> phrases = kSystemPhrases;
  rng.shuffle(phrases);
  phrases.resize(static_cast<std::size_t>(rng.between(1, 2)));
  y += "    system_contains: " + yaml_list(phrases, true) + "\n";
  const Category& listed = week.categories[static_cast<std::size_t>(rng.between(0, static_cast<int>(week.categories.size()) - 1))];
  std::vector<std::string> contain = {week.first_name, "Currency: " + week.currency.code,
                                      fmt::format("{}: {:.2f} / {:.2f}", listed.name, static_cast<double>(listed.spent), static_cast<double>(listed.budget))};
  y += "    messages_contain: " + yaml_list(contain, true) + "\n";
  std::vector<std::string> not_contain = {"sk-ant-"};
  if (week.goals.empty()) not_contain.push_back("Goals (progress)");
  if (!week.fund_change) not_contain.push_back("change this week");
  y += "    messages_not_contain: " + yaml_list(not_contain, true) + "\n";

  out.completion = completion;
  return out;
}

bool write_text(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  return static_cast<bool>(file);
}

int usage(const char* message) {
  std::cerr << "reprise-bench-make-cases: " << message
            << "\nusage: reprise-bench-make-cases --out DIR --count N [--seed S] [--no-stamp]\n";
  return 2;
}

template <typename T>
bool parse_number(const std::string& text, T& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path out;
  std::size_t count = 0;
  std::uint64_t seed = 1;
  bool stamp = true;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (args[i] == "--out") out = value();
    else if (args[i] == "--count") { if (!parse_number(value(), count)) return usage("--count takes a whole number"); }
    else if (args[i] == "--seed") { if (!parse_number(value(), seed)) return usage("--seed takes a whole number"); }
    else if (args[i] == "--no-stamp") stamp = false;
    else if (args[i] == "-h" || args[i] == "--help") {
      std::cout << "usage: reprise-bench-make-cases --out DIR --count N [--seed S] [--no-stamp]\n"
                   "writes N synthetic coach_narrative cases (and, unless --no-stamp, their sidecars) under DIR\n";
      return 0;
    }
    else return usage(("unknown argument " + args[i]).c_str());
  }
  if (out.empty() || count == 0) return usage("--out and --count (at least 1) are required");

  fs::path cases = out / "coach_narrative" / "cases";
  std::error_code ec;
  if (fs::exists(cases, ec) && !fs::is_empty(cases, ec)) {
    std::cerr << "reprise-bench-make-cases: " << cases.string() << " is not empty; give a new --out folder\n";
    return 2;
  }
  fs::create_directories(cases, ec);
  if (ec) {
    std::cerr << "reprise-bench-make-cases: cannot create " << cases.string() << ": " << ec.message() << "\n";
    return 2;
  }

  std::size_t yaml_bytes = 0, completion_bytes = 0;
  for (std::size_t i = 0; i < count; ++i) {
    Generated generated = make_case(seed, i);
    if (!write_text(cases / (generated.id + ".yaml"), generated.yaml) ||
        !write_text(cases / (generated.id + ".completion.txt"), generated.completion)) {
      std::cerr << "reprise-bench-make-cases: cannot write case " << generated.id << " under " << cases.string() << "\n";
      return 1;
    }
    yaml_bytes += generated.yaml.size();
    completion_bytes += generated.completion.size();
  }
  std::cout << fmt::format("wrote {} case(s) to {} (mean size: case file {} B, completion {} B)\n", count, cases.string(),
                           yaml_bytes / count, completion_bytes / count);
  if (!stamp) return 0;

  // As `reprise stamp` does: load without requiring sidecars, then write them.
  using namespace reprise::eval;
  Suite suite = load_suite(out, LoadOptions{false, 0, {}});
  for (const auto& broken : suite.broken) {
    for (const auto& error : broken.errors) std::cerr << error.render() << "\n\n";
  }
  std::size_t written = 0, refused = 0;
  for (const auto& result : stamp_cases(suite, {}, StampMode::stamp, "")) {
    if (result.status == StampResult::Status::written) ++written;
    if (result.status == StampResult::Status::refused) {
      ++refused;
      if (refused <= 10) std::cerr << fmt::format("REFUSED {}: {}\n", result.test_name, result.detail);
    }
  }
  std::cout << fmt::format("stamped {} sidecar(s), {} refused, {} case file(s) failed to load\n", written, refused,
                           suite.broken.size());
  return suite.broken.empty() && refused == 0 && written == count ? 0 : 1;
}
