// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "foreign_memory.hpp"

#include <sys/uio.h>
#include <unistd.h>

namespace coroscope::detail {

foreign_memory::foreign_memory() noexcept : pid_(getpid()) {}

bool foreign_memory::read(const foreign_piece* pieces, unsigned count) const noexcept {
  constexpr unsigned kMaxPieces = 4;  // what the walks need; far below IOV_MAX
  if (count == 0 || count > kMaxPieces) return false;
  iovec local[kMaxPieces], remote[kMaxPieces];
  std::size_t total = 0;
  for (unsigned i = 0; i < count; ++i) {
    local[i] = {pieces[i].out, pieces[i].size};
    remote[i] = {const_cast<void*>(pieces[i].from), pieces[i].size};
    total += pieces[i].size;
  }
  // A partial copy (the kernel stops at the first unreadable piece) is a failure too.
  const ssize_t copied = process_vm_readv(pid_, local, count, remote, count, 0);
  return copied >= 0 && static_cast<std::size_t>(copied) == total;
}

}  // namespace coroscope::detail
