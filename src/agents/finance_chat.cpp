// finance_chat: answers the last question of a conversation about the
// user's own money. The account snapshot (accounts, transactions, budgets)
// is in the input but not in the prompt: the model reaches it through three
// tools, which this agent runs locally over the snapshot. Tool loop on the
// workhorse model, at most four calls. The verdict label says how the
// question was answered: declined (the policy refusal opening), with tools,
// or without.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>

#include "reprise/agents/finance_chat.hpp"
#include "reprise/agents/input_reader.hpp"
#include "reprise/agents/typed_agent.hpp"
#include "reprise/agents/prompts.hpp"
#include "reprise/util/text.hpp"

namespace reprise::agents {
namespace {

constexpr int kMaxCalls = 4;
constexpr std::int64_t kDefaultLimit = 10;
constexpr std::int64_t kMaxLimit = 50;
// The prompt tells the model to open every policy refusal with this sentence.
constexpr std::string_view kRefusalOpening = "i can't help with that";

struct Turn {
  std::string role;
  std::string text;
};

struct Account {
  std::string name;
  std::string type;
  std::int64_t balance_cents = 0;
};

struct Transaction {
  std::string date;
  std::string merchant;
  std::string category;
  std::int64_t amount_cents = 0;  // negative: money out
  std::string account;            // empty when not given
};

struct Budget {
  std::string category;
  std::int64_t monthly_cents = 0;
};

struct ChatInput {
  std::string first_name;
  std::string currency;
  std::string today;
  std::vector<Turn> turns;
  std::vector<Account> accounts;
  std::vector<Transaction> transactions;
  std::vector<Budget> budgets;
  std::vector<std::string> categories;  // derived: every category of the budgets and transactions
};

// Money is summed in whole cents so tool results are exact and the same on every machine.
std::int64_t to_cents(double amount) { return static_cast<std::int64_t>(std::llround(amount * 100)); }
double to_amount(std::int64_t cents) { return static_cast<double>(cents) / 100.0; }

bool is_date(const std::string& text) {
  static const std::regex date(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
  return std::regex_match(text, date);
}

std::string read_date(InputReader& reader, const char* key) {
  std::string text = reader.string(key);
  if (!text.empty() && !is_date(text)) reader.fail(key, fmt::format("'{}' must be a date as YYYY-MM-DD; got '{}'", key, text));
  return text;
}

bool same_name(const std::string& a, const std::string& b) { return util::to_lower_ascii(a) == util::to_lower_ascii(b); }

void read_conversation(InputReader& root, ChatInput& parsed) {
  std::vector<InputReader> turns = root.objects("conversation", true, 1);
  for (auto& turn : turns) {
    turn.reject_unknown_keys({"role", "text"});
    std::string expected = parsed.turns.size() % 2 == 0 ? "user" : "assistant";
    std::string role = turn.one_of("role", {"user", "assistant"});
    if (!role.empty() && role != expected) {
      turn.fail("role", fmt::format("turns alternate, starting with the user: this turn must be '{}'", expected));
    }
    parsed.turns.push_back({role, turn.string("text")});
  }
  if (!parsed.turns.empty() && parsed.turns.back().role != "user") {
    root.fail("conversation", "the last turn must be the user's question");
  }
}

void read_accounts(InputReader& root, ChatInput& parsed) {
  for (auto& account : root.objects("accounts", true, 1)) {
    account.reject_unknown_keys({"name", "type", "balance"});
    Account entry{account.string("name"), account.one_of("type", {"checking", "savings", "credit_card", "investment", "loan"}),
                  to_cents(account.number("balance"))};
    for (const auto& other : parsed.accounts) {
      if (!entry.name.empty() && same_name(other.name, entry.name)) account.fail("name", fmt::format("account '{}' is listed twice", entry.name));
    }
    parsed.accounts.push_back(std::move(entry));
  }
}

void read_transactions(InputReader& root, ChatInput& parsed) {
  for (auto& transaction : root.objects("transactions", false)) {
    transaction.reject_unknown_keys({"date", "merchant", "category", "amount", "account"});
    Transaction entry{read_date(transaction, "date"), transaction.string("merchant"), transaction.string("category"),
                      to_cents(transaction.number("amount")), transaction.optional_string("account").value_or("")};
    if (is_date(entry.date) && entry.date > parsed.today) transaction.fail("date", fmt::format("'{}' is after today ({})", entry.date, parsed.today));
    bool known = entry.account.empty() || std::any_of(parsed.accounts.begin(), parsed.accounts.end(),
                                                      [&](const Account& account) { return account.name == entry.account; });
    if (!known) transaction.fail("account", fmt::format("'{}' is not one of the accounts", entry.account));
    parsed.transactions.push_back(std::move(entry));
  }
}

void read_budgets(InputReader& root, ChatInput& parsed) {
  for (auto& budget : root.objects("budgets", false)) {
    budget.reject_unknown_keys({"category", "monthly_limit"});
    Budget entry{budget.string("category"), to_cents(budget.number("monthly_limit", 0.0))};
    for (const auto& other : parsed.budgets) {
      if (!entry.category.empty() && same_name(other.category, entry.category)) {
        budget.fail("category", fmt::format("category '{}' has two budgets", entry.category));
      }
    }
    parsed.budgets.push_back(std::move(entry));
  }
}

// Budgeted categories first, in budget order, then the others in order of first transaction.
std::vector<std::string> list_categories(const ChatInput& data) {
  std::vector<std::string> names;
  auto add = [&](const std::string& name) {
    if (std::none_of(names.begin(), names.end(), [&](const std::string& known) { return same_name(known, name); })) names.push_back(name);
  };
  for (const auto& budget : data.budgets) add(budget.category);
  for (const auto& transaction : data.transactions) add(transaction.category);
  return names;
}

ChatInput read_input(const Json& input, std::vector<InputError>& errors) {
  ChatInput parsed;
  InputReader root(input, "", errors);
  if (!root.is_object()) {
    root.fail("", "input must be a mapping");
    return parsed;
  }
  root.reject_unknown_keys({"user", "today", "conversation", "accounts", "transactions", "budgets"});
  InputReader user = root.object("user");
  user.reject_unknown_keys({"first_name", "currency"});
  parsed.first_name = user.string("first_name");
  parsed.currency = user.one_of("currency", {"USD", "EUR", "GBP", "CAD", "AUD"});
  parsed.today = read_date(root, "today");
  read_conversation(root, parsed);
  read_accounts(root, parsed);
  read_transactions(root, parsed);
  read_budgets(root, parsed);
  parsed.categories = list_categories(parsed);
  return parsed;
}

std::string render_context(const ChatInput& data) {
  std::string text = fmt::format("## This person's data\n\nToday: {}\nFirst name: {}\nCurrency: {}\nAccounts:", data.today, data.first_name, data.currency);
  for (std::size_t i = 0; i < data.accounts.size(); ++i) {
    text += fmt::format("{} {} ({})", i == 0 ? "" : ",", data.accounts[i].name, data.accounts[i].type);
  }
  if (data.transactions.empty()) {
    text += "\nTransactions on file: none";
  } else {
    auto [first, last] = std::minmax_element(data.transactions.begin(), data.transactions.end(),
                                             [](const Transaction& a, const Transaction& b) { return a.date < b.date; });
    text += fmt::format("\nTransactions on file: {} to {} ({} transactions)", first->date, last->date, data.transactions.size());
  }
  std::string names;
  for (const auto& name : data.categories) names += (names.empty() ? "" : ", ") + name;
  text += "\nCategories: " + (names.empty() ? std::string("none") : names);
  text += data.budgets.empty() ? "\nMonthly budgets: none set\n" : "\nMonthly budgets:\n";
  for (const auto& budget : data.budgets) text += fmt::format("- {}: {:.2f}\n", budget.category, to_amount(budget.monthly_cents));
  return text;
}

// ---- Tools: definitions offered to the model, and their local implementations.

Json date_schema(const char* description) {
  return {{"type", "string"}, {"pattern", R"(^\d{4}-\d{2}-\d{2}$)"}, {"description", description}};
}

std::vector<llm::Tool> tool_definitions() {
  std::vector<llm::Tool> tools;
  tools.push_back({"get_account_balances",
                   "Current balance of every linked account (checking, savings, credit cards, investment, loans), "
                   "with the total cash in checking and savings and the net total of all accounts. Balances owed on "
                   "credit cards and loans are negative.",
                   {{"type", "object"}, {"properties", Json::object()}, {"additionalProperties", false}},
                   nullptr});
  tools.push_back({"get_spending_by_category",
                   "Money spent between two dates (inclusive), net of refunds, per category, with each category's "
                   "monthly budget where one is set. Give a category for that one category, or leave it out for every "
                   "category with spending in the period, largest first.",
                   {{"type", "object"},
                    {"properties",
                     {{"category", {{"type", "string"}, {"description", "A category name exactly as listed; omit for all categories"}}},
                      {"start_date", date_schema("First day of the period, YYYY-MM-DD")},
                      {"end_date", date_schema("Last day of the period, YYYY-MM-DD, inclusive")}}},
                    {"required", Json::array({"start_date", "end_date"})},
                    {"additionalProperties", false}},
                   nullptr});
  tools.push_back({"list_transactions",
                   "Transactions matching every filter given, newest first, with the number of matches and the signed "
                   "sum of all matches (negative is money out). Merchant matches any part of the name, ignoring case.",
                   {{"type", "object"},
                    {"properties",
                     {{"merchant", {{"type", "string"}, {"description", "Part of the merchant name"}}},
                      {"category", {{"type", "string"}, {"description", "A category name exactly as listed"}}},
                      {"start_date", date_schema("Earliest date, YYYY-MM-DD")},
                      {"end_date", date_schema("Latest date, YYYY-MM-DD, inclusive")},
                      {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxLimit},
                                 {"description", fmt::format("How many transactions to return (default {})", kDefaultLimit)}}}}},
                    {"additionalProperties", false}},
                   nullptr});
  return tools;
}

struct ToolOutcome {
  std::string content;  // the tool_result content: a JSON document, or the error message
  bool is_error = false;
};

ToolOutcome tool_error(std::string message) { return {std::move(message), true}; }

std::optional<ToolOutcome> argument_errors(const std::vector<InputError>& errors) {
  if (errors.empty()) return std::nullopt;
  std::string message = "invalid arguments:";
  for (const auto& error : errors) message += " " + error.message + ";";
  message.pop_back();
  return tool_error(message);
}

// A category named by the model, as spelt in the data; nullopt when unknown.
std::optional<std::string> resolve_category(const ChatInput& data, const std::string& name) {
  for (const auto& known : data.categories) {
    if (same_name(known, name)) return known;
  }
  return std::nullopt;
}

ToolOutcome unknown_category(const ChatInput& data, const std::string& name) {
  std::string names;
  for (const auto& known : data.categories) names += (names.empty() ? "" : ", ") + known;
  return tool_error(fmt::format("unknown category '{}'; the categories are: {}", name, names));
}

// Checks the start/end dates of a tool's arguments (either may be absent), reporting through `args`.
void check_period(InputReader& args, const std::optional<std::string>& start, const std::optional<std::string>& end) {
  bool valid = true;
  if (start && !start->empty() && !is_date(*start)) {
    args.fail("start_date", fmt::format("'start_date' must be YYYY-MM-DD; got '{}'", *start));
    valid = false;
  }
  if (end && !end->empty() && !is_date(*end)) {
    args.fail("end_date", fmt::format("'end_date' must be YYYY-MM-DD; got '{}'", *end));
    valid = false;
  }
  if (valid && start && end && *start > *end) args.fail("end_date", fmt::format("'end_date' ({}) is before 'start_date' ({})", *end, *start));
}

ToolOutcome get_account_balances(const ChatInput& data, const Json& arguments) {
  std::vector<InputError> errors;
  InputReader args(arguments, "", errors);
  args.reject_unknown_keys({});
  if (auto problem = argument_errors(errors)) return *problem;
  Json accounts = Json::array();
  std::int64_t cash = 0, net = 0;
  for (const auto& account : data.accounts) {
    accounts.push_back({{"name", account.name}, {"type", account.type}, {"balance", to_amount(account.balance_cents)}});
    if (account.type == "checking" || account.type == "savings") cash += account.balance_cents;
    net += account.balance_cents;
  }
  return {Json{{"as_of", data.today}, {"currency", data.currency}, {"accounts", accounts},
               {"cash_total", to_amount(cash)}, {"net_total", to_amount(net)}}.dump()};
}

struct CategoryTotal {
  std::int64_t spent_cents = 0;
  int transactions = 0;
};

Json category_row(const ChatInput& data, const std::string& category, const CategoryTotal& total) {
  Json row = {{"category", category}, {"spent", to_amount(total.spent_cents)}, {"transactions", total.transactions}};
  for (const auto& budget : data.budgets) {
    if (same_name(budget.category, category)) row["monthly_budget"] = to_amount(budget.monthly_cents);
  }
  return row;
}

ToolOutcome get_spending_by_category(const ChatInput& data, const Json& arguments) {
  std::vector<InputError> errors;
  InputReader args(arguments, "", errors);
  args.reject_unknown_keys({"category", "start_date", "end_date"});
  std::optional<std::string> category = args.optional_string("category");
  std::string start = args.string("start_date"), end = args.string("end_date");
  check_period(args, start, end);
  if (auto problem = argument_errors(errors)) return *problem;
  if (category && !resolve_category(data, *category)) return unknown_category(data, *category);

  std::map<std::string, CategoryTotal> totals;
  for (const auto& transaction : data.transactions) {
    if (transaction.date < start || transaction.date > end) continue;
    std::string name = *resolve_category(data, transaction.category);
    if (category && !same_name(name, *category)) continue;
    totals[name].spent_cents -= transaction.amount_cents;
    totals[name].transactions += 1;
  }
  std::vector<std::pair<std::string, CategoryTotal>> rows;
  if (category) {
    std::string name = *resolve_category(data, *category);
    rows.emplace_back(name, totals[name]);
  } else {
    // Categories whose money came in on balance (pay, refunds) are not spending.
    for (const auto& [name, total] : totals) {
      if (total.spent_cents > 0) rows.emplace_back(name, total);
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.spent_cents > b.second.spent_cents; });
  Json result = {{"start_date", start}, {"end_date", end}, {"currency", data.currency}, {"categories", Json::array()}};
  std::int64_t sum = 0;
  for (const auto& [name, total] : rows) {
    result["categories"].push_back(category_row(data, name, total));
    sum += total.spent_cents;
  }
  result["total_spent"] = to_amount(sum);
  return {result.dump()};
}

struct TransactionFilter {
  std::optional<std::string> merchant;
  std::optional<std::string> category;  // as spelt in the data
  std::optional<std::string> start;
  std::optional<std::string> end;

