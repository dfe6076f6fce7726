#include "fake_api/answer_book.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <string_view>
#include <utility>

#include "reprise/eval/case_runner.hpp"
#include "reprise/eval/suite.hpp"
#include "reprise/llm/fingerprint.hpp"
#include "reprise/llm/json_codec.hpp"
#include "reprise/util/files.hpp"

namespace reprise::test {
namespace {

using util::unexpected;

std::string string_at(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// ---- the eval root ----

Answer recorded_answer(const eval::LoadedCase& loaded, std::size_t k) {
  Answer answer;
  answer.text = loaded.completions[k];
  answer.source = fmt::format("{} call {}/{}", loaded.spec.test_name(), k + 1, loaded.completions.size());
  if (k >= loaded.fixture.calls.size()) return answer;
  const eval::FixtureCall& call = loaded.fixture.calls[k];
  answer.tool_use = call.tool_use;
  answer.model = call.model;
  answer.stop_reason = call.stop_reason;
  answer.usage = call.usage;
  answer.response_id = call.response_id;
  return answer;
}

// The requests the agent builds today, one per call it made.
std::vector<eval::ObservedCall> todays_requests(const eval::LoadedCase& loaded) {
  try {
    return eval::replay_case(loaded).calls;
  } catch (const std::exception&) {
    return {};  // the recorded fingerprints still serve
  }
}

void file_case(AnswerBook& book, const eval::LoadedCase& loaded) {
  std::vector<eval::ObservedCall> today = todays_requests(loaded);
  for (std::size_t k = 0; k < loaded.completions.size(); ++k) {
    Answer answer = recorded_answer(loaded, k);
    // Today's request first: for a case that is not stale it is the recorded one, and the entry keeps the body.
    if (k < today.size()) {
      book.add(Match::messages, messages_key(today[k].body), {answer, "replayed", nullptr});
      book.add(Match::exact, today[k].fingerprint, {answer, "replayed", std::move(today[k].body)});
    }
    if (k < loaded.fixture.calls.size() && !loaded.fixture.calls[k].request_sha256.empty()) {
      book.add(Match::exact, loaded.fixture.calls[k].request_sha256, {std::move(answer), "recorded", nullptr});
    }
  }
}

// ---- the answers file ----

bool is_sha256_hex(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

util::Expected<Json, std::string> tool_use_blocks(const Json& value) {
  if (!value.is_array()) return unexpected(std::string("'tool_use' must be an array of tool_use blocks"));
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto block = llm::block_from_json(value[i]);
    if (!block || block->type != "tool_use") {
      return unexpected(fmt::format("tool_use[{}] is not a tool_use block{}", i, block ? "" : ": " + block.error()));
    }
  }
  return value;
}

// One line's key and answer, or what is wrong with it.
util::Expected<std::pair<std::string, Answer>, std::string> answer_from_line(const Json& json) {
  if (!json.is_object()) return unexpected(std::string("each line must be a JSON object"));
  std::string key = string_at(json, "prompt_sha256");
  if (!is_sha256_hex(key)) return unexpected(std::string("'prompt_sha256' must be 64 lowercase hex digits"));
  Answer answer;
  std::pair<const char*, std::string*> strings[] = {
      {"text", &answer.text}, {"model", &answer.model}, {"stop_reason", &answer.stop_reason}, {"response_id", &answer.response_id}};
  for (const auto& [name, value] : json.items()) {
    if (name == "prompt_sha256") continue;
    auto known = std::find_if(std::begin(strings), std::end(strings), [&](const auto& field) { return name == field.first; });
    if (known != std::end(strings)) {
      if (!value.is_string()) return unexpected(fmt::format("'{}' must be a string", name));
      *known->second = value.get<std::string>();
    } else if (name == "usage") {
      auto usage = llm::usage_from_json(value);
      if (!usage) return unexpected(usage.error());
      answer.usage = *usage;
    } else if (name == "tool_use") {
      auto blocks = tool_use_blocks(value);
      if (!blocks) return unexpected(blocks.error());
      answer.tool_use = *blocks;
    } else {
      return unexpected(fmt::format("unknown key '{}' (known: prompt_sha256, text, model, stop_reason, usage, tool_use, response_id)", name));
    }
  }
  return std::pair{std::move(key), std::move(answer)};
}

// ---- the wire ----

Json estimated_usage(const Answer& answer, const Json& request) {
  llm::Usage usage = answer.usage;
  bool unset = usage.input_tokens == 0 && usage.output_tokens == 0 && usage.cache_creation_input_tokens == 0 &&
               usage.cache_read_input_tokens == 0;
  if (unset) {
    std::size_t output_bytes = answer.text.size() + (answer.tool_use.empty() ? 0 : answer.tool_use.dump().size());
    usage.input_tokens = static_cast<std::int64_t>(std::max<std::size_t>(1, request.dump().size() / 4));
    usage.output_tokens = static_cast<std::int64_t>(std::max<std::size_t>(1, output_bytes / 4));
  }
  return llm::usage_to_json(usage);
}

// `text` cut every `size` bytes, moved forward to a UTF-8 character boundary.
std::vector<std::string> utf8_pieces(std::string_view text, std::size_t size) {
  std::vector<std::string> pieces;
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t to = std::min(text.size(), from + size);
    while (to < text.size() && (static_cast<unsigned char>(text[to]) & 0xC0) == 0x80) ++to;
    pieces.emplace_back(text.substr(from, to - from));
    from = to;
  }
  return pieces;
}

std::string sse_event(const Json& data) {
  return "event: " + data.at("type").get<std::string>() + "\ndata: " + data.dump(-1, ' ', false, Json::error_handler_t::replace) +
         "\n\n";
}

void add_block_events(std::vector<std::string>& events, int index, const Json& block) {
  std::string type = string_at(block, "type");
  Json opened = block;
  std::vector<Json> deltas;
  if (type == "text") {
    opened["text"] = "";
    for (auto& piece : utf8_pieces(string_at(block, "text"), 24)) deltas.push_back({{"type", "text_delta"}, {"text", std::move(piece)}});
  } else if (type == "tool_use") {
    opened["input"] = Json::object();
    deltas.push_back({{"type", "input_json_delta"}, {"partial_json", ""}});  // the API's first piece is empty
    std::string input = block.value("input", Json::object()).dump(-1, ' ', false, Json::error_handler_t::replace);
    for (auto& piece : utf8_pieces(input, 16)) deltas.push_back({{"type", "input_json_delta"}, {"partial_json", std::move(piece)}});
  }
  events.push_back(sse_event({{"type", "content_block_start"}, {"index", index}, {"content_block", std::move(opened)}}));
  for (auto& delta : deltas) events.push_back(sse_event({{"type", "content_block_delta"}, {"index", index}, {"delta", std::move(delta)}}));
  events.push_back(sse_event({{"type", "content_block_stop"}, {"index", index}}));
}

}  // namespace

std::string_view to_string(Match match) { return match == Match::exact ? "exact" : "messages"; }

std::string messages_key(const Json& body) {
  Json without_system = body;
  if (without_system.is_object()) without_system.erase("system");
  return llm::request_fingerprint(without_system);
}

void AnswerBook::add(Match match, const std::string& key, Entry entry, bool replace) {
  auto& entries = match == Match::exact ? exact_ : messages_;
  if (replace) {
    entries.insert_or_assign(key, std::move(entry));
    return;
  }
  auto [it, added] = entries.try_emplace(key, entry);
  if (!added && match == Match::messages && it->second.answer.source != entry.answer.source) ambiguous_.insert(key);
}

std::optional<AnswerBook::Found> AnswerBook::find(const std::string& fingerprint, const std::string& messages_key) const {
  if (auto it = exact_.find(fingerprint); it != exact_.end()) return Found{&it->second.answer, Match::exact};
  if (ambiguous(messages_key)) return std::nullopt;
  if (auto it = messages_.find(messages_key); it != messages_.end()) return Found{&it->second.answer, Match::messages};
  return std::nullopt;
}

EvalRootLoad add_eval_root(AnswerBook& book, const std::filesystem::path& eval_root) {
  eval::LoadOptions options;
  options.require_fixture = false;  // a case not stamped yet still answers today's requests
  options.save_cache = false;
  eval::Suite suite = eval::load_suite(eval_root, options);
  EvalRootLoad load;
  for (const auto& broken : suite.broken) {
    std::string first = broken.errors.empty() ? std::string("did not load") : broken.errors.front().message;
    load.broken.push_back(broken.display_path + ": " + first);
  }
  for (const auto& loaded : suite.cases) {
    file_case(book, loaded);
    ++load.cases;
  }
  return load;
}

util::Expected<std::size_t, std::string> add_answers_file(AnswerBook& book, const std::filesystem::path& path) {
  std::string error;
  auto text = util::read_file(path, &error);
  if (!text) return unexpected(path.string() + ": " + error);
  std::size_t count = 0, line_number = 0, start = 0;
  while (start < text->size()) {
    std::size_t end = std::min(text->find('\n', start), text->size());
    std::string_view line = std::string_view(*text).substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Json json = Json::parse(line, nullptr, false);
    if (json.is_discarded()) return unexpected(fmt::format("{}:{}: not valid JSON", path.string(), line_number));
    auto parsed = answer_from_line(json);
    if (!parsed) return unexpected(fmt::format("{}:{}: {}", path.string(), line_number, parsed.error()));
    parsed->second.source = fmt::format("{}:{}", path.filename().string(), line_number);
    book.add(Match::exact, parsed->first, {std::move(parsed->second), "answers", nullptr}, true);
    ++count;
  }
  return count;
}

Answer generic_answer(const std::string& fingerprint) {
  Answer answer;
  answer.text = "This is a generic answer from reprise-fake-api: it has no recorded answer for request " +
                fingerprint.substr(0, 12) + ", so it cannot say more.";
  answer.source = "generic";
  return answer;
}

Json message_body(const Answer& answer, const Json& request, const std::string& fingerprint) {
  Json content = Json::array();
  if (!answer.text.empty()) content.push_back({{"type", "text"}, {"text", answer.text}});
  for (const auto& block : answer.tool_use) content.push_back(block);
  std::string stop_reason = !answer.stop_reason.empty() ? answer.stop_reason : (answer.tool_use.empty() ? "end_turn" : "tool_use");
  return {{"id", !answer.response_id.empty() ? answer.response_id : "msg_fake_" + fingerprint.substr(0, 24)},
          {"type", "message"},
          {"role", "assistant"},
          {"model", !answer.model.empty() ? answer.model : string_at(request, "model")},
          {"content", std::move(content)},
          {"stop_reason", std::move(stop_reason)},
          {"stop_sequence", nullptr},
          {"usage", estimated_usage(answer, request)}};
}

std::vector<std::string> sse_events(const Json& message) {
  Json started = message;
  started["content"] = Json::array();
  started["stop_reason"] = nullptr;
  started["stop_sequence"] = nullptr;
  started["usage"]["output_tokens"] = 1;  // counted so far; message_delta brings the total
  std::vector<std::string> events = {sse_event({{"type", "message_start"}, {"message", std::move(started)}}),
                                     sse_event({{"type", "ping"}})};
  const Json& content = message.at("content");
  for (std::size_t i = 0; i < content.size(); ++i) add_block_events(events, static_cast<int>(i), content[i]);
  Json delta = {{"stop_reason", message.at("stop_reason")}, {"stop_sequence", message.at("stop_sequence")}};
  events.push_back(sse_event({{"type", "message_delta"}, {"delta", std::move(delta)}, {"usage", message.at("usage")}}));
  events.push_back(sse_event({{"type", "message_stop"}}));
  return events;
}

}  // namespace reprise::test
