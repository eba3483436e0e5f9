// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "unwind.hpp"

#include <coroscope/base/frame_walk.hpp>

namespace coroscope::sampling::detail {

std::size_t unwind_frame_pointers(const ucontext_t& context, stack_bounds stack,
                                  std::uintptr_t* pcs, std::size_t max_pcs) noexcept {
  if (max_pcs == 0) return 0;
#if defined(__x86_64__)
  const auto& regs = context.uc_mcontext.gregs;
  const auto pc = static_cast<std::uintptr_t>(regs[REG_RIP]);
  const auto fp = static_cast<std::uintptr_t>(regs[REG_RBP]);
  const auto sp = static_cast<std::uintptr_t>(regs[REG_RSP]);
#elif defined(__aarch64__)
  const auto pc = static_cast<std::uintptr_t>(context.uc_mcontext.pc);
  const auto fp = static_cast<std::uintptr_t>(context.uc_mcontext.regs[29]);
  const auto sp = static_cast<std::uintptr_t>(context.uc_mcontext.sp);
#else
#error "frame-pointer unwinding: unsupported architecture"
#endif
  if (pc == 0) return 0;
  pcs[0] = pc;
  // A thread interrupted off its own stack (an alternate signal stack, a fiber) has no
  // walkable chain we can bound: keep just the pc.
  if (sp < stack.low || sp >= stack.high) return 1;
  // Records lie above the interrupted stack pointer.
  return 1 + base::walk_frame_pointers(fp, {sp, stack.high}, pcs + 1, max_pcs - 1);
}

}  // namespace coroscope::sampling::detail
