// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// An uninstrumented program (no coroscope library) for the LD_PRELOAD test: several
// threads allocate through every path, free most of it, and `keep_forever` leaks a known
// amount. Prints the number of leaked bytes.
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

void escape(void* p) { asm volatile("" : : "g"(p) : "memory"); }

[[gnu::noinline]] void keep_forever(std::vector<void*>& kept, std::size_t bytes) {
  kept.push_back(std::malloc(bytes));
  escape(kept.back());
}

void churn(int thread) {
  for (int i = 0; i < 20000; ++i) {
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

}  // namespace

int main() {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) threads.emplace_back(churn, t);
  std::vector<void*> kept;
  // 512 blocks: at 512 KiB sampling each is sampled with probability ~12%, so the estimate
  // of the leak has a standard deviation of ~12% (64 blocks gave ~33%: a flaky test).
  kept.reserve(512);
  for (int i = 0; i < 512; ++i) keep_forever(kept, 64 * 1024);
  for (auto& thread : threads) thread.join();
  std::printf("%d\n", 512 * 64 * 1024);
  return 0;
}
