#include "reprise/util/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace reprise::util {
namespace {

std::string os_error(int code) { return std::system_category().message(code); }

// Unique within the process (counter) and across processes (pid).
std::filesystem::path temporary_sibling(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  auto name = "." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
              std::to_string(counter++);
  return path.parent_path() / name;
}

// The pid in ".<name>.tmp.<pid>.<n>", or 0 when the name is not a temporary's.
pid_t temporary_owner(const std::string& name) {
  if (name.size() < 2 || name[0] != '.') return 0;
  auto at = name.rfind(".tmp.");
  if (at == std::string::npos || at == 0) return 0;
  std::string_view rest = std::string_view(name).substr(at + 5);
  auto dot = rest.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size()) return 0;
  pid_t pid = 0;
  for (char c : rest.substr(0, dot)) {
    if (c < '0' || c > '9' || pid > 4'000'000) return 0;
    pid = pid * 10 + (c - '0');
  }
  for (char c : rest.substr(dot + 1)) {
    if (c < '0' || c > '9') return 0;
  }
  return pid;
}

void write_all(int fd, std::string_view contents, const std::filesystem::path& shown) {
  while (!contents.empty()) {
    ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(shown.string() + ": write failed: " + os_error(errno));
    }
    contents.remove_prefix(static_cast<size_t>(written));
  }
}

}  // namespace

std::optional<std::string> read_file(const std::filesystem::path& path, std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (error) *error = "is a directory, not a file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "cannot open: " + os_error(errno);
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    if (error) *error = "read failed: " + os_error(errno);
    return std::nullopt;
  }
  return std::move(buffer).str();
}

void write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
  auto temporary = temporary_sibling(path);
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(temporary.string() + ": cannot create: " + os_error(errno));
  try {
    write_all(fd, contents, temporary);
    if (::fsync(fd) != 0) throw std::runtime_error(temporary.string() + ": fsync failed: " + os_error(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    ::unlink(temporary.c_str());
    throw std::runtime_error(temporary.string() + ": close failed: " + os_error(errno));
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int code = errno;
    ::unlink(temporary.c_str());
    throw std::runtime_error(path.string() + ": rename failed: " + os_error(code));
  }
}

void report_file_size_limit_as_error() { ::signal(SIGXFSZ, SIG_IGN); }

int remove_abandoned_temporaries(const std::filesystem::path& folder) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    pid_t owner = temporary_owner(entry.path().filename().string());
    if (owner <= 0 || owner == ::getpid()) continue;
    if (::kill(owner, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    std::error_code ignored;
    if (entry.is_regular_file(ignored) && std::filesystem::remove(entry.path(), ignored)) ++removed;
  }
  return removed;
}

}  // namespace reprise::util
