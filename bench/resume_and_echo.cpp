// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Whole-program overhead: the same workloads run plain and instrumented, alternating;
// prints throughput of each and the ratio instrumented/plain (median of rounds). A plain
// round runs in runtime_overhead_plain (plain_program.cpp), the workloads built without
// coroscope, as a service runs before coroscope is added; `--baseline in-process` runs it
// here instead, in this binary, whose Asio has coroscope's hooks compiled in (idle while no
// probe lives) and whose process has the collector's thread: a steadier ratio, but one that
// flatters coroscope (see docs/PERFORMANCE.md). `--baseline threaded-program` runs the
// program without coroscope with one sleeping thread: the ratio against it leaves out what
// any thread costs a one-thread program (glibc's and the kernel's multi-threaded paths).
//
//   resume: one coroutine doing `co_await post(use_awaitable)` in a loop, one thread.
//   echo:   16 loopback TCP connections, 64-byte messages, client and server on one thread.
//   idle:   a timer every 100 ms; prints the process's CPU time per second (a probe with
//           its defaults: an idle service's cost is the collector's wakes).
//
// Instrumented = everything on: a probe on the io_context (every coroutine a task, every
// operation tagged), every await under TIMED_AWAIT, CPU sampling at 99 Hz, and a console
// client connected to the probe's live console.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "coroscope/base/thread_cpu.hpp"
#include "coroscope/console_client.hpp"
#include "coroscope/coroscope.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

struct run_config {
  bool instrumented;
  std::chrono::milliseconds duration;
  bool report_count = false;  ///< print how many resumptions or round trips (callgrind)
};

/// --hooks-only: the probe and TIMED_AWAIT without the sampler and the console, for
/// instruction counts of the recording path (callgrind runs 50 times slower, so time-driven
/// work such as 99 Hz sampling would weigh 50 times more per resumption there).
bool g_hooks_only = false;

/// Plain rounds run in the program built without coroscope (else in this process), with
/// these options.
bool g_plain_program = true;
std::string g_plain_program_options;

/// One plain round in runtime_overhead_plain: its throughput of `workload`.
double run_plain_program(const char* workload, std::chrono::milliseconds duration, int connections) {
  const std::string command = std::string(COROSCOPE_BENCH_PLAIN_PROGRAM) + " --only " + workload +
                              " --ms " + std::to_string(duration.count()) + " --connections " +
                              std::to_string(connections) + g_plain_program_options;
  FILE* out = popen(command.c_str(), "r");
  double value = 0;
  const bool read = out && std::fscanf(out, "%lf", &value) == 1;
  if (!out || pclose(out) != 0 || !read) {
    std::fprintf(stderr, "bench: the plain program failed: %s\n", command.c_str());
    std::exit(2);
  }
  return value;
}

/// Spawns on the io_context, as services do: with a probe on it, every coroutine is a
/// task of its own (named after its coroutine function).
class spawner {
 public:
  spawner(asio::io_context& io, coroscope::probe*) : io_(io) {}
  template <typename Awaitable>
  void spawn(const char*, Awaitable a) {
    asio::co_spawn(io_, std::move(a), report_failure);
  }

 private:
  static void report_failure(std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "bench task failed: %s\n", error.what());
      std::exit(2);
    }
  }

  asio::io_context& io_;
};

// The workloads, compiled twice: instrumented (every await under TIMED_AWAIT) and plain.
// (A runtime switch would need `?:` around co_await, which GCC 12 miscompiles.)
namespace instrumented {
#define BENCH_AWAIT(...) TIMED_AWAIT(__VA_ARGS__)
#include "workloads.inc"
#undef BENCH_AWAIT
}  // namespace instrumented
namespace plain {
#define BENCH_AWAIT(...) co_await (__VA_ARGS__)
#include "workloads.inc"
#undef BENCH_AWAIT
}  // namespace plain

