#pragma once
#include <string>

namespace reprise::util {

// What identifies the running reprise build: the GNU build-id the linker
// writes into the executable (a hash of its contents), read from memory, so
// it costs nothing. Without one, the executable file's size, mtime and inode.
// Caches of results computed by this code are valid only for the same identity.
std::string executable_identity();

}  // namespace reprise::util
