#pragma once
// Reading and writing whole files.
//
// write_file_atomically writes to a temporary file in the destination's
// folder, flushes it to disk and renames it over the destination: a crash or
// kill leaves either the old file or the new one, never half of one. The
// temporary is removed if anything fails before the rename.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace reprise::util {

// The whole file, or nullopt with `error` set ("cannot open: No such file or directory").
std::optional<std::string> read_file(const std::filesystem::path& path, std::string* error = nullptr);

// Throws std::runtime_error naming the path and the OS error on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

// A process killed while writing (SIGKILL, power loss) leaves its temporary
// behind: hidden, never the destination, but litter. Removes the temporaries
// in `folder` whose writing process no longer exists; a live process's are
// left alone. Returns how many were removed; never throws.
int remove_abandoned_temporaries(const std::filesystem::path& folder);

// A file size limit (ulimit -f) would kill the process with SIGXFSZ in the
// middle of a write. Ignoring the signal turns it into an EFBIG error that
// write_file_atomically reports with the path, so a run says what it could
// not write and goes on. Called first thing by every tool that writes files.
void report_file_size_limit_as_error();

}  // namespace reprise::util
