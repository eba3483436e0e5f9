// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "unwind.hpp"

namespace coroscope::sampling::detail {

void prepare_libunwind() noexcept {
  unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

std::size_t unwind_libunwind(ucontext_t& context, std::uintptr_t* pcs,
                             std::size_t max_pcs) noexcept {
  if (max_pcs == 0) return 0;
  unw_cursor_t cursor;
  // On Linux unw_context_t is ucontext_t; UNW_INIT_SIGNAL_FRAME makes the first ip the
  // interrupted instruction (not a return address) so libunwind does not look at ip-1.
  if (unw_init_local2(&cursor, reinterpret_cast<unw_context_t*>(&context),
                      UNW_INIT_SIGNAL_FRAME) < 0)
    return 0;
  std::size_t n = 0;
  do {
    unw_word_t ip = 0;
    if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 || ip == 0) break;
    pcs[n++] = static_cast<std::uintptr_t>(ip);
  } while (n < max_pcs && unw_step(&cursor) > 0);
  return n;
}

}  // namespace coroscope::sampling::detail