/// Everything a user can turn on, around a probe: CPU sampling at 99 Hz and a console
/// connected. Stops both when it goes.
class everything_on {
 public:
  explicit everything_on(coroscope::probe& p)
      : probe_(p),
        console_(coroscope::console_client_options{.port = p.console_port(), .reconnect = false}) {
    probe_.start_cpu_profile();
    console_.start();
  }
  ~everything_on() {
    console_.stop();
    (void)probe_.stop_cpu_profile();
  }

 private:
  coroscope::probe& probe_;
  coroscope::console_client console_;
};

coroscope::probe_options bench_options() {
  return {.service_name = "bench", .sample_hz = 99, .console_address = "127.0.0.1:0"};
}

double run_resume(const run_config& c) {
  if (!c.instrumented && g_plain_program) return run_plain_program("resume", c.duration, 1);
  asio::io_context io;  // as services write it (PRODUCT.md quick start)
  std::optional<coroscope::probe> probe;
  std::optional<everything_on> extras;
  if (c.instrumented) {
    probe.emplace(io, bench_options());
    if (!g_hooks_only) extras.emplace(*probe);
  }
  spawner s(io, probe ? &*probe : nullptr);
  std::uint64_t resumptions = 0;
  const auto start = clock_type::now();
  if (c.instrumented)
    s.spawn("resume-loop", instrumented::resume_loop(start + c.duration, resumptions));
  else
    s.spawn("resume-loop", plain::resume_loop(start + c.duration, resumptions));
  if (probe) probe->run(1); else io.run();
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  if (c.report_count) std::printf("resume  %llu resumptions\n", static_cast<unsigned long long>(resumptions));
  return static_cast<double>(resumptions) / seconds;
}

double run_echo(const run_config& c, int connections) {
  if (!c.instrumented && g_plain_program) return run_plain_program("echo", c.duration, connections);
  asio::io_context io;  // as services write it (PRODUCT.md quick start)
  std::optional<coroscope::probe> probe;
  std::optional<everything_on> extras;
  if (c.instrumented) {
    probe.emplace(io, bench_options());
    if (!g_hooks_only) extras.emplace(*probe);
  }
  spawner s(io, probe ? &*probe : nullptr);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  std::uint64_t round_trips = 0;
  const auto start = clock_type::now();
  const auto end = start + c.duration;
  const tcp::endpoint server = acceptor.local_endpoint();
  if (c.instrumented) {
    s.spawn("accept-loop", instrumented::echo_accept(acceptor, s, connections));
    for (int i = 0; i < connections; ++i)
      s.spawn("client", instrumented::echo_client(server, end, round_trips));
  } else {
    s.spawn("accept-loop", plain::echo_accept(acceptor, s, connections));
    for (int i = 0; i < connections; ++i)
      s.spawn("client", plain::echo_client(server, end, round_trips));
  }
  if (probe) probe->run(1); else io.run();
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  if (c.report_count)
    std::printf("echo  %llu round trips\n", static_cast<unsigned long long>(round_trips));
  return static_cast<double>(round_trips) / seconds;
}

