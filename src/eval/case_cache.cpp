#include "reprise/eval/case_cache.hpp"


#include "reprise/util/files.hpp"
#include "reprise/util/sha256.hpp"

namespace fs = std::filesystem;

namespace reprise::eval {
namespace {

// 3: content digests as keys, and outcomes. Since 2, each entry's case is its
// own msgpack blob (a binary value), decoded only on a hit: format 1 held every
// case as one tree, so loading it built a JSON tree of the whole suite first.
constexpr int kCacheFormat = 3;

std::string executable_digest() {
  auto bytes = util::read_file("/proc/self/exe");
  return bytes ? util::sha256_hex(*bytes) : std::string();
}

Json pos_json(SourcePos pos) { return Json::array({pos.line, pos.column}); }
SourcePos pos_from(const Json& json) { return {json.at(0).get<int>(), json.at(1).get<int>()}; }

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
    expectation.source = request.at("source");
    parsed.requests.push_back(std::move(expectation));
  }
  return parsed;
}

CaseCache::CaseCache(fs::path cache_dir, const fs::path& eval_root) {
  std::error_code ec;
  auto root = fs::absolute(eval_root, ec).lexically_normal().string();
  file_ = cache_dir / ("cases-" + util::sha256_hex(root).substr(0, 16) + ".msgpack");
  executable_digest_ = executable_digest();
  if (!executable_digest_.empty()) load();
}

void CaseCache::load() {
  auto bytes = util::read_file(file_);
  if (!bytes) return;
  try {
    Json json = Json::from_msgpack(*bytes);
    if (json.at("format") != kCacheFormat || json.at("executable") != executable_digest_) return;
    for (auto& [path, entry] : json.at("entries").items()) {
      entries_[path] = Entry{entry.at("digest").get<std::string>(), std::move(entry.at("case")), false,
                             entry.at("outcome_digest").get<std::string>(), std::move(entry.at("outcome"))};
    }
  } catch (const Json::exception&) {
    entries_.clear();  // a corrupt cache is only a cold start
  }
}

std::optional<Case> CaseCache::find(const fs::path& path, const std::string& digest) {
  std::string key = path.string();
  Json::binary_t blob;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.digest != digest || !it->second.parsed.is_binary()) return std::nullopt;
    blob = it->second.parsed.get_binary();  // decoded outside the lock, so the loader's threads do not queue here
  }
  try {
    Case parsed = case_from_json(Json::from_msgpack(blob));
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) it->second.used = true;
    ++hits_;
    return parsed;
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

void CaseCache::store(const fs::path& path, const std::string& digest, const Case& parsed) {
  if (executable_digest_.empty()) return;
  Json json = Json::binary(Json::to_msgpack(case_to_json(parsed)));
  std::lock_guard lock(mutex_);
  entries_[path.string()] = Entry{digest, std::move(json), true, "", nullptr};
  dirty_ = true;
}

std::optional<Json> CaseCache::find_outcome(const fs::path& path, const std::string& inputs_digest) {
  Json::binary_t blob;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(path.string());
    if (it == entries_.end() || it->second.outcome_digest != inputs_digest || !it->second.outcome.is_binary()) return std::nullopt;
    blob = it->second.outcome.get_binary();
  }
  try {
    return Json::from_msgpack(blob);
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

void CaseCache::store_outcome(const fs::path& path, const std::string& inputs_digest, Json outcome) {
  Json blob = Json::binary(Json::to_msgpack(outcome));
  std::lock_guard lock(mutex_);
  auto it = entries_.find(path.string());
  if (it == entries_.end()) return;  // only beside a cached parse of the same file
  it->second.outcome_digest = inputs_digest;
  it->second.outcome = std::move(blob);
  dirty_ = true;
}

void CaseCache::save() {
  std::lock_guard lock(mutex_);
  std::size_t unused = 0;
  for (const auto& [path, entry] : entries_) unused += entry.used ? 0 : 1;
  if (!dirty_ && unused == 0) return;
  Json entries = Json::object();
  for (auto& [path, entry] : entries_) {
    if (!entry.used) continue;
    entries[path] = {{"digest", entry.digest}, {"case", entry.parsed}, {"outcome_digest", entry.outcome_digest}, {"outcome", entry.outcome}};
  }
  Json json = {{"format", kCacheFormat}, {"executable", executable_digest_}, {"entries", std::move(entries)}};
  try {
    std::error_code ec;
    fs::create_directories(file_.parent_path(), ec);
    auto bytes = Json::to_msgpack(json);
    util::write_file_atomically(file_, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    dirty_ = false;
    for (auto it = entries_.begin(); it != entries_.end();) it = it->second.used ? std::next(it) : entries_.erase(it);
  } catch (const std::exception&) {
    // The cache is an optimisation: a read-only or full disk only costs speed.
  }
}

}  // namespace reprise::eval
