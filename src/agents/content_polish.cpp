// content_polish: revision, fact-check flags and SEO for a markdown draft in
// one JSON answer. Given a brief instead of a draft, it first runs
// content_generate's step (call 1) and polishes its draft (call 2). The
// answer's contract and the verdict rules are in the header.
#include "reprise/agents/content_polish.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <regex>

#include "reprise/agents/completion_json.hpp"
#include "reprise/agents/content_generate.hpp"
#include "reprise/agents/input_reader.hpp"
#include "reprise/agents/typed_agent.hpp"
#include "reprise/agents/prompts.hpp"

namespace reprise::agents {
namespace {

struct PolishInput {
  std::optional<std::string> draft;
  std::optional<ContentBrief> brief;
  std::vector<std::string> style_guide;
  std::vector<ContentFact> verified_facts;
};

PolishInput read_input(const Json& input, std::vector<InputError>& errors) {
  PolishInput parsed;
  InputReader root(input, "", errors);
  if (!root.is_object()) {
    root.fail("", "input must be a mapping");
    return parsed;
  }
  root.reject_unknown_keys({"draft", "brief", "style_guide", "verified_facts"});
  bool has_draft = root.has("draft");
  bool has_brief = root.has("brief");
  if (has_draft && has_brief) {
    root.fail("brief", "give either 'draft' (the markdown to polish) or 'brief' (generate a draft, then polish it), not both");
  } else if (!has_draft && !has_brief) {
    root.fail("", "one of 'draft' (the markdown to polish) or 'brief' (generate a draft, then polish it) is required");
  }
  if (has_draft) parsed.draft = root.string("draft");
  if (has_brief) {
    InputReader brief = root.object("brief");
    if (brief.is_object()) parsed.brief = read_content_brief(brief);
  }
  parsed.style_guide = root.strings("style_guide", false);
  for (std::size_t i = 0; i < parsed.style_guide.size(); ++i) {
    if (parsed.style_guide[i].find_first_not_of(" \t\r\n") == std::string::npos) {
      root.fail(fmt::format("style_guide/{}", i), "a style note must not be empty");
    }
  }
  for (auto& fact : root.objects("verified_facts", false)) {
    fact.reject_unknown_keys({"claim", "source"});
    parsed.verified_facts.push_back({fact.string("claim"), fact.string("source")});
  }
  return parsed;
}

// The given facts, then the brief's must-include facts not already given.
std::vector<ContentFact> all_verified_facts(const PolishInput& in) {
  std::vector<ContentFact> facts = in.verified_facts;
  if (!in.brief) return facts;
  for (const auto& fact : in.brief->must_include_facts) {
    bool known = std::any_of(facts.begin(), facts.end(), [&](const ContentFact& f) { return f.claim == fact.claim; });
    if (!known) facts.push_back(fact);
  }
  return facts;
}

std::string render_polish_message(const PolishInput& in, const std::string& draft) {
  std::string text = "Polish this draft for publication.\n\n<style_guide>\n";
  if (in.style_guide.empty()) text += "No notes for this piece: apply the house style.\n";
  for (const auto& note : in.style_guide) text += fmt::format("- {}\n", note);
  text += "</style_guide>\n\n<verified_facts>\n";
  std::vector<ContentFact> facts = all_verified_facts(in);
  if (facts.empty()) text += "None supplied: treat every specific figure, rate, limit, date and rule in the draft as unverified.\n";
  for (std::size_t i = 0; i < facts.size(); ++i) {
    text += fmt::format("{}. {} (source: {})\n", i + 1, facts[i].claim, facts[i].source);
  }
  text += "</verified_facts>\n\n";
  if (in.brief) text += render_content_brief(*in.brief) + "\n\n";
  std::size_t begin = draft.find_first_not_of(" \t\r\n");
  std::size_t end = draft.find_last_not_of(" \t\r\n");
  std::string trimmed = begin == std::string::npos ? std::string() : draft.substr(begin, end - begin + 1);
  text += "<draft>\n" + trimmed + "\n</draft>";
  return text;
}

llm::Request polish_request(const PolishInput& in, const std::string& draft, const llm::InvocationClient& client) {
  llm::Request request;
  request.model = client.model_for(llm::ModelRole::workhorse);
  // The revised article comes back whole, JSON-escaped, beside the flags and SEO.
  request.max_tokens = 8192;
  request.temperature = 0.2;
  request.system_text = std::string(prompt("content_polish.system"));
  request.messages.push_back(llm::Message::user_text(render_polish_message(in, draft)));
  return request;
}

std::size_t utf8_length(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool starts_with_h1(const std::string& markdown) {
  std::size_t begin = markdown.find_first_not_of(" \t\r\n");
  return begin != std::string::npos && markdown.compare(begin, 2, "# ") == 0;
}

// Collects every way an answer breaks the contract, so one failure shows them all.
class AnswerCheck {
 public:
  void keys(const Json& object, const std::string& where, std::initializer_list<const char*> known) {
    for (const char* key : known) {
      if (!object.contains(key)) problems.push_back(fmt::format("'{}{}' is missing", where, key));
    }
    for (const auto& item : object.items()) {
      const std::string& key = item.key();  // not a structured binding: clang 14 (the fuzz build) cannot capture one
      bool listed = std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; });
      if (!listed) problems.push_back(fmt::format("unknown key '{}{}'", where, key));
    }
  }