/// Milliseconds of CPU the process (every thread) used per second of the run.
double run_idle(const run_config& c) {
  if (!c.instrumented && g_plain_program) return run_plain_program("idle", c.duration, 1);
  const auto cpu_ms = [] { return coroscope::base::thread_cpu_ns(CLOCK_PROCESS_CPUTIME_ID) / 1e6; };
  asio::io_context io;
  std::optional<coroscope::probe> probe;
  if (c.instrumented) probe.emplace(io, coroscope::probe_options{.service_name = "bench"});
  spawner s(io, probe ? &*probe : nullptr);
  const double cpu_before = cpu_ms();
  const auto start = clock_type::now();
  if (c.instrumented)
    s.spawn("idle", instrumented::idle_ticks(start + c.duration));
  else
    s.spawn("idle", plain::idle_ticks(start + c.duration));
  io.run();
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return (cpu_ms() - cpu_before) / seconds;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

enum class variants { both, plain, instrumented };

template <typename Run>
void compare(const char* name, const char* unit, int rounds, std::chrono::milliseconds duration,
             variants which, bool warm_up, Run run) {
  std::vector<double> plain{0}, instrumented{0};
  if (warm_up) run({false, std::chrono::milliseconds(200)});  // page faults, first allocations
  for (int r = 0; r < rounds; ++r) {
    const bool one = which != variants::both;
    if (which != variants::instrumented) plain.push_back(run({false, duration, one}));
    if (which != variants::plain) instrumented.push_back(run({true, duration, one}));
  }
  plain.erase(plain.begin());
  instrumented.erase(instrumented.begin());
  if (plain.empty() || instrumented.empty()) {
    std::printf("%-7s %s %12.2f %s\n", name, plain.empty() ? "instrumented" : "plain",
                median(plain.empty() ? instrumented : plain), unit);
    return;
  }
  // Each instrumented round against the plain round just before it: the machine's speed
  // drifts over seconds, so a pair's ratio holds less of the drift than a ratio of medians.
  std::vector<double> pairs;
  for (std::size_t r = 0; r < plain.size(); ++r) pairs.push_back(instrumented[r] / plain[r]);
  const double p = median(plain), i = median(instrumented);
  std::printf("%-7s plain %12.2f %s   instrumented %12.2f %s   ratio %.3f   paired %.3f (%.3f-%.3f)\n",
              name, p, unit, i, unit, i / p, median(pairs),
              *std::min_element(pairs.begin(), pairs.end()),
              *std::max_element(pairs.begin(), pairs.end()));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"coroscope whole-program overhead: plain vs instrumented, same process"};
  int rounds = 5;
  int millis = 1000;
  int connections = 16;
  std::string only;
  std::map<std::string, variants> variant_names{
      {"both", variants::both}, {"plain", variants::plain}, {"instrumented", variants::instrumented}};
  variants which = variants::both;
  app.add_option("--rounds", rounds, "alternating plain/instrumented rounds")->check(CLI::Range(1, 100));
  app.add_option("--ms", millis, "duration of one round in milliseconds")->check(CLI::Range(50, 60000));
  app.add_option("--connections", connections, "echo connections")->check(CLI::Range(1, 1000));
  app.add_option("--only", only, "run one workload: resume, echo or idle")
      ->check(CLI::IsMember({"resume", "echo", "idle"}));
  app.add_option("--variant", which, "run both variants (default) or one, e.g. for perf")
      ->transform(CLI::CheckedTransformer(variant_names));
  bool no_warm_up = false;
  app.add_flag("--hooks-only", g_hooks_only,
               "instrumented without CPU sampling and console (for instruction counts)");
  app.add_flag("--no-warm-up", no_warm_up,
               "skip the 200 ms warm-up run (for instruction counts under callgrind)");
  std::string baseline = "program";
  app.add_option("--baseline", baseline,
                 "plain rounds: 'program' (built without coroscope, the default), "
                 "'threaded-program' (the same with a sleeping thread) or 'in-process' (this "
                 "binary, hooks compiled in but idle)")
      ->check(CLI::IsMember({"program", "threaded-program", "in-process"}));
  CLI11_PARSE(app, argc, argv);
  g_plain_program = baseline != "in-process";
  if (baseline == "threaded-program") g_plain_program_options = " --idle-thread";
  const auto duration = std::chrono::milliseconds(millis);
  if (only.empty() || only == "resume")
    compare("resume", "resumptions/s", rounds, duration, which, !no_warm_up, run_resume);
  if (only.empty() || only == "echo")
    compare("echo", "round-trips/s", rounds, duration, which, !no_warm_up,
            [&](const run_config& c) { return run_echo(c, connections); });
  // A cost, not a throughput: here the ratio is how many times the plain run's CPU.
  if (only == "idle") compare("idle", "ms CPU/s", rounds, duration, which, false, run_idle);
}
