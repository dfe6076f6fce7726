// committee_narrator: an investment proposal and a roster of committee
// personas -> a narrated committee meeting as one JSON object. One call
// (synthesis model). The parser holds the JSON to its shape strictly: every
// roster member exactly once, known positions and verdicts, confidence in
// 0..1, conditions consistent with the verdict. The verdict label is the
// committee's verdict and the score its confidence.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <set>

#include "reprise/agents/committee_narrator.hpp"
#include "reprise/agents/completion_json.hpp"
#include "reprise/agents/input_reader.hpp"
#include "reprise/agents/typed_agent.hpp"
#include "reprise/agents/prompts.hpp"

namespace reprise::agents {
namespace {

constexpr std::size_t kMinPersonas = 3;
constexpr std::size_t kMaxPersonas = 6;
constexpr std::array<const char*, 3> kPositions = {"support", "oppose", "conditional"};
constexpr std::array<const char*, 4> kVerdicts = {"approve", "approve_with_conditions", "defer", "reject"};

struct Holding {
  std::string name;
  double weight = 0;  // 0..1
};

struct Persona {
  std::string name;
  std::string role;
  std::string lens;
};

struct CommitteeInput {
  std::string title;
  std::string asset;
  std::optional<std::string> ticker;
  std::string asset_class;
  double amount = 0;
  std::string currency;
  std::string horizon;
  std::string thesis;
  std::vector<std::string> risks;
  double total_value = 0;
  std::vector<Holding> allocation;
  std::vector<std::string> constraints;
  std::optional<std::string> notes;
  std::vector<Persona> personas;
};

void read_proposal(InputReader& proposal, CommitteeInput& parsed) {
  proposal.reject_unknown_keys({"title", "asset", "ticker", "asset_class", "amount", "currency", "horizon", "thesis", "risks"});
  parsed.title = proposal.string("title");
  parsed.asset = proposal.string("asset");
  parsed.ticker = proposal.optional_string("ticker");
  parsed.asset_class = proposal.string("asset_class");
  parsed.amount = proposal.number("amount", 0.01);
  parsed.currency = proposal.one_of("currency", {"USD", "EUR", "GBP", "CHF", "CAD", "AUD"});
  parsed.horizon = proposal.string("horizon");
  parsed.thesis = proposal.string("thesis");
  parsed.risks = proposal.strings("risks", true, 1);
}

void read_portfolio(InputReader& portfolio, CommitteeInput& parsed) {
  portfolio.reject_unknown_keys({"total_value", "allocation", "constraints", "notes"});
  parsed.total_value = portfolio.number("total_value", 0.01);
  double weights = 0;
  for (auto& holding : portfolio.objects("allocation", false)) {
    holding.reject_unknown_keys({"name", "weight"});
    parsed.allocation.push_back({holding.string("name"), holding.number("weight", 0.0, 1.0)});
    weights += parsed.allocation.back().weight;
  }
  if (!parsed.allocation.empty() && std::fabs(weights - 1.0) > 0.005) {
    portfolio.fail("allocation", fmt::format("'allocation' weights must add up to 1; they add up to {:.3f}", weights));
  }
  parsed.constraints = portfolio.strings("constraints", false);
  parsed.notes = portfolio.optional_string("notes");
}

void read_personas(InputReader& root, CommitteeInput& parsed) {
  std::vector<InputReader> personas = root.objects("personas", true, kMinPersonas);
  if (personas.size() > kMaxPersonas) {
    root.fail("personas", fmt::format("'personas' holds at most {} members; got {}", kMaxPersonas, personas.size()));
  }
  for (auto& persona : personas) {
    persona.reject_unknown_keys({"name", "role", "lens"});
    Persona member{persona.string("name"), persona.string("role"), persona.string("lens")};
    bool repeated = std::any_of(parsed.personas.begin(), parsed.personas.end(),
                                [&](const Persona& other) { return other.name == member.name; });
    if (repeated && !member.name.empty()) {
      persona.fail("name", fmt::format("'{}' is on the roster twice; persona names must be unique", member.name));
    }
    parsed.personas.push_back(std::move(member));
  }
}

CommitteeInput read_input(const Json& input, std::vector<InputError>& errors) {
  CommitteeInput parsed;
  InputReader root(input, "", errors);
  if (!root.is_object()) {
    root.fail("", "input must be a mapping");
    return parsed;
  }
  root.reject_unknown_keys({"proposal", "portfolio", "personas"});
  InputReader proposal = root.object("proposal");
  read_proposal(proposal, parsed);
  InputReader portfolio = root.object("portfolio");
  read_portfolio(portfolio, parsed);
  read_personas(root, parsed);
  return parsed;
}

// 1234567.5 -> "1,234,567.50": amounts the way the committee papers print them.
std::string money(double value) {
  std::string digits = fmt::format("{:.2f}", std::fabs(value));
  std::size_t point = digits.find('.');
  std::string grouped;
  for (std::size_t i = 0; i < point; ++i) {
    if (i > 0 && (point - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return (value < 0 ? "-" : "") + grouped + digits.substr(point);
}

std::string render_proposal(const CommitteeInput& in) {
  std::string text = fmt::format("Proposal: {}\n\nAsset: {}\n", in.title, in.asset);
  if (in.ticker) text += fmt::format("Ticker: {}\n", *in.ticker);
  text += fmt::format("Asset class: {}\nAmount: {} {} ({:.1f}% of the portfolio)\nHorizon: {}\n\nThesis:\n{}\n\nRisks named by the sponsor:\n",
                      in.asset_class, money(in.amount), in.currency, in.amount / in.total_value * 100, in.horizon, in.thesis);
  for (const auto& risk : in.risks) text += fmt::format("- {}\n", risk);
  text += fmt::format("\nPortfolio:\nTotal value: {} {}\n", money(in.total_value), in.currency);
  if (!in.allocation.empty()) {
    text += "Current allocation:\n";
    for (const auto& holding : in.allocation) text += fmt::format("- {}: {:.1f}%\n", holding.name, holding.weight * 100);
  }
  if (!in.constraints.empty()) {
    text += "Constraints:\n";
    for (const auto& constraint : in.constraints) text += fmt::format("- {}\n", constraint);
  }
  if (in.notes) text += fmt::format("Notes: {}\n", *in.notes);
  return text;
}

std::string render_roster(const std::vector<Persona>& personas) {
  std::string text = "Committee roster (each member appears once in \"views\", named exactly as here):\n";
  for (std::size_t i = 0; i < personas.size(); ++i) {
    text += fmt::format("{}. {} - {}; lens: {}\n", i + 1, personas[i].name, personas[i].role, personas[i].lens);
  }
  return text;
}

// ---- The answer's shape. Each check returns the first problem, named by its JSON pointer.

using Problem = std::optional<std::string>;

std::string at(const std::string& pointer, const std::string& message) {
  return (pointer.empty() ? "committee JSON: " : "committee JSON at " + pointer + ": ") + message;
}

template <std::size_t N>
bool is_one_of(const std::string& value, const std::array<const char*, N>& allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const char* item) { return value == item; });
}

template <std::size_t N>
std::string joined(const std::array<const char*, N>& items) {
  std::string text;
  for (const char* item : items) text += (text.empty() ? "" : ", ") + std::string(item);
  return text;
}

Problem check_keys(const Json& object, const std::string& pointer, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return at(pointer, "must be a JSON object");
  for (const auto& item : object.items()) {
    const std::string& key = item.key();  // not a structured binding: clang 14 (the fuzz build) cannot capture one
    if (std::none_of(keys.begin(), keys.end(), [&](const char* known) { return key == known; })) {
      return at(pointer, fmt::format("unexpected key '{}'", key));
    }
  }
  for (const char* key : keys) {
    if (!object.contains(key)) return at(pointer, fmt::format("'{}' is missing", key));
  }
  return std::nullopt;
}

Problem check_text(const Json& value, const std::string& pointer) {
  if (!value.is_string()) return at(pointer, "must be a string");
  if (value.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) return at(pointer, "must not be empty");
  return std::nullopt;
}

Problem check_text_list(const Json& value, const std::string& pointer) {
  if (!value.is_array()) return at(pointer, "must be a list of strings");
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (Problem problem = check_text(value[i], fmt::format("{}/{}", pointer, i))) return problem;
  }
  return std::nullopt;
}

Problem check_view(const Json& view, const std::string& pointer, const std::vector<Persona>& roster,
                   std::set<std::string>& seen) {
  if (Problem problem = check_keys(view, pointer, {"persona", "position", "key_argument", "concerns"})) return problem;
  if (Problem problem = check_text(view["persona"], pointer + "/persona")) return problem;
  auto name = view["persona"].get<std::string>();
  if (std::none_of(roster.begin(), roster.end(), [&](const Persona& member) { return member.name == name; })) {
    return at(pointer + "/persona", fmt::format("'{}' is not on the roster", name));
  }
  if (!seen.insert(name).second) return at(pointer + "/persona", fmt::format("'{}' has a second view", name));
  const Json& position = view["position"];
  if (!position.is_string() || !is_one_of(position.get<std::string>(), kPositions)) {
    return at(pointer + "/position", fmt::format("must be one of {}; got {}", joined(kPositions), position.dump()));
  }
  if (Problem problem = check_text(view["key_argument"], pointer + "/key_argument")) return problem;
  return check_text_list(view["concerns"], pointer + "/concerns");
}

Problem check_views(const Json& views, const std::vector<Persona>& roster) {
  if (!views.is_array()) return at("/views", "must be a list");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < views.size(); ++i) {
    if (Problem problem = check_view(views[i], fmt::format("/views/{}", i), roster, seen)) return problem;
  }
  for (const auto& member : roster) {
    if (!seen.count(member.name)) return at("/views", fmt::format("no view for roster member '{}'", member.name));
  }
  return std::nullopt;
}

Problem check_verdict(const Json& json) {
  const Json& verdict = json["verdict"];
  if (!verdict.is_string() || !is_one_of(verdict.get<std::string>(), kVerdicts)) {
    return at("/verdict", fmt::format("must be one of {}; got {}", joined(kVerdicts), verdict.dump()));
  }
  const Json& confidence = json["confidence"];
  if (!confidence.is_number()) return at("/confidence", "must be a number; got " + confidence.dump());
  if (confidence.get<double>() < 0 || confidence.get<double>() > 1) {
    return at("/confidence", "must be within 0..1; got " + confidence.dump());
  }
  return std::nullopt;
}

// approve_with_conditions and defer need conditions (of approval, or to take
// it up again); approve and reject must not carry any.
Problem check_conditions(const Json& json) {
  if (Problem problem = check_text_list(json["conditions"], "/conditions")) return problem;
  auto verdict = json["verdict"].get<std::string>();
  bool needs_conditions = verdict == "approve_with_conditions" || verdict == "defer";
  if (needs_conditions && json["conditions"].empty()) {
    return at("/conditions", fmt::format("the verdict '{}' needs at least one condition", verdict));
  }
  if (!needs_conditions && !json["conditions"].empty()) {
    return at("/conditions", fmt::format("the verdict '{}' takes no conditions; got {}", verdict, json["conditions"].size()));
  }
  return std::nullopt;
}

Problem check_committee_json(const Json& json, const std::vector<Persona>& roster) {
  if (Problem problem = check_keys(json, "", {"views", "verdict", "confidence", "conditions", "summary"})) return problem;
  if (Problem problem = check_views(json["views"], roster)) return problem;
  if (Problem problem = check_verdict(json)) return problem;
  if (Problem problem = check_conditions(json)) return problem;
  return check_text(json["summary"], "/summary");
}

class CommitteeNarrator final : public TypedAgent<CommitteeInput> {
 public:
  std::string_view name() const override { return "committee_narrator"; }

