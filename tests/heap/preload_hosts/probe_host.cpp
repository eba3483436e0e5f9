// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A program linked with coroscope::coroscope (and so with pprof's generated code, which
// registers "profile.proto" in protobuf's descriptor pool) for the LD_PRELOAD test: a probe
// runs eight churning tasks and one that leaks a known amount on two workers. Prints the
// number of leaked bytes, then the number of tasks the probe saw complete.
#include "workload.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <coroscope/coroscope.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace asio = boost::asio;

namespace {

asio::awaitable<void> churn_task(int thread) {
  preload_host::churn(thread, 20000);
  co_return;
}

asio::awaitable<void> leak_task(std::vector<void*>& kept) {
  preload_host::leak(kept);
  co_return;
}

}  // namespace

int main() {
  asio::io_context io;
  std::vector<void*> kept;
  std::size_t completed = 0;
  {
    // Completed tasks stay in the snapshot however slowly the machine runs them.
    coroscope::probe probe{io, {.service_name = "preload-probe-host", .retain_completed_for = std::chrono::hours(1)}};
    for (int t = 0; t < 8; ++t)
      asio::co_spawn(probe.executor("churn-" + std::to_string(t)), churn_task(t), asio::detached);
    asio::co_spawn(probe.executor("leak"), leak_task(kept), asio::detached);
    probe.run(2);
    for (const auto& task : probe.snapshot().tasks) completed += task.state == coroscope::task_state::completed;
  }
  std::printf("%ld\n%zu\n", preload_host::kLeakedBytes, completed);
  return 0;
}
