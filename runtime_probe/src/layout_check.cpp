// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Every translation unit that includes Asio must be compiled with coroscope's hooks
// (BOOST_ASIO_CUSTOM_HANDLER_TRACKING): they give Asio's operations a base class, which
// changes their layout. Asio is header-only, so the linker keeps one copy of each of its
// inline functions, from any translation unit; if it kept the scheduler's from one
// compiled without the hooks, that code reads an operation's completion function at the
// offset where tracked_op keeps `unhooked_complete_`, and runs on_unhooked_scheduler.
// A probe runs one handler on a private io_context at start to find out.
#include "layout_check.hpp"

#include <atomic>
#include <cstdio>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "coroscope/detail/asio_hooks.hpp"

namespace coroscope::detail {
namespace {

std::atomic<bool> g_reported{false};
std::atomic<bool> g_seen{false};

}  // namespace

void on_unhooked_scheduler(void* owner, void*, const void*, std::size_t) noexcept {
  g_seen.store(true, std::memory_order_relaxed);
  // owner is null when Asio destroys an operation without running it: nothing to say.
  if (owner == nullptr || g_reported.exchange(true)) return;
  std::fprintf(stderr, "%s\n", kUnhookedAsioMessage);
}

bool asio_scheduler_has_hooks() noexcept {
  try {
    boost::asio::io_context io(1);
    bool ran = false;
    boost::asio::post(io, [&ran] { ran = true; });
    io.run();
    return ran && !g_seen.load(std::memory_order_relaxed);
  } catch (...) {
    return false;
  }
}

}  // namespace coroscope::detail
