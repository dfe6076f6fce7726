#pragma once
// A small work pool: every case of a run is independent, so the modes hand
// out indices from one atomic counter to `jobs` threads (the calling thread
// is one of them). No queue, no futures: work is known up front.
#include <cstddef>
#include <functional>

namespace reprise::util {

// Calls fn(i) once for each i in [0, count), from up to `jobs` threads
// (0: one per core). Returns when every call has returned. fn must not throw.
void for_each_index(std::size_t count, unsigned jobs, const std::function<void(std::size_t)>& fn);

}  // namespace reprise::util
