// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::coroscope, the umbrella target: only the public contract of an installed
// coroscope (a probe, its executor, co_spawn, TIMED_AWAIT and snapshot). Exits 0 when the
// snapshot shows what ran. The LD_PRELOAD test runs it under libcoroscope_heap.so too.

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <coroscope/coroscope.hpp>

#include "check.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using install_test::check;

namespace {

/// Waits 20 ms three times, each wait timed.
asio::awaitable<void> waiter() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < 3; ++i) {
    timer.expires_after(20ms);
    TIMED_AWAIT(timer.async_wait(asio::use_awaitable));
  }
}

/// Spawns the waiter as its child and waits for it.
asio::awaitable<void> parent(coroscope::probe& probe) {
  co_await coroscope::co_spawn(probe, "waiter", waiter(), asio::use_awaitable);
}

}  // namespace

int main() {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "install-test", .slow_await_threshold = 10ms}};
  std::exception_ptr failure;
  asio::co_spawn(probe.executor("parent"), parent(probe),
                 [&](std::exception_ptr e) { failure = e; });
  probe.run(1);
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::printf("FAIL: the task threw: %s\n", e.what());
      return 1;
    }
  }

  const coroscope::snapshot s = probe.snapshot();
  std::printf("%s\n", coroscope::format_summary(s).c_str());
  check(s.service_name == "install-test", "service name is install-test");

  const coroscope::task_info* parent_task = nullptr;
  const coroscope::task_info* waiter_task = nullptr;
  for (const auto& t : s.tasks) {
    if (t.name == "parent") parent_task = &t;
    if (t.name == "waiter") waiter_task = &t;
  }
  check(parent_task != nullptr, "task 'parent' is in the snapshot");
  check(waiter_task != nullptr, "task 'waiter' is in the snapshot");
  if (waiter_task) {
    check(waiter_task->polls >= 3, "waiter polled at least 3 times (" +
                                       std::to_string(waiter_task->polls) + ")");
    check(waiter_task->state == coroscope::task_state::completed, "waiter completed");
    if (parent_task)
      check(waiter_task->parent_id == parent_task->id, "waiter is parent's child");
  }

  const std::string expression = "timer.async_wait(asio::use_awaitable)";
  const coroscope::await_site_info* site = nullptr;
  for (const auto& a : s.await_sites) {
    if (a.name == expression) site = &a;
  }
  check(site != nullptr, "await site named '" + expression + "'");
  if (site) {
    check(site->file.ends_with("coroscope_program.cpp") && site->line > 0,
          "site is at coroscope_program.cpp:" + std::to_string(site->line));
    check(site->count == 3, "site count is 3 (" + std::to_string(site->count) + ")");
    check(site->slow_count == 3,
          "all 3 waits of 20 ms are slow at 10 ms (" + std::to_string(site->slow_count) + ")");
    check(site->max >= 20ms, "longest wait is at least 20 ms");
  }
  return install_test::finish("coroscope_program");
}
