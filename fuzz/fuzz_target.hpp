#pragma once
// What every fuzz target shares. A target is one file defining libFuzzer's
// entry point over one reader. Built with clang and REPRISE_FUZZ, libFuzzer
// drives it (tools/fuzz); in every other build replay_main.cpp runs it over
// files, so ctest replays each target's seed corpus and every input a fuzz
// run ever found (fixtures/fuzz/<target>/) in the release and sanitize suites.
//
// A target checks properties, not only "does not crash": a property that
// breaks aborts, which libFuzzer reports as a crash and saves the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace reprise::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A property of the reader every input must keep.
inline void require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property broken: %s\n", property);
  std::abort();
}

}  // namespace reprise::fuzz
