// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdlib>
#include <malloc.h>
#include <memory>
#include <string>
#include <vector>

/// What every LD_PRELOAD host program does, so preload_test.cpp can expect the same
/// profile from each: churn through every allocation path, and leak a known amount from
/// `keep_forever`. No coroscope header: the hosts may not link any coroscope library.
namespace preload_host {

/// 512 blocks of 64 KiB: at 512 KiB sampling each is sampled with probability ~12%, so the
/// estimate of the leak has a standard deviation of ~12% (64 blocks gave ~33%: flaky).
inline constexpr int kLeakedBlocks = 512;
inline constexpr std::size_t kLeakedBlockBytes = 64 * 1024;
inline constexpr long kLeakedBytes = kLeakedBlocks * static_cast<long>(kLeakedBlockBytes);

inline void escape(void* p) { asm volatile("" : : "g"(p) : "memory"); }

[[gnu::noinline]] inline void keep_forever(std::vector<void*>& kept, std::size_t bytes) {
  kept.push_back(std::malloc(bytes));
  escape(kept.back());
}

/// Leaks kLeakedBytes through `keep_forever`; the blocks stay in `kept`.
inline void leak(std::vector<void*>& kept) {
  kept.reserve(kept.size() + kLeakedBlocks);
  for (int i = 0; i < kLeakedBlocks; ++i) keep_forever(kept, kLeakedBlockBytes);
}

/// `rounds` x (a string, aligned_alloc, calloc, malloc + realloc), all freed.
inline void churn(int thread, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    auto text = std::make_unique<std::string>(100 + (i % 200), static_cast<char>('a' + thread));
    escape(text.get());
    void* a = std::aligned_alloc(64, 256);
    void* c = std::calloc(8, 16);
    void* r = std::realloc(std::malloc(32), 4096);
    escape(a);
    escape(c);
    escape(r);
    std::free(a);
    std::free(c);
    std::free(r);
  }
}

}  // namespace preload_host
