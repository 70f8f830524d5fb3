// Returning memory freed after a burst to the system.
#pragma once

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace gateway::store {

// glibc keeps freed memory mapped for reuse unless asked to give it back. After a burst
// that allocated and freed a large share of the process at once (a full load of the
// mirror, the write-behind batch that follows it), the resident size would otherwise stay
// at the burst's level.
inline void release_freed_memory() {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

}  // namespace gateway::store
