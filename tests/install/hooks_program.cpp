// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::hooks alone: Asio compiled with coroscope's handler-tracking hooks and no
// probe anywhere. The hooks must cost the program nothing but a few branches: coroutines,
// timers and posts all run as in plain Asio.
#include <chrono>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "check.hpp"

using install_test::check;

namespace {

namespace asio = boost::asio;

asio::awaitable<void> count_posts(int posts, int& counted) {
  for (int i = 0; i < posts; ++i) {
    co_await asio::post(asio::use_awaitable);
    ++counted;
  }
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
  co_await timer.async_wait(asio::use_awaitable);
  ++counted;
}

}  // namespace

int main() {
#ifdef BOOST_ASIO_CUSTOM_HANDLER_TRACKING
  check(true, "linking coroscope::hooks compiles Asio with coroscope's hooks");
#else
  check(false, "linking coroscope::hooks compiles Asio with coroscope's hooks");
#endif
  asio::io_context io;
  constexpr int kPosts = 1000, kTasks = 4;
  int counted[kTasks] = {};
  for (int& c : counted) asio::co_spawn(io, count_posts(kPosts, c), asio::detached);
  int callbacks = 0;
  asio::post(io, [&callbacks] { ++callbacks; });
  io.run();
  for (int t = 0; t < kTasks; ++t)
    check(counted[t] == kPosts + 1, "without a probe, coroutine " + std::to_string(t) +
                                        " ran every resumption (" + std::to_string(counted[t]) + ")");
  check(callbacks == 1, "without a probe, a plain handler runs");
  return install_test::finish("hooks_program");
}
