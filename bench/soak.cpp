// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Soak: 1 million short tasks through a probe on 2 workers, with CPU sampling on and a
// console client connected. Every second it prints two measures of memory:
//   - RSS (/proc/self/statm): what the operating system charges the process;
//   - live heap (mallinfo2: `uordblks` + `hblkhd`): bytes malloc has handed out and not
//     got back, in arenas and in mmapped chunks.
// Objects that are never freed (a leak, or an unbounded table) raise both. Memory that was
// freed but that glibc keeps in its arenas (fragmentation) raises RSS only. The last
// column, the task pool's slots, is its high-water mark in records (about 256 bytes each,
// never returned to the OS): records that are not given back show there first. The verdict
// compares, for each measure, the mean of the last third of the samples with the mean
// after warm-up (the first fifth: caches such as the symbolizer's fill while the first
// profiles are built) and wants both within 5%: RSS because that is the budget users see,
// the live heap because it tells a leak from fragmentation. Exits 1 when either is not
// flat, or on any error (lost console, tasks missing).
//
//   soak [tasks] [--seconds S] [--no-console] [--no-sampling]
// Defaults: 1000000 tasks spread over 60 s (a steady ~17k tasks/s, as a service would see
// them, rather than a burst over before memory is sampled five times; 0 = as fast as it
// goes), everything on. The two switches help find which part holds on to memory when the
// verdict fails.
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <CLI/CLI.hpp>

#include <coroscope/console_client.hpp>
#include <coroscope/console_server.hpp>
#include <coroscope/coroscope.hpp>
#include <coroscope/detail/task_record.hpp>

namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxInFlight = 1000;

double rss_mib() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) /
         (1024.0 * 1024.0);
}

double live_heap_mib() {
  const struct mallinfo2 info = ::mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd) / (1024.0 * 1024.0);
}

double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(from),
                         v.begin() + static_cast<std::ptrdiff_t>(to), 0.0) /
         static_cast<double>(to - from);
}

asio::awaitable<void> short_task(std::atomic<std::uint64_t>& done) {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  done.fetch_add(1, std::memory_order_relaxed);
}

/// Spawns `total` short tasks, keeping at most kMaxInFlight alive, spread evenly over
/// `seconds` (0: as fast as they go).
asio::awaitable<void> spawner(coroscope::probe& probe, std::uint64_t total, double seconds,
                              std::atomic<std::uint64_t>& done) {
  auto ex = co_await asio::this_coro::executor;
  const auto start = std::chrono::steady_clock::now();
  asio::steady_timer pace(ex);
  for (std::uint64_t i = 0; i < total; ++i) {
    if (seconds > 0 && i % 1000 == 0) {
      const auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(seconds * static_cast<double>(i) /
                                                                 static_cast<double>(total)));
      if (std::chrono::steady_clock::now() < due) {
        pace.expires_at(due);
        co_await pace.async_wait(asio::use_awaitable);
      }
    }
    while (i - done.load(std::memory_order_relaxed) >= kMaxInFlight)
      co_await asio::post(ex, asio::use_awaitable);
    asio::co_spawn(probe.executor("short"), short_task(done), asio::detached);
  }
}

