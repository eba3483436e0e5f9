// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A request-handling service with CPU hot spots planted in named tasks, to profile:
//
//   task (spawned per request)   coroutine chain                          hot function   share
//   render-invoice               handle_request -> render_invoice         checksum_invoice  ~60%
//   parse-request                handle_request -> parse_body             tokenize_json     ~30%
//   audit                        handle_request -> write_audit            hash_audit_line   ~10%
//
// Every request carries a W3C trace context, so samples in it carry its trace and span.
// Run with COROSCOPE_CPU_PROFILE=cpu.pb.gz to get the profile when it ends; then
// `coroscope top cpu.pb.gz` and `coroscope flamegraph cpu.pb.gz -o flame.svg`.

#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <coroscope/coroscope.hpp>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// The planted hot spots: plain arithmetic, `units` rounds of it. noinline so each is a
// frame of its own in the profile.
[[gnu::noinline]] std::uint64_t spin(std::uint64_t seed, unsigned units) {
  volatile std::uint64_t x = seed;
  for (unsigned u = 0; u < units; ++u)
    for (int i = 0; i < 20000; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x;
}
[[gnu::noinline]] std::uint64_t checksum_invoice(std::uint64_t id) { return spin(id, 6) + 1; }
[[gnu::noinline]] std::uint64_t tokenize_json(std::uint64_t id) { return spin(id, 3) + 2; }
[[gnu::noinline]] std::uint64_t hash_audit_line(std::uint64_t id) { return spin(id, 1) + 3; }

std::atomic<std::uint64_t> g_sink{0};

asio::awaitable<void> yield() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

asio::awaitable<void> render_invoice(std::uint64_t id) {
  TIMED_AWAIT_AS("render.yield", yield());
  g_sink += checksum_invoice(id);
}

asio::awaitable<void> parse_body(std::uint64_t id) {
  TIMED_AWAIT_AS("parse.yield", yield());
  g_sink += tokenize_json(id);
}

asio::awaitable<void> write_audit(std::uint64_t id) {
  TIMED_AWAIT_AS("audit.yield", yield());
  g_sink += hash_audit_line(id);
}

/// A trace context per request, as a tracing middleware would set from `traceparent`.
coroscope::trace_context trace_for(std::uint64_t request) {
  char trace[33], span[17];
  std::snprintf(trace, sizeof trace, "%016llx%016llx", 0x4bf92f3577b34da6ULL,
                static_cast<unsigned long long>(request + 1));
  std::snprintf(span, sizeof span, "%016llx", static_cast<unsigned long long>(request + 1));
  return coroscope::trace_context::from_hex(trace, span);
}

template <typename Step>
asio::awaitable<void> handle_request(std::uint64_t request, Step step) {
  coroscope::this_task::set_trace_context(trace_for(request));
  co_await step(request);
}

/// CPU time used by the whole process so far.
double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/// When to stop serving: at a wall-clock deadline, or once the process has used `cpu_seconds`
/// (a CPU budget gives the same number of samples however loaded the machine is).
struct stop_rule {
  std::chrono::steady_clock::time_point deadline;
  double cpu_seconds;
  bool reached() const {
    return std::chrono::steady_clock::now() >= deadline ||
           (cpu_seconds > 0 && process_cpu_seconds() >= cpu_seconds);
  }
};

/// Spawns a request of each kind, one after another, until `stop` says so.
asio::awaitable<void> load(stop_rule stop) {
  const auto ex = co_await asio::this_coro::executor;
  std::uint64_t request = 0;
  while (!stop.reached()) {
    co_await coroscope::co_spawn(ex, "render-invoice", handle_request(request++, render_invoice),
                                 asio::use_awaitable);
    co_await coroscope::co_spawn(ex, "parse-request", handle_request(request++, parse_body),
                                 asio::use_awaitable);
    co_await coroscope::co_spawn(ex, "audit", handle_request(request++, write_audit),
                                 asio::use_awaitable);
  }
  std::printf("handled %llu requests\n", static_cast<unsigned long long>(request));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Request-handling service with CPU hot spots planted in named tasks"};
  double seconds = 2;
  unsigned loaders = 2;
  double cpu_seconds = 0;
  app.add_option("--seconds", seconds, "How long to serve requests")->check(CLI::Range(0.1, 3600.0));
  app.add_option("--cpu-seconds", cpu_seconds,
                 "Also stop once the process has used this much CPU time (0: no CPU budget)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--loaders", loaders, "Concurrent request loops (and workers)")
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  asio::io_context io;
  {
    coroscope::probe probe{io, {.service_name = "cpu_hotspots"}};
    const stop_rule stop{std::chrono::steady_clock::now() +
                             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(seconds)),
                         cpu_seconds};
    for (unsigned i = 0; i < loaders; ++i)
      asio::co_spawn(probe.executor("load"), load(stop), asio::detached);
    probe.run(loaders);
    const auto stats = probe.sampler_stats();
    std::printf("sampler: %llu samples, %llu dropped, %.0f Hz effective (requested %.0f)\n",
                static_cast<unsigned long long>(stats.samples),
                static_cast<unsigned long long>(stats.dropped_ring_full + stats.dropped_other),
                stats.effective_hz, stats.requested_hz);
  }  // the probe writes COROSCOPE_CPU_PROFILE here
  return 0;
}
