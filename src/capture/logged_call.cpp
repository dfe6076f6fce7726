#include "reprise/capture/logged_call.hpp"

#include <fmt/format.h>

namespace reprise::capture {
namespace {

bool is_sha256_hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Reads fields, remembering the first problem.
class Fields {
 public:
  explicit Fields(Json& record) : record_(record) {}

  std::string text(const char* key, bool required) {
    auto it = record_.find(key);
    if (it == record_.end() || it->is_null()) {
      if (required) fail(key, "missing");
      return {};
    }
    if (!it->is_string()) {
      fail(key, fmt::format("expected a string, got {}", it->type_name()));
      return {};
    }
    return it->get<std::string>();
  }
  Json payload(const char* key, bool object) {
    auto it = record_.find(key);
    if (it == record_.end() || it->is_null()) return nullptr;
    if (object && !it->is_object()) fail(key, fmt::format("expected an object, got {}", it->type_name()));
    return std::move(*it);
  }
  const std::string& problem() const { return problem_; }
  void fail(const char* key, const std::string& why) {
    if (problem_.empty()) problem_ = fmt::format("field '{}': {}", key, why);
  }

 private:
  Json& record_;
  std::string problem_;
};

}  // namespace

util::Expected<LoggedCall, std::string> parse_logged_call(Json record, Origin origin) {
  std::string schema = record.value("schema", "");
  if (!schema.empty() && !schema.starts_with("reprise.llm_call/1")) {
    return util::unexpected(fmt::format("unknown record schema '{}' (this reprise reads reprise.llm_call/1)", schema));
  }
  Fields fields(record);
  LoggedCall call;
  call.timestamp = fields.text("timestamp", true);
  call.environment = fields.text("environment", false);
  call.agent = fields.text("agent", true);
  call.invocation_id = fields.text("invocation_id", false);
  call.model = fields.text("model", false);
  call.request_id = fields.text("request_id", false);
  call.prompt_sha256 = fields.text("prompt_sha256", true);
  if (fields.problem().empty() && !is_sha256_hex(call.prompt_sha256)) fields.fail("prompt_sha256", "expected 64 lowercase hex digits");
  if (auto index = record.find("call_index"); index != record.end() && !index->is_null()) {
    if (index->is_number_integer() && index->get<long long>() >= 0 && index->get<long long>() < 10000) {
      call.call_index = index->get<int>();
    } else {
      fields.fail("call_index", "expected an integer from 0");
    }
  }
  if (auto error = record.find("error"); error != record.end() && !error->is_null()) {
    call.error_category = error->is_object() ? error->value("category", "unknown") : "unknown";
    if (call.error_category.empty()) call.error_category = "unknown";
  }
  if (auto cost = record.find("cost_usd"); cost != record.end() && cost->is_number()) call.cost_usd = cost->get<double>();
  bool has_payload_keys = record.contains("request") || record.contains("response") || record.contains("input");
  call.request = fields.payload("request", true);
  call.response = fields.payload("response", true);
  call.input = fields.payload("input", false);
  if (!fields.problem().empty()) return util::unexpected(fields.problem());
  call.payload = has_payload_keys ? !call.request.is_null() && !call.input.is_null() && (!call.response.is_null() || call.failed())
                                  : call.environment == "non-prod";
  call.origin = std::move(origin);
  return call;
}

}  // namespace reprise::capture
