// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// An uninstrumented program (no coroscope library, no protobuf) for the LD_PRELOAD test:
// eight threads churn through every allocation path while `keep_forever` leaks a known
// amount. Prints the number of leaked bytes.
#include "workload.hpp"

#include <cstdio>
#include <thread>
#include <vector>

int main() {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) threads.emplace_back(preload_host::churn, t, 20000);
  std::vector<void*> kept;
  preload_host::leak(kept);
  for (auto& thread : threads) thread.join();
  std::printf("%ld\n", preload_host::kLeakedBytes);
  return 0;
}
