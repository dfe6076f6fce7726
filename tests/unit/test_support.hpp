#pragma once
// Helpers shared by the unit tests: a private temporary folder per test,
// whole-file read and write, and the source tree (for fixtures/ and eval/).
// No Catch2 here, so this header stays cheap to include.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace reprise::test {

// The source tree, set by tests/CMakeLists.txt.
inline std::filesystem::path source_dir() { return REPRISE_SOURCE_DIR; }

// A fresh folder under the system temporary folder, removed with its
// contents when the object goes out of scope, so a failing test leaves no litter.
class TempDir {
 public:
  explicit TempDir(std::string_view label = "unit") {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("reprise-" + std::string(label) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
             "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view relative) const { return path_ / relative; }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("test: cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Creates the parent folders as needed.
inline void write_text(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error("test: cannot write " + path.string());
}

// `text` with the first `from` replaced by `to`; throws when `from` is absent,
// so a test edit that silently does nothing cannot pass.
inline std::string replace_once(std::string text, std::string_view from, std::string_view to) {
  auto at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("test: '" + std::string(from) + "' not found");
  return text.replace(at, from.size(), to);
}

// A copy of a bundled case, with its completion and sidecar, in a private
// eval root (<root>/<agent>/cases/). Returns the copied case file.
inline std::filesystem::path copy_bundled_case(const std::filesystem::path& root, const std::string& agent,
                                               const std::string& id) {
  std::filesystem::path from = source_dir() / "eval" / agent / "cases";
  std::filesystem::path to = root / agent / "cases";
  std::filesystem::create_directories(to);
  for (const char* suffix : {".yaml", ".completion.txt", ".fixture.json"}) {
    std::filesystem::copy_file(from / (id + suffix), to / (id + suffix));
  }
  return to / (id + ".yaml");
}

}  // namespace reprise::test
