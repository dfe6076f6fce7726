#include "reprise/eval/suite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <variant>

#include "reprise/eval/case_cache.hpp"
#include "reprise/eval/case_parser.hpp"
#include "reprise/util/files.hpp"
#include "reprise/util/parallel.hpp"
#include "reprise/util/sha256.hpp"

namespace fs = std::filesystem;

namespace reprise::eval {
namespace {

using Loaded = std::variant<LoadedCase, BrokenCase>;

struct Candidate {
  fs::path path;
  std::string display;
  bool is_link = false;
  std::string folder_error;  // set: `path` is a folder that could not be listed
};

BrokenCase broken(std::string test_name, const std::string& display, std::vector<LoadError> errors) {
  return BrokenCase{std::move(test_name), display, std::move(errors)};
}

BrokenCase broken(std::string test_name, const std::string& display, std::string message) {
  return broken(std::move(test_name), display, {LoadError{display, {}, std::move(message), ""}});
}

// Collects the case files under `folder`. Links to folders are not followed.
// A folder that cannot be listed becomes a candidate of its own, reported as
// broken: skipping it would drop its cases from the run without a word.
void walk(const fs::path& folder, const fs::path& root, const std::string& root_display, std::vector<Candidate>& found) {
  auto display_of = [&](const fs::path& path) {
    auto relative = path.lexically_relative(root);
    return relative == "." ? root_display : (fs::path(root_display) / relative).generic_string();
  };
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    const bool is_link = it->is_symlink(type_ec);
    const bool is_folder = it->is_directory(type_ec);
    if (is_folder && !is_link) {
      walk(it->path(), root, root_display, found);
      continue;
    }
    auto extension = it->path().extension();
    if (is_folder || (extension != ".yaml" && extension != ".yml")) continue;
    found.push_back({it->path(), display_of(it->path()), is_link, {}});
  }
  if (ec) found.push_back({folder, display_of(folder), false, "cannot read the folder (" + ec.message() + "): its cases cannot run"});
}

std::vector<Candidate> discover(const fs::path& root, const std::string& root_display) {
  std::vector<Candidate> found;
  walk(root, root, root_display, found);
  std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) { return a.display < b.display; });
  return found;
}

// The files beside a case file, read once: what they say and what they digest to.
struct Companions {
  std::optional<std::string> completion, sidecar;
  std::string completion_error, sidecar_error;
  std::string inputs_digest;  // over the case file, completion and sidecar bytes
};

Companions read_companions(const fs::path& yaml, const std::string& case_digest) {
  Companions files;
  files.completion = util::read_file(completion_path_for(yaml), &files.completion_error);
  files.sidecar = util::read_file(fixture_path_for(yaml), &files.sidecar_error);
  files.inputs_digest = util::sha256_hex(case_digest + util::sha256_hex(files.completion.value_or("")) +
                                         util::sha256_hex(files.sidecar.value_or("")));
  return files;
}

// Whether anything is at the path (a file that cannot be read, a folder, a
// dangling link): then an unreadable companion is not a missing one.
bool present(const fs::path& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found && !ec;
}

