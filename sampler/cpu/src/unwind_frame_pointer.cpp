// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "unwind.hpp"

namespace coroscope::sampling::detail {

// The frame records read here are this thread's own stack, but not objects ASan tracks:
// reading them must not be instrumented.
__attribute__((no_sanitize("address", "undefined")))
std::size_t unwind_frame_pointers(const ucontext_t& context, stack_bounds stack,
                                  std::uintptr_t* pcs, std::size_t max_pcs) noexcept {
  if (max_pcs == 0) return 0;
#if defined(__x86_64__)
  const auto& regs = context.uc_mcontext.gregs;
  const auto pc = static_cast<std::uintptr_t>(regs[REG_RIP]);
  auto fp = static_cast<std::uintptr_t>(regs[REG_RBP]);
  const auto sp = static_cast<std::uintptr_t>(regs[REG_RSP]);
#elif defined(__aarch64__)
  const auto pc = static_cast<std::uintptr_t>(context.uc_mcontext.pc);
  auto fp = static_cast<std::uintptr_t>(context.uc_mcontext.regs[29]);
  const auto sp = static_cast<std::uintptr_t>(context.uc_mcontext.sp);
#else
#error "frame-pointer unwinding: unsupported architecture"
#endif
  if (pc == 0) return 0;
  std::size_t n = 0;
  pcs[n++] = pc;
  // A thread interrupted off its own stack (an alternate signal stack, a fiber) has no
  // walkable chain we can bound: keep just the pc.
  if (sp < stack.low || sp >= stack.high) return n;
  std::uintptr_t lowest = sp;  // the next frame record must be at or above this
  while (n < max_pcs) {
    if ((fp & (sizeof(std::uintptr_t) - 1)) != 0) break;
    if (fp < lowest || fp > stack.high - 2 * sizeof(std::uintptr_t)) break;
    const auto* record = reinterpret_cast<const std::uintptr_t*>(fp);
    const std::uintptr_t next = record[0];
    const std::uintptr_t ret = record[1];
    if (ret == 0) break;
    pcs[n++] = ret;
    if (next <= fp) break;  // the chain must go strictly up the stack
    lowest = fp + 2 * sizeof(std::uintptr_t);
    fp = next;
  }
  return n;
}

}  // namespace coroscope::sampling::detail
