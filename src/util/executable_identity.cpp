#include "reprise/util/executable_identity.hpp"

#include <elf.h>
#include <link.h>
#include <sys/stat.h>

#include <cstring>
#include <string>

namespace reprise::util {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// dl_iterate_phdr visits the main program first, with an empty name.
int find_build_id(struct dl_phdr_info* info, size_t /*size*/, void* data) {
  auto* id = static_cast<std::string*>(data);
  if (info->dlpi_name && info->dlpi_name[0] != '\0') return 1;  // not the main program: stop
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    if (header.p_type != PT_NOTE) continue;
    const char* note = reinterpret_cast<const char*>(info->dlpi_addr + header.p_vaddr);
    const char* end = note + header.p_memsz;
    while (note + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) nhdr;
      std::memcpy(&nhdr, note, sizeof nhdr);
      const char* name = note + sizeof nhdr;
      const char* desc = name + ((nhdr.n_namesz + 3) & ~3u);
      if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0 && desc + nhdr.n_descsz <= end) {
        for (ElfW(Word) b = 0; b < nhdr.n_descsz; ++b) {
          auto byte = static_cast<unsigned char>(desc[b]);
          id->push_back(kHex[byte >> 4]);
          id->push_back(kHex[byte & 0x0f]);
        }
        return 1;
      }
      note = desc + ((nhdr.n_descsz + 3) & ~3u);
    }
  }
  return 1;
}

}  // namespace

std::string executable_identity() {
  std::string id;
  dl_iterate_phdr(find_build_id, &id);
  if (!id.empty()) return "build-id:" + id;
  struct stat info {};
  if (::stat("/proc/self/exe", &info) != 0) return {};
  return "file:" + std::to_string(info.st_size) + ":" + std::to_string(info.st_mtim.tv_sec) + "." +
         std::to_string(info.st_mtim.tv_nsec) + ":" + std::to_string(info.st_ino);
}

}  // namespace reprise::util
