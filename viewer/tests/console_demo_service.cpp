// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A small service for the viewer's launch-mode test and screenshots: an accept loop that
// spawns short sessions (each with TIMED_AWAITs on a fake database), a CPU-heavy task
// with long polls and a task that wakes itself. It serves the console on
// COROSCOPE_CONSOLE (host:port) itself, so it works whether or not the probe starts a
// console server from the environment. Runs for --seconds N (default 30) or until
// SIGTERM/SIGINT.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "coroscope/console_server.hpp"
#include "coroscope/coroscope.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

void spin_for(std::chrono::steady_clock::duration d) {
  const auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) {
  }
}

asio::awaitable<void> sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

asio::awaitable<void> session(int n) {
  for (int i = 0; i < 3; ++i) {
    spin_for(std::chrono::microseconds(200 + 100 * (n % 7)));
    asio::steady_timer db(co_await asio::this_coro::executor, std::chrono::milliseconds(5 + (n * 37) % 140));
    TIMED_AWAIT_AS("db.query", db.async_wait(asio::use_awaitable));
  }
  asio::steady_timer write(co_await asio::this_coro::executor, 2ms);
  TIMED_AWAIT(write.async_wait(asio::use_awaitable));
}

asio::awaitable<void> accept_loop(const std::atomic<bool>& stopping) {
  for (int n = 0; !stopping; ++n) {
    coroscope::co_spawn(co_await asio::this_coro::executor, "session", session(n), asio::detached);
    co_await sleep(150ms);
  }
}

asio::awaitable<void> cruncher(const std::atomic<bool>& stopping) {
  while (!stopping) {
    spin_for(12ms);  // over the 10 ms slow-poll threshold
    co_await sleep(40ms);
  }
}

asio::awaitable<void> self_poster(const std::atomic<bool>& stopping) {
  while (!stopping) {
    for (int i = 0; i < 20; ++i) co_await asio::post(asio::use_awaitable);
    co_await sleep(100ms);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 30;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atoi(argv[i + 1]);
  const char* address = std::getenv("COROSCOPE_CONSOLE");
  coroscope::console_options options;
  options.publish_interval = 250ms;
  std::string error;
  if (!address || !coroscope::parse_console_address(address, options, error)) {
    std::fprintf(stderr, "demo: set COROSCOPE_CONSOLE=host:port (%s)\n", error.c_str());
    return 2;
  }

  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "console-demo", .read_environment = false}};
  std::atomic<bool> stopping{false};
  // The probe may serve the console itself one day; the demo serves it explicitly.
  std::optional<coroscope::console_server> server;
  server.emplace(coroscope::make_console_source(probe), options);
  std::printf("demo: console on %s:%u for %d s\n", options.host.c_str(), unsigned(server->port()), seconds);
  std::fflush(stdout);

  asio::co_spawn(probe.executor("accept-loop"), accept_loop(stopping), asio::detached);
  asio::co_spawn(probe.executor("cruncher"), cruncher(stopping), asio::detached);
  asio::co_spawn(probe.executor("self-poster"), self_poster(stopping), asio::detached);
  asio::steady_timer deadline(io, std::chrono::seconds(seconds));
  asio::signal_set signals(io, SIGINT, SIGTERM);
  auto stop = [&] {
    stopping = true;
    deadline.cancel();
    signals.cancel();
  };
  deadline.async_wait([&](auto) { stop(); });
  signals.async_wait([&](auto, int) { stop(); });
  probe.run(2);
  server->stop();
  std::printf("demo: done\n");
  return 0;
}
