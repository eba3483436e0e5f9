// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace coroscope::detail {

/// One piece of a `foreign_memory::read`: `size` bytes at `from` into `out`.
struct foreign_piece {
  void* out;
  const void* from;
  std::size_t size;
};

/// Reads this process's memory that another thread may free, reuse or unmap at any moment,
/// without ever faulting. A coroutine frame freed under a task dump's walk may hold
/// anything, a malloc free-list pointer (mangled by glibc's safe-linking) among it, and a
/// plain load through it could kill the program. process_vm_readv on our own pid copies
/// what is mapped and fails with EFAULT where a load would trap; nothing to race against,
/// unlike a snapshot of the mappings. One system call per `read` (about 2 us here, see
/// docs/PERFORMANCE.md); async-signal-safe. Where the call is not allowed (a seccomp
/// filter), every read fails: dumps then say a stack is not known.
class foreign_memory {
 public:
  foreign_memory() noexcept;  ///< this process, as it is now (take a new one after fork)

  /// All of `pieces`, in one call; false when any byte of them could not be read (what
  /// was copied is then unspecified).
  bool read(const foreign_piece* pieces, unsigned count) const noexcept;
  bool read(void* out, const void* from, std::size_t size) const noexcept {
    const foreign_piece piece{out, from, size};
    return read(&piece, 1);
  }

 private:
  pid_t pid_;
};

}  // namespace coroscope::detail
