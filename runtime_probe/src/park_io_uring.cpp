// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Asio's io_uring backend waits in io_uring_wait_cqe (inline: __io_uring_get_cqe) and
// io_uring_wait_cqe_timeout. This object is linked in only when the program references
// them, so programs without liburing do not need it.
#include <liburing.h>

#include "park_scope.hpp"

extern "C" int __real___io_uring_get_cqe(io_uring* ring, io_uring_cqe** cqe_ptr, unsigned submit,
                                         unsigned wait_nr, sigset_t* sigmask);
extern "C" int __real_io_uring_wait_cqe_timeout(io_uring* ring, io_uring_cqe** cqe_ptr,
                                                __kernel_timespec* ts);

extern "C" int __wrap___io_uring_get_cqe(io_uring* ring, io_uring_cqe** cqe_ptr, unsigned submit,
                                         unsigned wait_nr, sigset_t* sigmask) {
  if (wait_nr == 0) return __real___io_uring_get_cqe(ring, cqe_ptr, submit, wait_nr, sigmask);
  coroscope::detail::park_scope park;
  return __real___io_uring_get_cqe(ring, cqe_ptr, submit, wait_nr, sigmask);
}

extern "C" int __wrap_io_uring_wait_cqe_timeout(io_uring* ring, io_uring_cqe** cqe_ptr,
                                                __kernel_timespec* ts) {
  coroscope::detail::park_scope park;
  return __real_io_uring_wait_cqe_timeout(ring, cqe_ptr, ts);
}
