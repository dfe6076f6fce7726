#include "reprise/eval/case_cache.hpp"

#include <cstdint>
#include <cstring>

#include "reprise/util/executable_identity.hpp"
#include "reprise/util/files.hpp"
#include "reprise/util/sha256.hpp"

namespace fs = std::filesystem;

namespace reprise::eval {
namespace {

// The file is a flat run of length-prefixed byte strings, so loading it is
// one read and a walk over it: a header (magic, format, executable identity,
// entry count), then six strings an entry (path, case digest, case as
// msgpack, case header as msgpack, outcome digest, outcome as msgpack). Each case and outcome is
// decoded only when it is looked up. (A single msgpack document for the whole
// file cost a third of a warm run just to decode.)
constexpr std::string_view kMagic = "reprise-cache/5\n";

void put(std::string& out, std::string_view bytes) {
  auto size = static_cast<std::uint64_t>(bytes.size());
  out.append(reinterpret_cast<const char*>(&size), sizeof size);
  out.append(bytes);
}

// Reads the next string, or nullopt when the data ends early (a truncated file).
std::optional<std::string_view> take(std::string_view& in) {
  std::uint64_t size = 0;
  if (in.size() < sizeof size) return std::nullopt;
  std::memcpy(&size, in.data(), sizeof size);
  in.remove_prefix(sizeof size);
  if (in.size() < size) return std::nullopt;
  auto bytes = in.substr(0, size);
  in.remove_prefix(size);
  return bytes;
}

Json pos_json(SourcePos pos) { return Json::array({pos.line, pos.column}); }
SourcePos pos_from(const Json& json) { return {json.at(0).get<int>(), json.at(1).get<int>()}; }
Json key_pos_json(const std::map<std::string, SourcePos, std::less<>>& positions) {
  Json json = Json::object();
  for (const auto& [key, pos] : positions) json[key] = pos_json(pos);
  return json;
}

Json band_json(const std::optional<NumberBand>& band) {
  if (!band) return nullptr;
  return {band->min ? Json(*band->min) : Json(), band->max ? Json(*band->max) : Json()};
}
std::optional<NumberBand> band_from(const Json& json) {
  if (json.is_null()) return std::nullopt;
  NumberBand band;
  if (!json.at(0).is_null()) band.min = json.at(0).get<double>();
  if (!json.at(1).is_null()) band.max = json.at(1).get<double>();
  return band;
}

}  // namespace

Json case_to_json(const Case& parsed) {
  Json checks = Json::array();
  for (const auto& check : parsed.checks) {
    checks.push_back({static_cast<int>(check.kind), check.operand, check.at, check.call, pos_json(check.pos), check.source});
  }
  Json requests = Json::array();
  for (const auto& request : parsed.requests) {
    requests.push_back({{"call", request.call},
                        {"model", request.model ? Json(*request.model) : Json()},
                        {"max_tokens", band_json(request.max_tokens)},
                        {"temperature", band_json(request.temperature)},
                        {"fields_present", request.fields_present},
                        {"system_contains", request.system_contains},
                        {"system_not_contains", request.system_not_contains},
                        {"messages_contain", request.messages_contain},
                        {"messages_not_contain", request.messages_not_contain},
                        {"tools", request.tools ? Json(*request.tools) : Json()},
                        {"pos", pos_json(request.pos)},
                        {"key_pos", key_pos_json(request.key_pos)},
                        {"source", request.source}});
  }
  const VerdictBand& verdict = parsed.verdict;
  return {{"id", parsed.id},
          {"agent", parsed.agent},
          {"description", parsed.description},
          {"tags", parsed.tags},
          {"input", parsed.input},
          {"id_pos", pos_json(parsed.id_pos)},
          {"id_source", parsed.id_source},
          {"verdict", {verdict.present, verdict.labels, band_json(verdict.score), pos_json(verdict.pos), verdict.source}},
          {"checks", std::move(checks)},
          {"requests", std::move(requests)}};
}

Case case_from_json(const Json& json) {
  Case parsed;
  parsed.id = json.at("id");
  parsed.agent = json.at("agent");
  parsed.description = json.at("description");
  parsed.tags = json.at("tags").get<std::vector<std::string>>();
  parsed.input = json.at("input");
  parsed.id_pos = pos_from(json.at("id_pos"));
  parsed.id_source = json.at("id_source");
  const Json& verdict = json.at("verdict");
  parsed.verdict = {verdict.at(0).get<bool>(), verdict.at(1).get<std::vector<std::string>>(), band_from(verdict.at(2)),
                    pos_from(verdict.at(3)), verdict.at(4).get<std::string>()};
  for (const auto& check : json.at("checks")) {
    parsed.checks.push_back({static_cast<Check::Kind>(check.at(0).get<int>()), check.at(1), check.at(2).get<std::string>(),
                             check.at(3).get<int>(), pos_from(check.at(4)), check.at(5).get<std::string>()});
  }
  for (const auto& request : json.at("requests")) {
    RequestExpectation expectation;
    expectation.call = request.at("call");
    if (!request.at("model").is_null()) expectation.model = request.at("model").get<std::string>();
    expectation.max_tokens = band_from(request.at("max_tokens"));
    expectation.temperature = band_from(request.at("temperature"));
    expectation.fields_present = request.at("fields_present").get<std::vector<std::string>>();
    expectation.system_contains = request.at("system_contains").get<std::vector<std::string>>();
    expectation.system_not_contains = request.at("system_not_contains").get<std::vector<std::string>>();
    expectation.messages_contain = request.at("messages_contain").get<std::vector<std::string>>();
    expectation.messages_not_contain = request.at("messages_not_contain").get<std::vector<std::string>>();
    if (!request.at("tools").is_null()) expectation.tools = request.at("tools").get<std::vector<std::string>>();
    expectation.pos = pos_from(request.at("pos"));
    for (const auto& [key, pos] : request.at("key_pos").items()) expectation.key_pos.emplace(key, pos_from(pos));
    expectation.source = request.at("source");
    parsed.requests.push_back(std::move(expectation));
  }
  return parsed;
}

Json case_header_to_json(const Case& parsed) {
  return {parsed.id, parsed.agent, parsed.tags, pos_json(parsed.id_pos), parsed.id_source};
}

Case case_header_from_json(const Json& json) {
  Case header;
  header.id = json.at(0).get<std::string>();
  header.agent = json.at(1).get<std::string>();
  header.tags = json.at(2).get<std::vector<std::string>>();
  header.id_pos = pos_from(json.at(3));
  header.id_source = json.at(4).get<std::string>();
  return header;
}

CaseCache::CaseCache(fs::path cache_dir, const fs::path& eval_root) {
  std::error_code ec;
  auto root = fs::absolute(eval_root, ec).lexically_normal().string();
  file_ = cache_dir / ("cases-" + util::sha256_hex(root).substr(0, 16) + ".bin");
  executable_identity_ = util::executable_identity();
  if (!executable_identity_.empty()) load();
}

void CaseCache::load() {
  auto bytes = util::read_file(file_);
  if (!bytes) return;
  std::string_view in(*bytes);
  if (in.substr(0, kMagic.size()) != kMagic) return;
  in.remove_prefix(kMagic.size());
  auto identity = take(in);
  auto count = take(in);
  if (!identity || *identity != executable_identity_ || !count) return;
  std::unordered_map<std::string, Entry> entries;
  while (!in.empty()) {
    auto path = take(in), digest = take(in), parsed = take(in), header = take(in), outcome_digest = take(in), outcome = take(in);
    if (!outcome) return;  // truncated: a cold start, not an error
    entries[std::string(*path)] = Entry{std::string(*digest), std::string(*parsed), std::string(*header), false,
                                        std::string(*outcome_digest), std::string(*outcome)};
  }
  if (std::to_string(entries.size()) != *count) return;
  entries_ = std::move(entries);
}

std::optional<Case> CaseCache::find(const fs::path& path, const std::string& digest, Part part) {
  std::string key = path.string();
  std::string blob;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.digest != digest) return std::nullopt;
    const std::string& wanted = part == Part::whole ? it->second.parsed : it->second.header;
    if (wanted.empty()) return std::nullopt;
    blob = wanted;  // decoded outside the lock, so the loader's threads do not queue here
  }
  try {
    Json json = Json::from_msgpack(blob);
    Case parsed = part == Part::whole ? case_from_json(json) : case_header_from_json(json);
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) it->second.used = true;
    ++hits_;
    return parsed;
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

