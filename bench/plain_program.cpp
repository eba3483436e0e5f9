// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The benchmark's workloads in a program built without coroscope: no hooks compiled into
// Asio, no probe's threads in the process. runtime_overhead runs it as its plain rounds
// (`--baseline program`, the default): what a service runs at before coroscope is added.
// Prints one number: the workload's throughput over `--ms`, after a 200 ms warm-up (with
// `--count`, how many resumptions or round trips, for per-resumption instruction counts);
// for the idle workload, the process's CPU milliseconds per second.
//
// What a thread alone costs the program (any in-process profiler has one): `--idle-thread`
// runs it with a second thread that only sleeps (runtime_overhead's `--baseline
// threaded-program`); `--thread-tax N` runs N pairs of rounds in this one process, without
// and with such a thread, and prints the median ratio. Once a process has had a second
// thread, glibc stays in its multi-threaded mode, so the pairs show the kernel's part (a
// shared file table: each system call on a descriptor takes and drops a reference).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "coroscope/base/thread_cpu.hpp"  // a clock read; no hooks, no threads

namespace asio = boost::asio;
using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

class spawner {
 public:
  explicit spawner(asio::io_context& io) : io_(io) {}
  template <typename Awaitable>
  void spawn(const char*, Awaitable a) {
    asio::co_spawn(io_, std::move(a), [](std::exception_ptr e) {
      if (e) std::exit(2);
    });
  }

 private:
  asio::io_context& io_;
};

#define BENCH_AWAIT(...) co_await (__VA_ARGS__)
#include "workloads.inc"
#undef BENCH_AWAIT

/// What one run did: resumptions or round trips (idle: the process's CPU nanoseconds), in
/// how many seconds.
struct run_result {
  std::uint64_t count;
  double seconds;
};

run_result run_resume(std::chrono::milliseconds duration) {
  asio::io_context io;
  spawner s(io);
  std::uint64_t resumptions = 0;
  const auto start = clock_type::now();
  s.spawn("resume-loop", resume_loop(start + duration, resumptions));
  io.run();
  return {resumptions, std::chrono::duration<double>(clock_type::now() - start).count()};
}

run_result run_echo(std::chrono::milliseconds duration, int connections) {
  asio::io_context io;
  spawner s(io);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  std::uint64_t round_trips = 0;
  const auto start = clock_type::now();
  s.spawn("accept-loop", echo_accept(acceptor, s, connections));
  for (int i = 0; i < connections; ++i)
    s.spawn("client", echo_client(acceptor.local_endpoint(), start + duration, round_trips));
  io.run();
  return {round_trips, std::chrono::duration<double>(clock_type::now() - start).count()};
}

run_result run_idle(std::chrono::milliseconds duration) {
  const auto cpu_ns = [] { return coroscope::base::thread_cpu_ns(CLOCK_PROCESS_CPUTIME_ID); };
  asio::io_context io;
  spawner s(io);
  const std::int64_t cpu_before = cpu_ns();
  const auto start = clock_type::now();
  s.spawn("idle", idle_ticks(start + duration));
  io.run();
  return {static_cast<std::uint64_t>(cpu_ns() - cpu_before),
          std::chrono::duration<double>(clock_type::now() - start).count()};
}

/// A second thread in the process that only sleeps, while this lives.
class sleeping_thread {
 public:
  sleeping_thread() : thread_([done = stop_.get_future()] { done.wait(); }) {}
  ~sleeping_thread() {
    stop_.set_value();
    thread_.join();
  }
  sleeping_thread(const sleeping_thread&) = delete;
  sleeping_thread& operator=(const sleeping_thread&) = delete;

 private:
  std::promise<void> stop_;
  std::thread thread_;
};

double rate(const run_result& r) { return static_cast<double>(r.count) / r.seconds; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"runtime_overhead's plain rounds: the workloads without coroscope"};
  std::string only = "resume";
  int millis = 1000;
  int connections = 16;
  app.add_option("--only", only, "resume, echo or idle")
      ->check(CLI::IsMember({"resume", "echo", "idle"}));
  app.add_option("--ms", millis, "duration in milliseconds")->check(CLI::Range(50, 60000));
  app.add_option("--connections", connections, "echo connections")->check(CLI::Range(1, 1000));
  bool count = false;
  app.add_flag("--count", count, "print the count, not the rate");
  bool idle_thread = false;
  CLI::Option* idle =
      app.add_flag("--idle-thread", idle_thread, "run with a second thread that only sleeps");
  int thread_tax = 0;
  app.add_option("--thread-tax", thread_tax,
                 "pairs of rounds without and with a sleeping thread; prints the median ratio")
      ->check(CLI::Range(1, 1000))
      ->excludes(idle);
  CLI11_PARSE(app, argc, argv);
  const auto run = [&](std::chrono::milliseconds d) {
    if (only == "idle") return run_idle(d);
    return only == "resume" ? run_resume(d) : run_echo(d, connections);
  };
  const auto duration = std::chrono::milliseconds(millis);
  std::optional<sleeping_thread> sleeper;
  if (idle_thread) sleeper.emplace();
  run(std::chrono::milliseconds(200));  // page faults, first allocations
  if (thread_tax > 0) {
    std::vector<double> ratios;
    for (int i = 0; i < thread_tax; ++i) {
      const double alone = rate(run(duration));
      sleeping_thread second;
      ratios.push_back(rate(run(duration)) / alone);
    }
    std::sort(ratios.begin(), ratios.end());
    std::printf("%s with a sleeping thread / without: median %.3f (%.3f-%.3f, %d pairs)\n",
                only.c_str(), ratios[ratios.size() / 2], ratios.front(), ratios.back(), thread_tax);
    return 0;
  }
  const run_result r = run(duration);
  if (count)
    std::printf("%llu\n", static_cast<unsigned long long>(r.count));
  else
    std::printf("%.2f\n", only == "idle" ? rate(r) / 1e6 : rate(r));
}
