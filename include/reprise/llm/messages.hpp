#pragma once
// The Anthropic Messages API shapes the product speaks: requests (system as a
// string or as blocks; messages of text, tool_use and tool_result blocks;
// tools; tool_choice; sampling settings) and responses (content blocks,
// stop_reason, usage with cache tokens). Block types this code does not know
// (thinking, server tools, ...) are kept verbatim in `raw`, never dropped, so a
// new API feature cannot silently change a replayed response.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace reprise::llm {

using Json = nlohmann::json;

struct ContentBlock {
  std::string type;  // "text", "tool_use", "tool_result", or an unknown type kept in `raw`

  std::string text;            // text
  std::string id;              // tool_use
  std::string name;            // tool_use
  Json input;                  // tool_use: the tool's arguments (an object)
  std::string tool_use_id;     // tool_result
  Json result_content;         // tool_result: a string or an array of blocks
  bool is_error = false;       // tool_result
  Json cache_control;          // any block may carry one; null when absent
  Json raw;                    // unknown types: the block exactly as received

  static ContentBlock make_text(std::string text);
  static ContentBlock make_tool_use(std::string id, std::string name, Json input);
  static ContentBlock make_tool_result(std::string tool_use_id, Json content, bool is_error = false);
};

struct Message {
  std::string role;  // "user" or "assistant"
  std::vector<ContentBlock> content;
  // The API accepts a bare string for a single text block. Keeping the form
  // the agent chose keeps the request body, and so its fingerprint, exact.
  bool content_is_string = false;

  static Message user_text(std::string text);
  static Message assistant_text(std::string text);
};

struct Tool {
  std::string name;
  std::string description;
  Json input_schema;
  Json cache_control;
};

struct Request {
  std::string model;
  int max_tokens = 1024;
  std::optional<std::string> system_text;            // system as one string ...
  std::vector<ContentBlock> system_blocks;           // ... or as text blocks (with cache_control)
  std::vector<Message> messages;
  std::vector<Tool> tools;
  Json tool_choice;                                  // null when absent
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;
  std::vector<std::string> stop_sequences;
  Json metadata;                                     // null when absent
  bool stream = false;                               // transport detail: not part of the fingerprint
};

struct CacheCreation {
  std::int64_t ephemeral_5m_input_tokens = 0;
  std::int64_t ephemeral_1h_input_tokens = 0;
};

struct Usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cache_creation_input_tokens = 0;
  std::int64_t cache_read_input_tokens = 0;
  std::optional<CacheCreation> cache_creation;
};

struct Response {
  std::string id;
  std::string model;
  std::string role = "assistant";
  std::vector<ContentBlock> content;
  std::string stop_reason;                 // end_turn, max_tokens, stop_sequence, tool_use, pause_turn, refusal
  std::optional<std::string> stop_sequence;
  Usage usage;

  // Set by the provider from the HTTP exchange, not part of the body.
  std::string request_id;
  std::string provider;                    // "anthropic" or "bedrock"
  bool fallback = false;                   // answered by the fallback provider after the primary failed

  // All text blocks, concatenated in order.
  std::string text() const;
  std::vector<const ContentBlock*> tool_uses() const;
};

}  // namespace reprise::llm