  // The non-empty string at object[key], or nullptr (the problem recorded).
  const std::string* text(const Json& object, const std::string& where, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) return nullptr;
    if (!it->is_string()) {
      problems.push_back(fmt::format("'{}{}' must be a string", where, key));
      return nullptr;
    }
    const auto* value = it->get_ptr<const std::string*>();
    if (value->find_first_not_of(" \t\r\n") == std::string::npos) {
      problems.push_back(fmt::format("'{}{}' must not be empty", where, key));
      return nullptr;
    }
    return value;
  }

  std::vector<std::string> problems;
};

struct SeverityCounts {
  int high = 0;
  int medium = 0;
  int low = 0;
};

void check_flags(const Json& answer, AnswerCheck& check, SeverityCounts& counts) {
  if (!answer.contains("flags")) return;
  const Json& flags = answer.at("flags");
  if (!flags.is_array()) {
    check.problems.push_back("'flags' must be a list");
    return;
  }
  for (std::size_t i = 0; i < flags.size(); ++i) {
    std::string where = fmt::format("flags[{}].", i);
    if (!flags[i].is_object()) {
      check.problems.push_back(fmt::format("'flags[{}]' must be an object", i));
      continue;
    }
    check.keys(flags[i], where, {"claim", "issue", "severity", "suggested_fix"});
    check.text(flags[i], where, "claim");
    check.text(flags[i], where, "issue");
    check.text(flags[i], where, "suggested_fix");
    const std::string* severity = check.text(flags[i], where, "severity");
    if (!severity) continue;
    if (*severity == "high") ++counts.high;
    else if (*severity == "medium") ++counts.medium;
    else if (*severity == "low") ++counts.low;
    else check.problems.push_back(fmt::format("'{}severity' must be low, medium or high; got '{}'", where, *severity));
  }
}

void check_seo(const Json& answer, AnswerCheck& check) {
  if (!answer.contains("seo")) return;
  const Json& seo = answer.at("seo");
  if (!seo.is_object()) {
    check.problems.push_back("'seo' must be an object");
    return;
  }
  check.keys(seo, "seo.", {"title", "description", "slug"});
  if (const std::string* title = check.text(seo, "seo.", "title"); title && utf8_length(*title) > 60) {
    check.problems.push_back(fmt::format("'seo.title' is {} characters; at most 60", utf8_length(*title)));
  }
  if (const std::string* description = check.text(seo, "seo.", "description")) {
    std::size_t length = utf8_length(*description);
    if (length < 120 || length > 160) {
      check.problems.push_back(fmt::format("'seo.description' is {} characters; it must be 120 to 160", length));
    }
  }
  static const std::regex slug_pattern("[a-z0-9]+(-[a-z0-9]+)*");
  if (const std::string* slug = check.text(seo, "seo.", "slug"); slug && !std::regex_match(*slug, slug_pattern)) {
    check.problems.push_back(fmt::format("'seo.slug' '{}' must be lowercase a-z0-9 words joined by single hyphens", *slug));
  }
}

double quality_score(const SeverityCounts& counts) {
  double score = 1.0 - 0.25 * counts.high - 0.1 * counts.medium - 0.02 * counts.low;
  return std::max(0.0, score);
}

AgentResult parse_polish(const std::string& completion, int call_index) {
  auto fail = [&](std::string message) {
    return util::unexpected(AgentError{AgentError::Kind::parse, std::move(message), call_index});
  };
  auto answer = extract_json_object(completion);
  if (!answer) return fail(answer.error());

  AnswerCheck check;
  SeverityCounts counts;
  check.keys(*answer, "", {"revised_markdown", "flags", "seo"});
  if (const std::string* markdown = check.text(*answer, "", "revised_markdown"); markdown && !starts_with_h1(*markdown)) {
    check.problems.push_back("'revised_markdown' must start with an H1 title line ('# Title')");
  }
  check_flags(*answer, check, counts);
  check_seo(*answer, check);
  if (!check.problems.empty()) {
    std::string message = "the polish answer breaks its contract: " + check.problems.front();
    for (std::size_t i = 1; i < check.problems.size(); ++i) message += "; " + check.problems[i];
    return fail(std::move(message));
  }

  AgentOutput output;
  output.output = std::move(*answer);
  output.verdict.label = counts.high > 0 ? "needs_review" : "publishable";
  output.verdict.score = quality_score(counts);
  output.completions = {completion};
  return output;
}

class ContentPolish final : public TypedAgent<PolishInput> {
 public:
  std::string_view name() const override { return "content_polish"; }

  PolishInput read(const Json& input, std::vector<InputError>& errors) const override {
    return agents::read_input(input, errors);
  }

  AgentResult run_typed(const PolishInput& parsed, llm::InvocationClient& client) const override {
    if (parsed.draft) return polish(parsed, *parsed.draft, client, 1);

    AgentResult generated = run_content_generate(*parsed.brief, client);
    if (!generated) return generated;
    const std::string& draft = generated->output.at("markdown").get_ref<const std::string&>();
    AgentResult polished = polish(parsed, draft, client, 2);
    if (!polished) return polished;
    polished->output["draft"] = draft;
    polished->output["draft_verdict"] = {{"label", generated->verdict.label.value_or("")},
                                         {"score", generated->verdict.score.value_or(0.0)}};
    polished->completions.insert(polished->completions.begin(), generated->completions.front());
    return polished;
  }

 private:
  AgentResult polish(const PolishInput& in, const std::string& draft, llm::InvocationClient& client, int call_index) const {
    auto response = client.invoke(polish_request(in, draft, client));
    if (!response) return util::unexpected(call_error(response.error(), call_index));
    return parse_polish(response->text(), call_index);
  }
};

}  // namespace

const Agent& content_polish_agent() {
  static const ContentPolish agent;
  return agent;
}

}  // namespace reprise::agents
