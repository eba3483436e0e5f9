// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// An instrumented TCP echo service with a built-in load client, in one process.
//
//   accept-loop ──spawns──► conn (one per connection: read, echo back)
//   client × N  ──64-byte messages──► 127.0.0.1:port ──echo──► client
//
// Every task is spawned on a probe executor and every await is a TIMED_AWAIT, so the
// summary printed at the end shows the task tree, the workers and the await sites.
// `--plain` runs the same workload on plain io_context executors with no probe, for
// comparing throughput. (Its TIMED_AWAITs still read the clock once each; with no probe
// their events go to a ring nobody drains. The benchmarks in bench/ measure overhead.)
//
//   echo_server --threads 2 --connections 16 --seconds 3
//   echo_server --plain

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <mutex>
#include <source_location>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <coroscope/coroscope.hpp>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

using steady = std::chrono::steady_clock;

constexpr std::size_t kMessageSize = 64;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct workload_config {
  unsigned threads = 2;
  unsigned connections = 16;
  double seconds = 3.0;
  std::uint64_t messages = 0;  ///< per connection; 0: run for `seconds`
  std::uint16_t port = 0;      ///< 0: an ephemeral port
};

struct workload_result {
  std::uint64_t round_trips = 0;
  std::uint64_t mismatches = 0;  ///< echoes that differed from what was sent
  steady::duration elapsed{};
};

/// Counters the clients add to once, when they finish.
struct client_totals {
  std::atomic<std::uint64_t> round_trips{0};
  std::atomic<std::uint64_t> mismatches{0};
};

/// Completion handler for spawned tasks: an exception ends `run` and is reported by main.
constexpr auto rethrow = [](std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
};

// --- Runtimes: where the workload's tasks run -------------------------------------------
// Both offer the same three operations, so the workload below is written once.

/// Tasks tracked by a coroscope probe: every spawn is a named task, `run` is `probe.run`.
class probed_runtime {
 public:
  probed_runtime(asio::io_context& io, coroscope::probe_options options)
      : probe_(io, std::move(options)) {}

  /// An executor making a new task named `name`, for `boost::asio::co_spawn`.
  coroscope::task_executor executor(
      std::string_view name, std::source_location where = std::source_location::current()) {
    return probe_.executor(name, where);
  }

  /// Spawns a task; called from inside another task, the new one is its child.
  template <typename Awaitable>
  void spawn(std::string_view name, Awaitable task,
             std::source_location where = std::source_location::current()) {
    coroscope::co_spawn(probe_, name, std::move(task), rethrow, where);
  }

  void run(unsigned threads) { probe_.run(threads); }

  coroscope::probe& probe() noexcept { return probe_; }

 private:
  coroscope::probe probe_;
};

/// No probe: plain io_context executors and `io.run()` on `threads` threads.
class plain_runtime {
 public:
  explicit plain_runtime(asio::io_context& io) : io_(io) {}

  asio::io_context::executor_type executor(std::string_view /*name*/) {
    return io_.get_executor();
  }

  template <typename Awaitable>
  void spawn(std::string_view /*name*/, Awaitable task) {
    asio::co_spawn(io_, std::move(task), rethrow);
  }

  /// Like `probe::run`: the caller is one of the threads; the first exception stops the
  /// io_context and is rethrown here.
  void run(unsigned threads) {
    std::mutex mutex;
    std::exception_ptr failure;
    const auto work = [&] {
      try {
        io_.run();
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        io_.stop();
      }
    };
    std::vector<std::thread> others;
    for (unsigned i = 1; i < threads; ++i) others.emplace_back(work);
    work();
    for (std::thread& t : others) t.join();
    if (failure) std::rethrow_exception(failure);
  }

 private:
  asio::io_context& io_;
};

// --- The workload -------------------------------------------------------------------------

/// Echoes what it reads until the client closes the connection.
asio::awaitable<void> echo_connection(tcp::socket socket) {
  std::array<char, 1024> data;
  for (;;) {
    auto [read_error, n] =
        TIMED_AWAIT_AS("echo.read", socket.async_read_some(asio::buffer(data), use_tuple));
    if (read_error) co_return;  // eof: the client is done
    auto [write_error, written] = TIMED_AWAIT_AS(
        "echo.write", asio::async_write(socket, asio::buffer(data.data(), n), use_tuple));
    if (write_error) co_return;
  }
}

/// Accepts `connections` connections, each served by its own `conn` task, then stops
/// listening: the demo ends when its built-in clients are done.
template <typename Runtime>
asio::awaitable<void> accept_loop(Runtime& runtime, tcp::acceptor& acceptor,
                                  unsigned connections) {
  for (unsigned i = 0; i < connections; ++i) {
    tcp::socket socket = TIMED_AWAIT(acceptor.async_accept(asio::use_awaitable));
    socket.set_option(tcp::no_delay(true));
    runtime.spawn("conn", echo_connection(std::move(socket)));
  }
  acceptor.close();
}