// Checks and parses the completion and sidecar of a parsed case.
Loaded attach_fixtures(Case spec, Companions files, const LoadOptions& options) {
  std::string name = spec.test_name();
  // Named as the case file is named (already relative where it can be), not
  // recomputed from the working folder for every case.
  std::string completion_display = completion_path_for(spec.display_path).generic_string();
  std::string fixture_display = fixture_path_for(spec.display_path).generic_string();
  if (!files.completion && !options.require_completion && !fs::exists(completion_path_for(spec.path))) {
    return LoadedCase{std::move(spec), {}, {}, std::move(files.inputs_digest), false};
  }
  if (!files.completion && present(completion_path_for(spec.path))) {
    return broken(name, spec.display_path, {LoadError{completion_display, {}, "cannot read the completion file (" + files.completion_error + ")", ""}});
  }
  if (!files.completion) {
    return broken(name, spec.display_path,
                  {LoadError{completion_display, {}, "missing completion file (" + files.completion_error + "): every case needs its accepted completion beside it", ""}});
  }
  if (files.completion->find_first_not_of(" \t\r\n") == std::string::npos) {
    return broken(name, spec.display_path, {LoadError{completion_display, {}, "completion file is empty", ""}});
  }
  auto sections = split_completion(*files.completion, completion_display);
  if (!sections) return broken(name, spec.display_path, {sections.error()});
  LoadedCase loaded{std::move(spec), std::move(*sections), {}, std::move(files.inputs_digest), false};
  // A sidecar that is there but cannot be read is an error in every mode:
  // read as absent, stamping would write a new one over it.
  if (!files.sidecar && present(fixture_path_for(loaded.spec.path))) {
    return broken(name, loaded.spec.display_path, {LoadError{fixture_display, {}, "cannot read the fixture sidecar (" + files.sidecar_error + ")", ""}});
  }
  if (!files.sidecar) {
    if (!options.require_fixture) return loaded;
    return broken(name, loaded.spec.display_path,
                  {LoadError{fixture_display, {}, fmt::format("missing fixture sidecar ({}): run `reprise stamp {}` to write it", files.sidecar_error, name), ""}});
  }
  auto fixture = parse_fixture(*files.sidecar, fixture_display);
  if (!fixture) return broken(name, loaded.spec.display_path, {fixture.error()});
  if (options.require_fixture && fixture->calls.size() != loaded.completions.size()) {
    return broken(name, loaded.spec.display_path,
                  {LoadError{fixture_display, {}, fmt::format("the sidecar records {} call(s) but the completion file has {} section(s)",
                                                              fixture->calls.size(), loaded.completions.size()), ""}});
  }
  loaded.fixture = std::move(*fixture);
  return loaded;
}

Loaded load_one(const Candidate& candidate, const fs::path& root, const LoadOptions& options, CaseCache* cache) {
  auto relative = candidate.path.lexically_relative(root);
  if (!candidate.folder_error.empty()) return broken("invalid/" + relative.generic_string(), candidate.display, candidate.folder_error);
  std::vector<std::string> parts;
  for (const auto& part : relative) parts.push_back(part.string());
  if (parts.size() != 3 || parts[1] != "cases") {
    return broken("invalid/" + relative.generic_string(), candidate.display,
                  "case file outside eval/<agent>/cases/: cases must be at eval/<agent>/cases/<case-id>.yaml");
  }
  std::string expected_id = candidate.path.stem().string();
  std::string name = parts[0] + "/" + expected_id;
  if (candidate.path.extension() != ".yaml") {
    return broken(name, candidate.display, "case files use the .yaml extension; rename it to " + expected_id + ".yaml");
  }
  if (candidate.is_link) {
    // Folder links are not followed by discovery; a file link may point anywhere.
    std::error_code ec;
    auto target = fs::canonical(candidate.path, ec);
    auto inside = fs::canonical(root, ec);
    if (ec || target.lexically_relative(inside).string().rfind("..", 0) == 0) {
      return broken(name, candidate.display, "the case file is a link to outside the eval folder; refusing to read it");
    }
  }

  std::string error;
  auto text = util::read_file(candidate.path, &error);
  if (!text) return broken(name, candidate.display, "cannot read the case file: " + error);
  if (auto nul = text->find('\0'); nul != std::string::npos) {
    // yaml-cpp stops reading at a NUL and would report keys after it as missing.
    std::size_t line_start = text->rfind('\n', nul);  // nul is not '\n', so this is the newline before it
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    SourcePos at{1 + static_cast<int>(std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(nul), '\n')),
                 1 + static_cast<int>(nul - line_start)};
    return broken(name, candidate.display,
                  {LoadError{candidate.display, at, "the case file holds a NUL byte: case files are UTF-8 text", line_of(*text, at.line)}});
  }
  std::string digest = util::sha256_hex(*text);
  Companions files = read_companions(candidate.path, digest);
  if (cache) {
    // These exact three files replayed before under this build: the run
    // reuses that outcome, and reporting needs only the case's header.
    if (files.completion && files.sidecar && cache->has_outcome(candidate.path, files.inputs_digest)) {
      if (auto header = cache->find(candidate.path, digest, CaseCache::Part::header)) {
        header->path = candidate.path;
        header->display_path = candidate.display;
        return LoadedCase{std::move(*header), {}, {}, std::move(files.inputs_digest), true};
      }
    }
    if (auto hit = cache->find(candidate.path, digest, CaseCache::Part::whole)) {
      hit->path = candidate.path;
      hit->display_path = candidate.display;
      return attach_fixtures(std::move(*hit), std::move(files), options);
    }
  }
  ParsedCase parsed = parse_case(*text, {candidate.display, parts[0], expected_id});
  if (!parsed.errors.empty()) return broken(name, candidate.display, std::move(parsed.errors));
  parsed.value.path = candidate.path;
  if (cache) cache->store(candidate.path, digest, parsed.value);
  return attach_fixtures(std::move(parsed.value), std::move(files), options);
}

