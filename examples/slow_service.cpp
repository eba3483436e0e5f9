// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A service whose tasks misbehave in every way the probe has a lint for, each on purpose:
//
//   task name        what it does                              lint
//   cpu-spinner      spins 30 ms in one poll                   long-poll
//   sleeper          std::this_thread::sleep_for in a poll     blocking-call-in-task
//   hog              spins 250 ms without yielding             never-yielded
//   self-poster      co_await post() 100 times                 self-wakes
//   forgotten        waits on a timer a day away               stuck
//   traced-request   TIMED_AWAIT on a 150 ms backend call      slow-await (carries a trace)
//   supervisor       watches snapshots until every lint has fired, then cancels
//                    `forgotten`'s timer so the program can end
//
// The thresholds are set low (see `demo_options`) so the run takes about half a second on
// two workers. Prints the summary, a task dump taken when every lint had fired (where
// `forgotten` waits), then one line per lint; exits 1 if any did not fire. With
// COROSCOPE_FLIGHT_RECORDER and COROSCOPE_TRACE_DIR set, also writes the run as a Perfetto
// trace into that directory (and the lints write theirs).

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <coroscope/coroscope.hpp>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

using steady = std::chrono::steady_clock;

/// Every lint the probe knows, in the order this program provokes them.
constexpr std::array<std::string_view, 6> kLints = {
    "long-poll", "blocking-call-in-task", "never-yielded", "self-wakes", "stuck", "slow-await"};

/// How long the supervisor waits for all lints before giving up.
constexpr auto kPatience = 10s;

constexpr auto rethrow = [](std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
};

coroscope::probe_options demo_options() {
  return {
      .service_name = "slow_service",
      .slow_poll_threshold = 10ms,
      .slow_await_threshold = 100ms,
      .stuck_threshold = 300ms,
      .never_yielded_threshold = 200ms,
  };
}

/// Keeps this thread's CPU busy for `duration` of wall time, without yielding.
void spin_for(steady::duration duration) {
  const auto end = steady::now() + duration;
  while (steady::now() < end) {
  }
}

asio::awaitable<void> cpu_spinner() {
  spin_for(30ms);  // one poll over the 10 ms slow-poll threshold
  co_await asio::post(asio::use_awaitable);
}

asio::awaitable<void> sleeper() {
  std::this_thread::sleep_for(50ms);  // blocks the worker inside a poll
  co_return;
}

asio::awaitable<void> hog() {
  spin_for(250ms);  // over the 200 ms never-yielded threshold in one poll
  co_return;
}

asio::awaitable<void> self_poster() {
  for (int i = 0; i < 100; ++i) co_await asio::post(asio::use_awaitable);
}

/// Waits on `forever` until someone cancels it.
asio::awaitable<void> forgotten(asio::steady_timer& forever) {
  forever.expires_after(24h);
  auto [ec] = co_await forever.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;  // operation_aborted, from the supervisor
}

/// A request handler that works for a distributed trace and calls a slow backend.
asio::awaitable<void> traced_request() {
  coroscope::this_task::set_trace_context(coroscope::trace_context::from_traceparent(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  asio::steady_timer backend(co_await asio::this_coro::executor, 150ms);
  TIMED_AWAIT_AS("backend.call", backend.async_wait(asio::use_awaitable));
}

bool has_lint(const coroscope::snapshot& s, std::string_view lint) {
  return std::any_of(s.warnings.begin(), s.warnings.end(),
                     [&](const coroscope::warning_info& w) { return w.lint == lint; });
}

bool has_all_lints(const coroscope::snapshot& s) {
  return std::all_of(kLints.begin(), kLints.end(),
                     [&](std::string_view lint) { return has_lint(s, lint); });
}

/// Takes a snapshot every 50 ms (a service could serve these on a health endpoint) until
/// every lint has fired, then takes a task dump (where each task waits) into `dump` and
/// cancels `forever` so that its waiter, the last task, ends.
asio::awaitable<void> supervisor(coroscope::probe& probe, asio::steady_timer& forever,
                                 std::string& dump) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  const auto give_up = steady::now() + kPatience;
  while (!has_all_lints(probe.snapshot()) && steady::now() < give_up) {
    tick.expires_after(50ms);
    co_await tick.async_wait(asio::use_awaitable);
  }
  dump = coroscope::to_string(probe.dump_tasks());
  forever.cancel();
}

}  // namespace

int main() {
  try {
    asio::io_context io;
    coroscope::probe probe{io, demo_options()};
    asio::steady_timer forever(io);

    asio::co_spawn(probe.executor("cpu-spinner"), cpu_spinner(), rethrow);
    asio::co_spawn(probe.executor("sleeper"), sleeper(), rethrow);
    asio::co_spawn(probe.executor("hog"), hog(), rethrow);
    asio::co_spawn(probe.executor("self-poster"), self_poster(), rethrow);
    asio::co_spawn(probe.executor("forgotten"), forgotten(forever), rethrow);
    asio::co_spawn(probe.executor("traced-request"), traced_request(), rethrow);
    std::string dump;
    asio::co_spawn(probe.executor("supervisor"), supervisor(probe, forever, dump), rethrow);

    const auto start = steady::now();
    probe.run(2);
    const double seconds = std::chrono::duration<double>(steady::now() - start).count();

    const coroscope::snapshot s = probe.snapshot();
    std::printf("slow_service: ran %.2f s on 2 workers\n\n%s\n", seconds,
                coroscope::format_summary(s).c_str());
    std::printf("task dump when every lint had fired:\n\n%s\n", dump.c_str());
    // With COROSCOPE_FLIGHT_RECORDER and COROSCOPE_TRACE_DIR (scripts/demo.sh sets both):
    // the whole run as a Perfetto trace, next to the traces the lints wrote.
    if (const std::string& dir = probe.options().trace_dir; !dir.empty()) {
      const std::string path = dir + "/slow_service-end.perfetto-trace";
      if (probe.write_trace(path)) std::printf("flight recorder trace: %s\n\n", path.c_str());
    }
    int missing = 0;
    for (std::string_view lint : kLints) {
      const bool fired = has_lint(s, lint);
      missing += !fired;
      std::printf("lint %s: %s\n", std::string(lint).c_str(), fired ? "fired" : "MISSING");
    }
    if (missing) {
      std::printf("%d of %zu lints did not fire\n", missing, kLints.size());
      return 1;
    }
    std::printf("all %zu lints fired\n", kLints.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slow_service: %s\n", e.what());
    return 1;
  }
}