  bool matches(const Transaction& transaction) const {
    if (merchant && util::to_lower_ascii(transaction.merchant).find(util::to_lower_ascii(*merchant)) == std::string::npos) return false;
    if (category && !same_name(transaction.category, *category)) return false;
    if (start && transaction.date < *start) return false;
    return !end || transaction.date <= *end;
  }
};

Json transaction_json(const Transaction& transaction) {
  Json json = {{"date", transaction.date}, {"merchant", transaction.merchant}, {"category", transaction.category},
               {"amount", to_amount(transaction.amount_cents)}};
  if (!transaction.account.empty()) json["account"] = transaction.account;
  return json;
}

ToolOutcome list_transactions(const ChatInput& data, const Json& arguments) {
  std::vector<InputError> errors;
  InputReader args(arguments, "", errors);
  args.reject_unknown_keys({"merchant", "category", "start_date", "end_date", "limit"});
  TransactionFilter filter{args.optional_string("merchant"), args.optional_string("category"),
                           args.optional_string("start_date"), args.optional_string("end_date")};
  check_period(args, filter.start, filter.end);
  std::int64_t limit = args.has("limit") ? args.integer("limit", 1, kMaxLimit) : kDefaultLimit;
  if (auto problem = argument_errors(errors)) return *problem;
  if (filter.category && !resolve_category(data, *filter.category)) return unknown_category(data, *filter.category);

  std::vector<const Transaction*> found;
  std::int64_t net = 0;
  for (const auto& transaction : data.transactions) {
    if (!filter.matches(transaction)) continue;
    found.push_back(&transaction);
    net += transaction.amount_cents;
  }
  std::stable_sort(found.begin(), found.end(), [](const Transaction* a, const Transaction* b) { return a->date > b->date; });
  Json listed = Json::array();
  for (std::size_t i = 0; i < found.size() && i < static_cast<std::size_t>(limit); ++i) listed.push_back(transaction_json(*found[i]));
  return {Json{{"matches", found.size()}, {"returned", listed.size()}, {"net_amount", to_amount(net)},
               {"currency", data.currency}, {"transactions", listed}}.dump()};
}

ToolOutcome run_tool(const ChatInput& data, const llm::ContentBlock& use) {
  if (use.name == "get_account_balances") return get_account_balances(data, use.input);
  if (use.name == "get_spending_by_category") return get_spending_by_category(data, use.input);
  if (use.name == "list_transactions") return list_transactions(data, use.input);
  return tool_error(fmt::format("unknown tool '{}'; the tools are get_account_balances, get_spending_by_category, list_transactions", use.name));
}

bool is_refusal(std::string answer) {
  for (std::size_t at = answer.find("\u2019"); at != std::string::npos; at = answer.find("\u2019")) answer.replace(at, 3, "'");
  return util::to_lower_ascii(answer).rfind(kRefusalOpening, 0) == 0;
}

std::string trimmed(const std::string& text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

class FinanceChat final : public TypedAgent<ChatInput> {
 public:
  std::string_view name() const override { return "finance_chat"; }

  ChatInput read(const Json& input, std::vector<InputError>& errors) const override {
    return agents::read_input(input, errors);
  }

  AgentResult run_typed(const ChatInput& parsed, llm::InvocationClient& client) const override {

    llm::Request request = first_request(parsed, client);
    std::vector<std::string> completions, tools_used;
    for (int call = 1; call <= kMaxCalls; ++call) {
      auto response = client.invoke(request);
      if (!response) return util::unexpected(call_error(response.error(), call));
      completions.push_back(response->text());
      if (response->stop_reason != "tool_use") return finish(*response, call, std::move(completions), std::move(tools_used));
      if (response->tool_uses().empty()) {
        return util::unexpected(AgentError{AgentError::Kind::parse, "stop_reason is tool_use but the answer has no tool_use block", call});
      }
      // The assistant turn is replayed exactly as received, text and tool_use blocks alike.
      request.messages.push_back(llm::Message{"assistant", response->content, false});
      llm::Message results{"user", {}, false};
      for (const llm::ContentBlock* use : response->tool_uses()) {
        tools_used.push_back(use->name);
        ToolOutcome outcome = run_tool(parsed, *use);
        results.content.push_back(llm::ContentBlock::make_tool_result(use->id, outcome.content, outcome.is_error));
      }
      request.messages.push_back(std::move(results));
    }
    return util::unexpected(AgentError{AgentError::Kind::parse, fmt::format("tool loop did not finish in {} calls", kMaxCalls), kMaxCalls});
  }

 private:
  static llm::Request first_request(const ChatInput& parsed, llm::InvocationClient& client) {
    llm::Request request;
    request.model = client.model_for(llm::ModelRole::workhorse);
    request.max_tokens = 1024;
    request.temperature = 0.2;
    request.system_text = std::string(prompt("finance_chat.system")) + "\n" + render_context(parsed);
    request.tools = tool_definitions();
    for (const auto& turn : parsed.turns) {
      request.messages.push_back(turn.role == "user" ? llm::Message::user_text(turn.text) : llm::Message::assistant_text(turn.text));
    }
    return request;
  }

  static AgentResult finish(const llm::Response& response, int call, std::vector<std::string> completions,
                            std::vector<std::string> tools_used) {
    if (response.stop_reason == "max_tokens") {
      return util::unexpected(AgentError{AgentError::Kind::parse, "the answer was cut off at max_tokens", call});
    }
    std::string answer = trimmed(response.text());
    if (answer.empty()) return util::unexpected(AgentError{AgentError::Kind::parse, "the final answer is empty", call});
    AgentOutput output;
    if (is_refusal(answer)) output.verdict.label = "declined";
    else output.verdict.label = tools_used.empty() ? "answered" : "answered_with_tools";
    output.output = {{"answer", answer}, {"tools_used", tools_used}, {"calls", call}};
    output.completions = std::move(completions);
    return output;
  }
};

}  // namespace

const Agent& finance_chat_agent() {
  static const FinanceChat agent;
  return agent;
}

}  // namespace reprise::agents
