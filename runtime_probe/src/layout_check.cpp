// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Every translation unit that includes Asio must be compiled with coroscope's hooks
// (BOOST_ASIO_CUSTOM_HANDLER_TRACKING): they give Asio's operations a base class, which
// changes their layout. Asio is header-only, so the linker keeps one copy of each of its
// inline functions, from any translation unit; if it kept the scheduler's from one
// compiled without the hooks, that code reads an operation's completion function at the
// offset where tracked_op keeps `unhooked_complete_`, and runs on_unhooked_scheduler,
// which reports the mismatch and forwards to the operation's real completion. That saves
// only the simplest case: where hooked and unhooked copies of Asio's scheduler functions
// both run, they disagree on where an operation's queue link is, and handlers are lost.
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

void on_unhooked_scheduler(void* owner, void* op, const void* ec, std::size_t bytes) {
  g_seen.store(true, std::memory_order_relaxed);
  // owner is null when Asio destroys an operation without running it: nothing to say.
  if (owner != nullptr && !g_reported.exchange(true))
    std::fprintf(stderr, "%s\n", kUnhookedAsioMessage);
  // The operation was built by hooked code: tracked_op is its first base, so `op` (the
  // object's start, as the unhooked scheduler sees it) is also its hooked
  // scheduler_operation, whose own completion function is the handler's.
  auto* hooked = static_cast<boost::asio::detail::scheduler_operation*>(static_cast<tracked_op*>(op));
  hooked->complete(owner, *static_cast<const boost::system::error_code*>(ec), bytes);
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
