// content_generate: a markdown draft for the blog or help center from a
// content brief. One call (workhorse model). The draft's shape and length
// decide the label, its coverage of the brief's key points the score; the
// rules are in the header.
#include "reprise/agents/content_generate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include "reprise/agents/prompts.hpp"
#include "reprise/agents/typed_agent.hpp"
#include "reprise/util/text.hpp"

namespace reprise::agents {
namespace {

std::string_view trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// The text of an ATX heading of exactly `level` ("## Why it matters" at level
// 2), or nothing. Optional closing #s are dropped.
std::optional<std::string> heading(std::string_view line, std::size_t level) {
  std::string marker(level, '#');
  marker += ' ';
  if (line.substr(0, marker.size()) != marker) return std::nullopt;
  std::string_view text = trim(line.substr(marker.size()));
  std::size_t closing = text.find_last_not_of('#');
  if (closing != std::string_view::npos && closing + 1 < text.size() && text[closing] == ' ') {
    text = trim(text.substr(0, closing));
  }
  if (text.empty()) return std::nullopt;
  return std::string(text);
}

bool is_fence(std::string_view line) {
  std::string_view text = trim(line);
  return text.substr(0, 3) == "```" || text.substr(0, 3) == "~~~";
}

struct DraftShape {
  bool has_h1 = false;
  bool starts_with_h1 = false;
  std::string title;  // the first H1
  std::vector<std::string> sections;  // H2 headings, in order
};

// Headings inside fenced code blocks are code, not structure.
DraftShape shape_of(std::string_view markdown) {
  DraftShape shape;
  bool in_fence = false;
  bool seen_text = false;
  for (std::string_view line : split_lines(markdown)) {
    if (is_fence(line)) in_fence = !in_fence;
    if (!in_fence) {
      if (auto h1 = heading(line, 1)) {
        if (!shape.has_h1) {
          shape.has_h1 = true;
          shape.starts_with_h1 = !seen_text;
          shape.title = *h1;
        }
      } else if (auto h2 = heading(line, 2)) {
        shape.sections.push_back(*h2);
      }
    }
    if (!trim(line).empty()) seen_text = true;
  }
  return shape;
}

bool has_alnum(std::string_view token) {
  return std::any_of(token.begin(), token.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

std::size_t count_draft_words(std::string_view text) {
  std::size_t words = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t begin = text.find_first_not_of(" \t\r\n", start);
    if (begin == std::string_view::npos) break;
    std::size_t end = text.find_first_of(" \t\r\n", begin);
    if (end == std::string_view::npos) end = text.size();
    if (has_alnum(text.substr(begin, end - begin))) ++words;
    start = end;
  }
  return words;
}

// Lowercased runs of ASCII letters of 5 or more.
std::vector<std::string> key_words(std::string_view key_point) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 5) words.push_back(word);
    word.clear();
  };
  for (char c : key_point) {
    if (std::isalpha(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

bool covers(const std::string& lower_draft, const std::string& key_point) {
  std::vector<std::string> words = key_words(key_point);
  if (words.empty()) return lower_draft.find(util::to_lower_ascii(trim(key_point))) != std::string::npos;
  return std::all_of(words.begin(), words.end(),
                     [&](const std::string& word) { return lower_draft.find(word) != std::string::npos; });
}

// About 1.3 tokens per English word plus markdown; twice the word cap leaves
// room for that, and a runaway draft is cut off instead of billed in full.
int max_tokens_for(const ContentBrief& brief) {
  return static_cast<int>(std::clamp<std::int64_t>(2 * brief.max_words + 1024, 2048, 8192));
}

class ContentGenerate final : public TypedAgent<ContentBrief> {
 public:
  std::string_view name() const override { return "content_generate"; }

  ContentBrief read(const Json& input, std::vector<InputError>& errors) const override {
    InputReader root(input, "", errors);
    return read_content_brief(root);
  }

  AgentResult run_typed(const ContentBrief& brief, llm::InvocationClient& client) const override {
    return run_content_generate(brief, client);
  }
};

}  // namespace

ContentBrief read_content_brief(InputReader& reader) {
  ContentBrief brief;
  if (!reader.is_object()) {
    reader.fail("", "the brief must be a mapping");
    return brief;
  }
  reader.reject_unknown_keys({"topic", "audience", "goal", "key_points", "word_target", "tone",
                              "must_include_facts", "banned_phrases"});
  brief.topic = reader.string("topic");
  brief.audience = reader.string("audience");
  brief.goal = reader.string("goal");
  brief.tone = reader.string("tone");
  brief.key_points = reader.strings("key_points", true, 1);
  for (std::size_t i = 0; i < brief.key_points.size(); ++i) {
    if (trim(brief.key_points[i]).empty()) reader.fail(fmt::format("key_points/{}", i), "a key point must not be empty");
  }
  if (InputReader target = reader.object("word_target"); target.is_object()) {
    target.reject_unknown_keys({"min", "max"});
    brief.min_words = target.integer("min", 100, 4000);
    brief.max_words = target.integer("max", 100, 4000);
    if (target.has("min") && target.has("max") && brief.max_words < brief.min_words) {
      target.fail("max", fmt::format("'max' ({}) must not be less than 'min' ({})", brief.max_words, brief.min_words));
    }
  }
  for (auto& fact : reader.objects("must_include_facts", false)) {
    fact.reject_unknown_keys({"claim", "source"});
    brief.must_include_facts.push_back({fact.string("claim"), fact.string("source")});
  }
  brief.banned_phrases = reader.strings("banned_phrases", false);
  for (std::size_t i = 0; i < brief.banned_phrases.size(); ++i) {
    if (trim(brief.banned_phrases[i]).empty()) reader.fail(fmt::format("banned_phrases/{}", i), "a banned phrase must not be empty");
  }
  return brief;
}

std::string render_content_brief(const ContentBrief& brief) {
  std::string text = fmt::format(
      "<brief>\nTopic: {}\nAudience: {}\nGoal: {}\nTone: {}\nLength: {} to {} words\n\nKey points (cover every one):\n",
      brief.topic, brief.audience, brief.goal, brief.tone, brief.min_words, brief.max_words);
  for (std::size_t i = 0; i < brief.key_points.size(); ++i) {
    text += fmt::format("{}. {}\n", i + 1, brief.key_points[i]);
  }
  if (brief.must_include_facts.empty()) {
    text += "\nFacts that must appear: none given.\n";
  } else {
    text += "\nFacts that must appear (state each accurately and name its source in the sentence):\n";
    for (std::size_t i = 0; i < brief.must_include_facts.size(); ++i) {
      const auto& fact = brief.must_include_facts[i];
      text += fmt::format("{}. {} (source: {})\n", i + 1, fact.claim, fact.source);
    }
  }
  if (brief.banned_phrases.empty()) {
    text += "\nBanned phrases: none beyond the house list.\n";
  } else {
    text += "\nBanned phrases (never use these, in any capitalisation):\n";
    for (const auto& phrase : brief.banned_phrases) text += fmt::format("- {}\n", phrase);
  }
  text += "</brief>";
  return text;
}

llm::Request content_generate_request(const ContentBrief& brief, const llm::InvocationClient& client) {
  llm::Request request;
  request.model = client.model_for(llm::ModelRole::workhorse);
  request.max_tokens = max_tokens_for(brief);
  request.temperature = 0.6;
  request.system_text = std::string(prompt("content_generate.system"));
  request.messages.push_back(llm::Message::user_text("Write the draft for this brief.\n\n" + render_content_brief(brief)));
  return request;
}

AgentResult parse_content_draft(const ContentBrief& brief, const std::string& completion) {
  std::string markdown(trim(completion));
  DraftShape shape = shape_of(markdown);
  if (!shape.has_h1) {
    return util::unexpected(AgentError{AgentError::Kind::parse, "the draft has no H1 title line ('# Title')", 1});
  }
  auto words = static_cast<std::int64_t>(count_draft_words(markdown));

  Json issues = Json::array();
  if (!shape.starts_with_h1) issues.push_back("text before the H1 title");
  if (shape.sections.size() < 2) issues.push_back(fmt::format("{} H2 section(s); at least 2 needed", shape.sections.size()));
  if (words < brief.min_words || words > brief.max_words) {
    issues.push_back(fmt::format("{} words; the brief asks for {} to {}", words, brief.min_words, brief.max_words));
  }

  std::string lower = util::to_lower_ascii(markdown);
  Json banned_found = Json::array();
  for (const auto& phrase : brief.banned_phrases) {
    if (lower.find(util::to_lower_ascii(trim(phrase))) != std::string::npos) banned_found.push_back(phrase);
  }
  Json uncovered = Json::array();
  for (const auto& point : brief.key_points) {
    if (!covers(lower, point)) uncovered.push_back(point);
  }
  auto total = static_cast<double>(brief.key_points.size());

  AgentOutput output;
  output.verdict.label = issues.empty() ? "complete" : "off_target";
  output.verdict.score = total == 0 ? 0.0 : (total - static_cast<double>(uncovered.size())) / total;
  output.output = {{"title", shape.title},
                   {"markdown", markdown},
                   {"word_count", words},
                   {"sections", shape.sections},
                   {"issues", std::move(issues)},
                   {"banned_phrases_found", std::move(banned_found)},
                   {"uncovered_key_points", std::move(uncovered)}};
  output.completions = {completion};
  return output;
}

AgentResult run_content_generate(const ContentBrief& brief, llm::InvocationClient& client) {
  // Logged as content_generate even inside content_polish's chain: the prompt and request are this agent's.
  auto response = client.invoke(content_generate_request(brief, client));
  if (!response) return util::unexpected(call_error(response.error(), 1));
  return parse_content_draft(brief, response->text());
}

const Agent& content_generate_agent() {
  static const ContentGenerate agent;
  return agent;
}

}  // namespace reprise::agents
