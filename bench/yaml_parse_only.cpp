// reprise-bench-yaml-parse: the parse floor of the replay benchmark. Finds
// every .yaml under a root, reads it and YAML::Load()s it, nothing else (no
// schema walk, no agent, no fixture, no replay). It uses as many threads as
// reprise-eval does by default (one per core), so the two are comparable.
//
//   reprise-bench-yaml-parse ROOT [--jobs N]
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  fs::path root;
  unsigned jobs = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--jobs" && i + 1 < argc) {
      std::string value = argv[++i];
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), jobs);
      if (ec != std::errc() || end != value.data() + value.size()) {
        std::cerr << "reprise-bench-yaml-parse: --jobs takes a whole number\n";
        return 2;
      }
    } else if (root.empty()) {
      root = arg;
    } else {
      std::cerr << "usage: reprise-bench-yaml-parse ROOT [--jobs N]\n";
      return 2;
    }
  }
  if (root.empty()) {
    std::cerr << "usage: reprise-bench-yaml-parse ROOT [--jobs N]\n";
    return 2;
  }

  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml" && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) {
    std::cerr << "reprise-bench-yaml-parse: " << root.string() << ": " << ec.message() << "\n";
    return 2;
  }

  std::atomic<std::size_t> next{0}, nodes{0}, failed{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      std::ifstream in(files[i], std::ios::binary);
      std::ostringstream buffer;
      buffer << in.rdbuf();
      try {
        YAML::Node document = YAML::Load(buffer.str());
        nodes += document.size();  // keeps the result observable
      } catch (const YAML::Exception&) {
        ++failed;
      }
    }
  };
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  {
    std::vector<std::jthread> threads;
    for (unsigned t = 1; t < jobs && t < files.size(); ++t) threads.emplace_back(worker);
    worker();
  }
  std::cout << "parsed " << files.size() - failed << " of " << files.size() << " .yaml file(s), " << nodes
            << " top-level key(s)\n";
  return failed == 0 ? 0 : 1;
}
