#include "reprise/capture/secret_scan.hpp"

#include <algorithm>

#include "reprise/util/files.hpp"

namespace fs = std::filesystem;

namespace reprise::capture {

std::vector<SecretFinding> scan_tree_for_secrets(const fs::path& root, const Redactor& redactor) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
       it.increment(ec)) {
    bool hidden = it->path().filename().string().starts_with('.');
    if (hidden && it->is_directory(ec)) it.disable_recursion_pending();
    if (hidden || !it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::vector<SecretFinding> findings;
  for (const auto& file : files) {
    std::string error;
    auto text = util::read_file(file, &error);
    if (!text) {
      findings.push_back({file, "cannot read: " + error});
      continue;
    }
    // Line by line, so every line with a secret is reported, not only the first.
    std::string_view rest(*text);
    for (std::size_t line = 1; !rest.empty(); ++line) {
      std::size_t newline = rest.find('\n');
      std::string_view current = rest.substr(0, newline);
      if (auto found = redactor.find(current)) {
        found->line = line;
        findings.push_back({file, found->describe()});
      }
      if (newline == std::string_view::npos) break;
      rest.remove_prefix(newline + 1);
    }
  }
  return findings;
}

}  // namespace reprise::capture