/// Prints the verdict line for one measure; true when it is flat within 5% after warm-up.
bool judge(const char* what, const std::vector<double>& v, std::size_t warm_up) {
  const double after_warm_up = mean(v, warm_up, v.size());
  const double last_third = mean(v, v.size() - v.size() / 3, v.size());
  const double change = (last_third - after_warm_up) / after_warm_up;
  const bool flat = std::fabs(change) <= 0.05;
  std::printf("%s mean after warm-up (%zu s) %.1f MiB, last third %.1f MiB: %+.1f%% -> %s\n",
              what, warm_up, after_warm_up, last_third, change * 100.0,
              flat ? "flat after warm-up within 5%" : "NOT flat (over 5%)");
  return flat;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t total = 1'000'000;
  double pace_seconds = 60;
  bool no_console = false, no_sampling = false;
  CLI::App app{"coroscope soak: short tasks through a probe, memory every second"};
  app.add_option("tasks", total, "tasks to run")->check(CLI::PositiveNumber);
  app.add_option("--seconds", pace_seconds, "spread the tasks over this many seconds (0: no pacing)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--no-console", no_console, "no console server and client");
  app.add_flag("--no-sampling", no_sampling,
               "no whole-run CPU profile (the console's live flamegraph still samples)");
  CLI11_PARSE(app, argc, argv);
  const bool console = !no_console, sampling = !no_sampling;
  const auto started = std::chrono::steady_clock::now();
  std::atomic<std::uint64_t> done{0};
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "soak"}};
  if (sampling) probe.start_cpu_profile();

  coroscope::console_options co;
  co.port = 0;
  std::optional<coroscope::console_server> server;
  if (console) server.emplace(coroscope::make_console_source(probe), co);
  coroscope::console_client client({.port = server ? server->port() : std::uint16_t{1},
                                    .reconnect = false});
  if (console) client.start();
  if (console && !client.wait_for(coroscope::connection_state::connected, std::chrono::seconds(30))) {
    std::fprintf(stderr, "soak: the console client did not connect: %s\n",
                 client.connection_detail().c_str());
    return 1;
  }

  // Memory every second until the run ends.
  std::vector<double> rss, heap;
  std::vector<std::uint64_t> tasks_at;
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  std::printf("%6s %10s %10s %12s %12s\n", "second", "RSS MiB", "heap MiB", "tasks done",
              "pool slots");
  std::thread meter([&] {
    std::unique_lock lock(m);
    for (int second = 1;; ++second) {
      if (cv.wait_for(lock, std::chrono::seconds(1), [&] { return finished; })) return;
      rss.push_back(rss_mib());
      heap.push_back(live_heap_mib());
      tasks_at.push_back(done.load());
      std::printf("%6d %10.1f %10.1f %12llu %12zu\n", second, rss.back(), heap.back(),
                  static_cast<unsigned long long>(tasks_at.back()),
                  coroscope::detail::task_pool::capacity());
      std::fflush(stdout);
    }
  });

  asio::co_spawn(probe.executor("spawner"), spawner(probe, total, pace_seconds, done),
                 asio::detached);
  probe.run(2);
  {
    std::lock_guard lock(m);
    finished = true;
  }
  cv.notify_one();
  meter.join();
  const auto profile = sampling ? probe.stop_cpu_profile() : coroscope::cpu_profile{};
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  int status = 0;
  if (done.load() != total) {
    std::fprintf(stderr, "soak: %llu of %llu tasks completed\n",
                 static_cast<unsigned long long>(done.load()),
                 static_cast<unsigned long long>(total));
    status = 1;
  }
  if (console && client.connection() != coroscope::connection_state::connected) {
    std::fprintf(stderr, "soak: the console lost its connection: %s\n",
                 client.connection_detail().c_str());
    status = 1;
  }
  const auto frames = client.stats().frames;
  client.stop();
  if (server) server->stop();
  std::int64_t samples = 0;
  for (const auto& s : profile.samples) samples += s.count;
  std::printf("%llu tasks in %.1f s; %llu console frames; %lld CPU samples; %zu tasks in "
              "the final snapshot\n",
              static_cast<unsigned long long>(total), seconds,
              static_cast<unsigned long long>(frames), static_cast<long long>(samples),
              probe.snapshot().tasks.size());

  if (rss.size() < 5) {
    std::fprintf(stderr, "soak: only %zu memory samples (the run took under 5 s): give more tasks or --seconds\n",
                 rss.size());
    return 1;
  }
  const std::size_t warm_up = std::max<std::size_t>(1, rss.size() / 5);
  const bool rss_flat = judge("RSS", rss, warm_up);
  const bool heap_flat = judge("live heap", heap, warm_up);
  return rss_flat && heap_flat ? status : 1;
}
