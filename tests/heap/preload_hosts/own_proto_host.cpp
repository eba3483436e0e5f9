// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A program with a protobuf file of its own named "profile.proto" (not pprof's: another
// package and message), for the LD_PRELOAD test. Its generated code registers that name in
// protobuf's descriptor pool before main. Round-trips one message through it, prints the
// registered file name, then churns and leaks like the other hosts and prints the leaked
// bytes. No coroscope library.
#include "profile.pb.h"
#include "workload.hpp"

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

int main() {
  preload_host_proto::Profile out;
  out.set_owner("the host program");
  out.add_sizes(static_cast<std::uint64_t>(preload_host::kLeakedBytes));
  preload_host_proto::Profile in;
  if (!in.ParseFromString(out.SerializeAsString()) || in.owner() != out.owner()) {
    std::printf("own profile.proto did not round-trip\n");
    return 1;
  }
  std::printf("%s\n", in.GetDescriptor()->file()->name().c_str());

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(preload_host::churn, t, 20000);
  std::vector<void*> kept;
  preload_host::leak(kept);
  for (auto& thread : threads) thread.join();
  std::printf("%ld\n", static_cast<long>(in.sizes(0)));
  return 0;
}
