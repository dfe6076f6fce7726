// Runs a fuzz target over files, as a libFuzzer binary does when given file
// arguments, for builds without libFuzzer (gcc, the sanitize preset): ctest
// replays the seed corpus and the found inputs this way (fuzz/replay.sh).
//
//   reprise-fuzz-<target> FILE...
//
// A directory argument is read file by file (not recursively). Exit 0 when
// every input ran; a broken property aborts, naming the input first.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz_target.hpp"
#include "reprise/util/files.hpp"

namespace {

namespace fs = std::filesystem;

bool run_file(const fs::path& path) {
  std::string error;
  const auto bytes = reprise::util::read_file(path, &error);
  if (!bytes) {
    std::fprintf(stderr, "%s: cannot be read: %s\n", path.c_str(), error.c_str());
    return false;
  }
  std::fprintf(stderr, "%s (%zu bytes)\n", path.c_str(), bytes->size());
  // A copy of exactly `size` bytes, as libFuzzer passes, so ASan sees a read past the end.
  std::vector<std::uint8_t> input(bytes->begin(), bytes->end());
  LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  std::size_t inputs = 0;
  bool all_read = true;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    std::error_code error;
    if (fs::is_directory(arg, error)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        all_read = run_file(file) && all_read;
        ++inputs;
      }
    } else {
      all_read = run_file(arg) && all_read;
      ++inputs;
    }
  }
  std::fprintf(stderr, "%zu inputs ran\n", inputs);
  return all_read && inputs > 0 ? 0 : 1;
}
