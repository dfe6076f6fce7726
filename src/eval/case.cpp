#include "reprise/eval/case.hpp"

#include <array>
#include <utility>

namespace reprise::eval {
namespace {

constexpr std::array<std::pair<Check::Kind, std::string_view>, 8> kCheckNames{{
    {Check::Kind::contains, "contains"},
    {Check::Kind::not_contains, "not_contains"},
    {Check::Kind::icontains, "icontains"},
    {Check::Kind::regex, "regex"},
    {Check::Kind::min_words, "min_words"},
    {Check::Kind::max_words, "max_words"},
    {Check::Kind::is_json, "is_json"},
    {Check::Kind::equals, "equals"},
}};

std::filesystem::path sibling(const std::filesystem::path& yaml, const char* suffix) {
  return yaml.parent_path() / (yaml.stem().string() + suffix);
}

}  // namespace

std::string_view to_string(Check::Kind kind) {
  for (const auto& [candidate, name] : kCheckNames) {
    if (candidate == kind) return name;
  }
  return "unknown";
}

std::optional<Check::Kind> check_kind_from_string(std::string_view name) {
  for (const auto& [kind, candidate] : kCheckNames) {
    if (candidate == name) return kind;
  }
  return std::nullopt;
}

std::filesystem::path completion_path_for(const std::filesystem::path& case_file) { return sibling(case_file, ".completion.txt"); }
std::filesystem::path fixture_path_for(const std::filesystem::path& case_file) { return sibling(case_file, ".fixture.json"); }
std::filesystem::path candidate_completion_path_for(const std::filesystem::path& case_file) {
  return sibling(case_file, ".completion.candidate.txt");
}
std::filesystem::path candidate_sidecar_path_for(const std::filesystem::path& case_file) {
  return sibling(case_file, ".candidate.json");
}

std::filesystem::path Case::completion_path() const { return completion_path_for(path); }
std::filesystem::path Case::fixture_path() const { return fixture_path_for(path); }

}  // namespace reprise::eval
