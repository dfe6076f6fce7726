// Unit tests of src/util: sha256 and HMAC, atomic file writes, reading files, text
// helpers, the environment table.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "reprise/util/environment.hpp"
#include "reprise/util/files.hpp"
#include "reprise/util/parallel.hpp"
#include "reprise/util/sha256.hpp"
#include "reprise/util/text.hpp"
#include "unit/test_support.hpp"

namespace fs = std::filesystem;
using namespace reprise;
using reprise::test::TempDir;

namespace {

std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("sha256_hex: matches the FIPS 180-2 test vectors", "[util]") {
  CHECK(util::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(util::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(util::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("sha256_hex: hashes every byte, including NUL", "[util]") {
  std::string with_nul("a\0b", 3);
  CHECK(util::sha256_hex(with_nul) != util::sha256_hex("a"));
  CHECK(util::sha256_hex(with_nul).size() == 64u);
}

TEST_CASE("hmac_sha256: matches the RFC 4231 test vectors", "[util]") {
  // Test case 2: a key shorter than the block size.
  CHECK(util::hex_lower(util::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 1: twenty 0x0b bytes as the key.
  CHECK(util::hex_lower(util::hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(util::hmac_sha256("k", "d").size() == 32u);  // raw bytes, not hex
}

TEST_CASE("hex_lower: two lowercase digits per byte, every byte value", "[util]") {
  CHECK(util::hex_lower("") == "");
  CHECK(util::hex_lower(std::string("\x00\x0f\xa0\xff", 4)) == "000fa0ff");
}

TEST_CASE("write_file_atomically: creates the file and leaves no temporary behind", "[util]") {
  TempDir dir("util");
  auto target = dir / "out.txt";
  util::write_file_atomically(target, "first\n");
  CHECK(test::read_text(target) == "first\n");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"out.txt"});
}

TEST_CASE("write_file_atomically: replaces existing content entirely", "[util]") {
  TempDir dir("util");
  auto target = dir / "out.txt";
  test::write_text(target, "a much longer previous content that must not survive in any part\n");
  util::write_file_atomically(target, "short");
  CHECK(test::read_text(target) == "short");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"out.txt"});

  util::write_file_atomically(target, "");
  CHECK(test::read_text(target).empty());
  CHECK(names_in(dir.path()) == std::vector<std::string>{"out.txt"});
}

TEST_CASE("write_file_atomically: a missing folder is an error naming the path, and nothing is left", "[util]") {
  TempDir dir("util");
  auto target = dir / "no-such-folder" / "out.txt";
  try {
    util::write_file_atomically(target, "x");
    FAIL("expected std::runtime_error");
  } catch (const std::runtime_error& error) {
    CHECK_THAT(error.what(), Catch::Contains("no-such-folder"));
    CHECK_THAT(error.what(), Catch::Contains("cannot create"));
  }
  CHECK(names_in(dir.path()).empty());
}

TEST_CASE("remove_abandoned_temporaries: a dead writer's temporary goes; a live one's and other files stay", "[util]") {
  TempDir dir("util");
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);  // reaped: no process has this pid now
  std::string dead = "." + std::string("a.candidate.json") + ".tmp." + std::to_string(child) + ".3";
  std::string alive = ".b.fixture.json.tmp." + std::to_string(::getppid()) + ".0";
  std::string mine = ".c.txt.tmp." + std::to_string(::getpid()) + ".0";
  for (const auto& name : {dead, alive, mine, std::string(".hidden"), std::string(".x.tmp.notapid.1"),
                           std::string("a.candidate.json"), std::string(".y.tmp.12.")}) {
    test::write_text(dir / name, "x");
  }
  CHECK(util::remove_abandoned_temporaries(dir.path()) == 1);
  auto names = names_in(dir.path());
  CHECK(std::find(names.begin(), names.end(), dead) == names.end());
  CHECK(names.size() == 6u);
  CHECK(util::remove_abandoned_temporaries(dir / "missing-folder") == 0);
}

TEST_CASE("for_each_index: every index exactly once, from several threads; zero work is fine", "[util]") {
  for (unsigned jobs : {0u, 1u, 3u, 16u}) {
    std::vector<std::atomic<int>> seen(1000);
    util::for_each_index(seen.size(), jobs, [&](std::size_t i) { ++seen[i]; });
    CHECK(std::all_of(seen.begin(), seen.end(), [](const std::atomic<int>& n) { return n.load() == 1; }));
  }
  int calls = 0;
  util::for_each_index(0, 4, [&](std::size_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("read_file: the whole file, binary-safe; errors say why", "[util]") {
  TempDir dir("util");
  std::string bytes("line\r\n\0tail", 11);
  test::write_text(dir / "f.bin", bytes);
  auto read = util::read_file(dir / "f.bin");
  REQUIRE(read);
  CHECK(*read == bytes);

  std::string error;
  CHECK_FALSE(util::read_file(dir / "missing.txt", &error));
  CHECK_THAT(error, Catch::StartsWith("cannot open: ") && Catch::Contains("No such file"));

  CHECK_FALSE(util::read_file(dir.path(), &error));
  CHECK(error == "is a directory, not a file");
}

TEST_CASE("count_words: runs of non-whitespace", "[util]") {
  CHECK(util::count_words("") == 0u);
  CHECK(util::count_words("   \n\t ") == 0u);
  CHECK(util::count_words("one") == 1u);
  CHECK(util::count_words("  two words\n") == 2u);
  CHECK(util::count_words("a\tb\nc  d") == 4u);
}

TEST_CASE("excerpt: cuts at a UTF-8 boundary and marks the cut", "[util]") {
  CHECK(util::excerpt("short", 10) == "short");
  CHECK(util::excerpt("abcdef", 3) == "abc...");
  // "é" is two bytes (C3 A9); a cut after its first byte steps back before it.
  CHECK(util::excerpt("ab\xC3\xA9zz", 3) == "ab...");
}

TEST_CASE("to_lower_ascii and slugify", "[util]") {
  CHECK(util::to_lower_ascii("Japan TRIP 29%") == "japan trip 29%");
  CHECK(util::slugify("  Hello, World! -- 2026 ", 40) == "hello-world-2026");
  CHECK(util::slugify("abcdefgh", 4) == "abcd");
  CHECK(util::slugify("caf\xC3\xA9 au lait", 40) == "caf-au-lait");
}

TEST_CASE("environment_value: only variables of the table can be read", "[util]") {
  CHECK_THROWS_AS(util::environment_value("PATH"), std::logic_error);
  CHECK_NOTHROW(util::environment_value("CI"));
  for (const auto& variable : util::kEnvironmentVariables) CHECK_FALSE(variable.meaning.empty());
}