// Same id in two agents' folders: ids are unique across the suite so that a
// case can be named by id alone (capture, review, restamp).
void reject_duplicate_ids(Suite& suite) {
  std::map<std::string, std::string> first_seen;
  std::vector<LoadedCase> unique;
  for (auto& loaded : suite.cases) {
    auto [it, inserted] = first_seen.emplace(loaded.spec.id, loaded.spec.display_path);
    if (inserted) {
      unique.push_back(std::move(loaded));
      continue;
    }
    const Case& spec = loaded.spec;
    suite.broken.push_back(broken(spec.test_name(), spec.display_path,
                                  {LoadError{spec.display_path, spec.id_pos,
                                             fmt::format("duplicate case id '{}': already used by {}", spec.id, it->second), spec.id_source}}));
  }
  suite.cases = std::move(unique);
}

}  // namespace

std::string display_path(const fs::path& path) {
  std::error_code ec;
  auto cwd = fs::current_path(ec);
  if (ec) return path.generic_string();
  auto absolute = path.is_absolute() ? path : cwd / path;
  auto relative = absolute.lexically_normal().lexically_relative(cwd);
  if (relative.empty() || relative.begin()->string() == "..") return absolute.lexically_normal().generic_string();
  return relative.generic_string();
}

Suite load_suite(const fs::path& eval_root, const LoadOptions& options) {
  Suite suite;
  std::error_code ec;
  if (!fs::is_directory(eval_root, ec)) {
    suite.broken.push_back(broken("invalid/eval-root", display_path(eval_root), "the eval folder does not exist or is not a folder"));
    return suite;
  }
  auto candidates = discover(eval_root, display_path(eval_root));
  std::shared_ptr<CaseCache> cache;
  if (!options.cache_dir.empty()) cache = std::make_shared<CaseCache>(options.cache_dir, eval_root);

  std::vector<std::optional<Loaded>> results(candidates.size());
  util::for_each_index(candidates.size(), options.jobs,
                       [&](std::size_t i) { results[i] = load_one(candidates[i], eval_root, options, cache.get()); });

  for (auto& result : results) {
    if (auto* loaded = std::get_if<LoadedCase>(&*result)) suite.cases.push_back(std::move(*loaded));
    else suite.broken.push_back(std::move(std::get<BrokenCase>(*result)));
  }
  reject_duplicate_ids(suite);
  if (cache) {
    suite.cache_hits = cache->hits();
    if (options.save_cache) cache->save();
    suite.cache = std::move(cache);
  }
  return suite;
}

}  // namespace reprise::eval