/// Connects and sends 64-byte messages, each after the echo of the previous one arrived,
/// until `deadline` (or `messages` round trips when that is not 0).
asio::awaitable<void> client(tcp::socket socket, tcp::endpoint server, std::uint64_t messages,
                             steady::time_point deadline, client_totals& totals) {
  TIMED_AWAIT(socket.async_connect(server, asio::use_awaitable));
  socket.set_option(tcp::no_delay(true));
  std::array<char, kMessageSize> sent;
  std::array<char, kMessageSize> echoed;
  for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>('a' + i % 26);

  std::uint64_t round_trips = 0;
  std::uint64_t mismatches = 0;
  while (messages != 0 ? round_trips < messages : steady::now() < deadline) {
    sent[0] = static_cast<char>(round_trips);  // every message differs from the last
    TIMED_AWAIT_AS("client.write", asio::async_write(socket, asio::buffer(sent),
                                                     asio::use_awaitable));
    TIMED_AWAIT_AS("client.read", asio::async_read(socket, asio::buffer(echoed),
                                                   asio::use_awaitable));
    mismatches += echoed != sent;
    ++round_trips;
  }
  socket.shutdown(tcp::socket::shutdown_send);  // the server's read sees eof and ends
  totals.round_trips += round_trips;
  totals.mismatches += mismatches;
}

/// Listens on 127.0.0.1, spawns the accept loop and the clients on `runtime`, runs it on
/// `config.threads` threads until every task is done.
template <typename Runtime>
workload_result run_echo_workload(asio::io_context& io, Runtime& runtime,
                                  const workload_config& config) {
  // I/O objects use the io_context's own executor; each coroutine's resumptions go through
  // the executor it was spawned on, which is what attributes them to its task.
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), config.port));
  const tcp::endpoint server = acceptor.local_endpoint();
  std::printf("echo_server: listening on %s:%u; %u connections, %u threads, %s\n",
              server.address().to_string().c_str(), static_cast<unsigned>(server.port()),
              config.connections, config.threads,
              std::is_same_v<Runtime, plain_runtime> ? "plain (no probe)" : "probe on");
  std::fflush(stdout);

  client_totals totals;
  const auto start = steady::now();
  const auto deadline = start + std::chrono::duration_cast<steady::duration>(
                                    std::chrono::duration<double>(config.seconds));
  asio::co_spawn(runtime.executor("accept-loop"),
                 accept_loop(runtime, acceptor, config.connections), rethrow);
  for (unsigned i = 0; i < config.connections; ++i) {
    asio::co_spawn(runtime.executor("client"),
                   client(tcp::socket(io), server, config.messages, deadline, totals), rethrow);
  }
  runtime.run(config.threads);
  return {totals.round_trips.load(), totals.mismatches.load(), steady::now() - start};
}

void print_throughput(const workload_result& r) {
  const double seconds = std::chrono::duration<double>(r.elapsed).count();
  std::printf("round trips: %llu in %.2f s = %.0f round trips/s\n",
              static_cast<unsigned long long>(r.round_trips), seconds,
              seconds > 0 ? static_cast<double>(r.round_trips) / seconds : 0.0);
  if (r.mismatches)
    std::printf("ERROR: %llu echoes differed from the message sent\n",
                static_cast<unsigned long long>(r.mismatches));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  workload_config config;
  bool plain = false;
  std::size_t summary_tasks = 40;

  CLI::App app{"Instrumented Boost.Asio echo service with a built-in load client"};
  app.add_option("--threads", config.threads, "Worker threads running the io_context")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  app.add_option("--connections", config.connections, "Client connections")
      ->check(CLI::Range(1u, 10000u))
      ->capture_default_str();
  app.add_option("--seconds", config.seconds, "How long the clients send")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--messages", config.messages,
                 "Round trips per connection (overrides --seconds when set)");
  app.add_option("--port", config.port, "TCP port on 127.0.0.1 (0: an ephemeral port)")
      ->capture_default_str();
  app.add_option("--summary-tasks", summary_tasks, "Rows of the summary's task table")
      ->capture_default_str();
  app.add_flag("--plain", plain, "Run the same workload without the probe, for comparison");
  CLI11_PARSE(app, argc, argv);

  try {
    asio::io_context io(static_cast<int>(config.threads));
    if (plain) {
      plain_runtime runtime(io);
      const workload_result result = run_echo_workload(io, runtime, config);
      print_throughput(result);
      return result.mismatches ? 1 : 0;
    }
    // Thresholds and the service name are left to the environment (see README).
    probed_runtime runtime(io, {});
    const workload_result result = run_echo_workload(io, runtime, config);
    print_throughput(result);
    std::printf("\n%s", coroscope::format_summary(runtime.probe().snapshot(), summary_tasks).c_str());
    return result.mismatches ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echo_server: %s\n", e.what());
    return 1;
  }
}
