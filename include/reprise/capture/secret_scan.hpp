#pragma once
// The CI check that no secret reached the cases: every file under a folder
// (eval/), scanned with the same detectors capture redacts with. A finding
// names the file, line, column and kind, never the secret.
#include <filesystem>
#include <string>
#include <vector>

#include "reprise/capture/redactor.hpp"

namespace reprise::capture {

struct SecretFinding {
  std::filesystem::path file;
  std::string where;  // "line 3, column 14: anthropic_key"
};

// Files in path order; hidden files (the temporaries of atomic writes) and
// folders are skipped, and links are not followed.
std::vector<SecretFinding> scan_tree_for_secrets(const std::filesystem::path& root, const Redactor& redactor);

}  // namespace reprise::capture
