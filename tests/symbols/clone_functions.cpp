// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Written so that GCC 12 at -O2 clones or splits each function (checked by the tests on the
// ELF symbols): a constant argument (ipa-cp), a reference of which one field is read
// (ipa-sra), a fast path with a large slow rest (partial inlining), an unlikely branch
// (hot/cold splitting). `here()` returns its caller's return address, an address inside
// the clone; the work after each call keeps it from being a tail call.
#include "clone_functions.hpp"

namespace symtest::clones {
namespace {

volatile int sink = 0;

__attribute__((noipa)) std::uintptr_t here() {
  return reinterpret_cast<std::uintptr_t>(__builtin_extract_return_addr(__builtin_return_address(0)));
}

[[gnu::cold]] __attribute__((noipa)) void rare(int x) { sink = x; }

__attribute__((noinline)) std::uintptr_t burn(int n, int salt) {
  const std::uintptr_t ra = here();
  for (int i = 0; i < n; ++i) sink = sink + (i ^ salt);
  return ra;
}

struct pair_of {
  long first;
  long rest[9];
};

__attribute__((noinline)) std::uintptr_t read_first(const pair_of& p) {
  const long first = p.first;
  sink = sink + static_cast<int>(first);
  return here() + static_cast<std::uintptr_t>(first);
}

std::uintptr_t split_me(int x) {
  if (__builtin_expect(x > 0, 1)) return 0;
  const std::uintptr_t ra = here();
  for (int i = 0; i < 100; ++i) {
    sink = sink + i * x;
    if (sink == 7) rare(i);
  }
  for (int i = 0; i < 100; ++i) {
    sink = sink ^ (i + x);
    if (sink == 9) rare(i + 1);
  }
  for (int i = 0; i < 100; ++i) {
    sink = sink ^ (i * x);
    if (sink == 11) rare(i + 2);
  }
  return ra;
}

}  // namespace

std::uintptr_t in_constprop_clone(int salt) {
  const std::uintptr_t a = burn(1000, salt);
  const std::uintptr_t b = burn(1000, salt + 1);
  return a == b ? a : 0;
}

std::uintptr_t in_isra_clone(long value) {
  pair_of p{};
  p.first = value;
  pair_of q{};
  q.first = value * 3;
  sink = sink + static_cast<int>(read_first(q) & 1);
  return read_first(p) - static_cast<std::uintptr_t>(value);
}

// Three callers, so that GCC inlines the fast path and keeps the slow part out of line.
__attribute__((noinline)) std::uintptr_t split_caller_a(int x) { return split_me(x); }
__attribute__((noinline)) std::uintptr_t split_caller_b(int x) { return split_me(x + 3); }
__attribute__((noinline)) std::uintptr_t split_caller_c(int x) { return split_me(x * 5); }

std::uintptr_t in_split_part(int x) {
  sink = sink + static_cast<int>(split_caller_b(1) + split_caller_c(1));
  return split_caller_a(x);
}

__attribute__((noinline)) std::uintptr_t in_hot_or_cold_part(int x) {
  if (__builtin_expect(x == 42, 0)) {
    rare(x);
    const std::uintptr_t ra = here();
    rare(x + 1);
    return ra;
  }
  const std::uintptr_t ra = here();
  sink = sink + 1;
  return ra;
}

}  // namespace symtest::clones
