// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Line numbers matter here: the tests take them with __LINE__ on the line of interest.
#include "test_functions.hpp"

#include <link.h>

namespace symtest {

volatile int sink = 0;

const unsigned plain_first_line = __LINE__;
int plain_function(int x) {
  int sum = 0;
  for (int i = 0; i < x; ++i) sum += i ^ x;
  return sum;
}
const unsigned plain_last_line = __LINE__;

std::uintptr_t return_address_of_call() {
  return reinterpret_cast<std::uintptr_t>(__builtin_extract_return_addr(__builtin_return_address(0)));
}

std::uintptr_t caller_function(unsigned& call_line) {
  std::uintptr_t ra = return_address_of_call(); call_line = __LINE__;
  sink = sink + 1;  // work after the call, so it is not a tail call
  return ra;
}

__attribute__((always_inline)) inline std::uintptr_t inlined_callee(unsigned& inner_line) {
  std::uintptr_t ra = return_address_of_call(); inner_line = __LINE__;
  sink = sink + 2;
  return ra;
}

std::uintptr_t outer_with_inline(unsigned& inner_line, unsigned& outer_line) {
  std::uintptr_t ra = inlined_callee(inner_line); outer_line = __LINE__;
  sink = sink + 3;
  return ra;
}

std::uintptr_t lambda_caller(unsigned& call_line) {
  auto lambda = [](unsigned& line) __attribute__((noipa)) {
    std::uintptr_t ra = return_address_of_call(); line = __LINE__;
    sink = sink + 4;
    return ra;
  };
  std::uintptr_t ra = lambda(call_line);
  sink = sink + 5;
  return ra;
}

simple_task counting_coroutine(int* out) {
  *out += 1;
  co_await std::suspend_always{};
  *out += 1;
}

code_range executable_text() {
  code_range text;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) -> int {
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) != 0) {
            auto* r = static_cast<code_range*>(out);
            r->begin = info->dlpi_addr + ph.p_vaddr;
            r->end = r->begin + ph.p_memsz;
            break;
          }
        }
        return 1;  // the first entry is the executable
      },
      &text);
  return text;
}

}  // namespace symtest