void CaseCache::store(const fs::path& path, const std::string& digest, const Case& parsed) {
  if (executable_identity_.empty()) return;
  auto packed = Json::to_msgpack(case_to_json(parsed));
  auto packed_header = Json::to_msgpack(case_header_to_json(parsed));
  std::string blob(packed.begin(), packed.end()), header(packed_header.begin(), packed_header.end());
  std::lock_guard lock(mutex_);
  entries_[path.string()] = Entry{digest, std::move(blob), std::move(header), true, "", ""};
  dirty_ = true;
}

std::optional<Json> CaseCache::find_outcome(const fs::path& path, const std::string& inputs_digest) {
  std::string blob;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(path.string());
    if (it == entries_.end() || it->second.outcome_digest != inputs_digest || it->second.outcome.empty()) return std::nullopt;
    blob = it->second.outcome;
  }
  try {
    return Json::from_msgpack(blob);
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

bool CaseCache::has_outcome(const fs::path& path, const std::string& inputs_digest) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(path.string());
  return it != entries_.end() && it->second.outcome_digest == inputs_digest && !it->second.outcome.empty();
}

void CaseCache::store_outcome(const fs::path& path, const std::string& inputs_digest, Json outcome) {
  auto packed = Json::to_msgpack(outcome);
  std::string blob(packed.begin(), packed.end());
  std::lock_guard lock(mutex_);
  auto it = entries_.find(path.string());
  if (it == entries_.end()) return;  // only beside a cached parse of the same file
  it->second.outcome_digest = inputs_digest;
  it->second.outcome = std::move(blob);
  dirty_ = true;
}

void CaseCache::save() {
  std::lock_guard lock(mutex_);
  std::size_t used = 0;
  for (const auto& [path, entry] : entries_) used += entry.used ? 1 : 0;
  if (!dirty_ && used == entries_.size()) return;
  std::string out(kMagic);
  put(out, executable_identity_);
  put(out, std::to_string(used));
  for (const auto& [path, entry] : entries_) {
    if (!entry.used) continue;
    for (std::string_view field : {std::string_view(path), std::string_view(entry.digest), std::string_view(entry.parsed),
                                   std::string_view(entry.header), std::string_view(entry.outcome_digest),
                                   std::string_view(entry.outcome)}) {
      put(out, field);
    }
  }
  try {
    std::error_code ec;
    fs::create_directories(file_.parent_path(), ec);
    util::write_file_atomically(file_, out);
    dirty_ = false;
    for (auto it = entries_.begin(); it != entries_.end();) it = it->second.used ? std::next(it) : entries_.erase(it);
  } catch (const std::exception&) {
    // The cache is an optimisation: a read-only or full disk only costs speed.
  }
}

}  // namespace reprise::eval