  CommitteeInput read(const Json& input, std::vector<InputError>& errors) const override {
    return agents::read_input(input, errors);
  }

  AgentResult run_typed(const CommitteeInput& parsed, llm::InvocationClient& client) const override {

    llm::Request request;
    request.model = client.model_for(llm::ModelRole::synthesis);
    request.max_tokens = 2500;
    request.temperature = 0.5;
    request.system_text = std::string(prompt("committee_narrator.system"));
    request.messages.push_back(llm::Message::user_text(
        "Here is the proposal in front of the committee. Narrate the meeting and answer with the JSON object.\n\n" +
        render_proposal(parsed) + "\n" + render_roster(parsed.personas)));

    auto response = client.invoke(request);
    if (!response) return util::unexpected(call_error(response.error(), 1));
    return parse(response->text(), parsed.personas);
  }

 private:
  static AgentResult parse(const std::string& completion, const std::vector<Persona>& roster) {
    auto json = extract_json_object(completion);
    if (!json) return util::unexpected(AgentError{AgentError::Kind::parse, json.error(), 1});
    if (Problem problem = check_committee_json(*json, roster)) {
      return util::unexpected(AgentError{AgentError::Kind::parse, *problem, 1});
    }
    AgentOutput output;
    output.verdict.label = (*json)["verdict"].get<std::string>();
    output.verdict.score = (*json)["confidence"].get<double>();
    output.output = std::move(*json);
    output.completions = {completion};
    return output;
  }
};

}  // namespace

const Agent& committee_narrator_agent() {
  static const CommitteeNarrator agent;
  return agent;
}

}  // namespace reprise::agents
