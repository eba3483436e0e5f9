// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// An HTTP service whose CPU samples link to the trace span of the request they served.
//
//   client ──GET /report  traceparent: 00-T-P-01──► conn task ──spawns──► request task
//                                                      set_trace_context(trace T, span S)
//                                                      render_report()  ◄── CPU samples
//   client ◄──200         traceparent: 00-T-S-01─────────────┘            link to (T, S)
//
// Each request continues the caller's trace T in a new span S whose parent is the caller's
// span P (a missing or malformed `traceparent` starts a new trace), and sets it on the
// request's task. The probe's OTLP export then links every CPU sample taken in that task,
// on whichever worker, to (T, S): a trace viewer can jump from the slow span to its profile.
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 trace_correlation --port 8080
//   tp=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//   curl -i -H "traceparent: $tp" localhost:8080/report
//   (the answer's traceparent: the same trace, our new span)
//
// `--requests N` is a built-in load instead: N requests with known traceparents from
// `--clients` connections, each answer checked, then exit (and flush the export):
//
//   COROSCOPE_OTLP_FILE=trace.otlp trace_correlation --requests 200 --clients 4
//   coroscope otlp-dump trace.otlp

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <coroscope/coroscope.hpp>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// Completion handler of spawned tasks: a failure is logged and ends only that task.
constexpr auto log_failure = [](std::exception_ptr e) {
  try {
    if (e) std::rethrow_exception(e);
  } catch (const std::exception& x) {
    std::fprintf(stderr, "trace_correlation: %s\n", x.what());
  }
};

std::string_view view(boost::beast::string_view s) { return {s.data(), s.size()}; }

// --- Spans ----------------------------------------------------------------------------------

/// `digits` random lower-case hex digits, not all zero (W3C: all-zero ids are invalid).
std::string random_hex(std::size_t digits) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string hex;
  while (hex.size() < digits) {
    char chunk[17];
    std::snprintf(chunk, sizeof chunk, "%016llx", static_cast<unsigned long long>(rng()));
    hex += chunk;
  }
  hex.resize(digits);
  if (hex.find_first_not_of('0') == std::string::npos) hex.back() = '1';
  return hex;
}

/// The span serving `request`: a new span id in the caller's trace, or in a new trace when
/// the request has no valid `traceparent`.
coroscope::trace_context span_for(const http::request<http::string_body>& request) {
  std::optional<coroscope::trace_context> parent;
  if (const auto header = request.find("traceparent"); header != request.end()) {
    std::string error;
    parent = coroscope::trace_context::parse_traceparent(view(header->value()), &error);
    if (!parent)
      std::fprintf(stderr, "trace_correlation: bad traceparent \"%.*s\": %s; new trace\n",
                   static_cast<int>(header->value().size()), header->value().data(),
                   error.c_str());
  }
  const bool continued = parent && parent->valid();
  const std::string trace_id = continued ? parent->trace_id_hex() : random_hex(32);
  auto span = coroscope::trace_context::from_hex(trace_id, random_hex(16));
  span.flags = continued ? parent->flags : 0x01;  // a new trace is sampled
  return span;
}

// --- The service ----------------------------------------------------------------------------

/// The CPU work of a request: `rows` rounds of arithmetic. noinline, so it is a frame of
/// its own in the profile.
[[gnu::noinline]] std::uint64_t render_report(std::uint64_t seed, unsigned rows) {
  volatile std::uint64_t x = seed;
  for (unsigned r = 0; r < rows; ++r)
    for (int i = 0; i < 20000; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x;
}

asio::awaitable<void> yield() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

/// One request, in a task of its own. The span is set on the task, so samples in both
/// halves of render_report link to it, even when another worker resumes the second half.
asio::awaitable<http::response<http::string_body>> handle_request(
    http::request<http::string_body> request, unsigned rows) {
  const coroscope::trace_context span = span_for(request);
  coroscope::this_task::set_trace_context(span);

  std::uint64_t checksum = render_report(request.target().size(), rows / 2);
  TIMED_AWAIT_AS("report.yield", yield());
  checksum += render_report(checksum, rows - rows / 2);

  http::response<http::string_body> response{http::status::ok, request.version()};
  response.set(http::field::content_type, "text/plain");
  response.set("traceparent", span.to_traceparent());  // tells the caller our span
  response.keep_alive(request.keep_alive());
  response.body() = "report " + std::to_string(checksum) + "\n";
  response.prepare_payload();
  co_return response;
}

/// Serves the requests of one connection until the client closes it.
asio::awaitable<void> serve_connection(tcp::socket socket, unsigned rows) {
  const auto ex = co_await asio::this_coro::executor;
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    auto [read_error, n] =
        TIMED_AWAIT_AS("http.read", http::async_read(socket, buffer, request, use_tuple));
    if (read_error) co_return;  // end of stream: the client is done
    const bool keep_alive = request.keep_alive();
    auto response = co_await coroscope::co_spawn(
        ex, "request", handle_request(std::move(request), rows), asio::use_awaitable);
    auto [write_error, written] =
        TIMED_AWAIT_AS("http.write", http::async_write(socket, response, use_tuple));
    if (write_error || !keep_alive) co_return;
  }
}

/// Accepts connections (`connections` of them, 0: forever), one `conn` task each.
asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, unsigned connections, unsigned rows) {
  const auto ex = co_await asio::this_coro::executor;
  for (unsigned i = 0; connections == 0 || i < connections; ++i) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    coroscope::co_spawn(ex, "conn", serve_connection(std::move(socket), rows), log_failure);
  }
  acceptor.close();
}

// --- The built-in load ----------------------------------------------------------------------

struct load_state {
  unsigned requests = 0;
  unsigned malformed_every = 0;  ///< every k-th request sends a malformed traceparent
  bool print_spans = false;
  std::atomic<unsigned> next{0};
  std::atomic<unsigned> checked{0};
  std::atomic<unsigned> failed{0};
};

/// The traceparent sent with request `i`: a trace and parent span of its own, from `i`.
std::string traceparent_for(unsigned i, unsigned malformed_every) {
  if (malformed_every != 0 && (i + 1) % malformed_every == 0) return "00-not-a-trace-id-01";
  char text[64];
  std::snprintf(text, sizeof text, "00-5ca1ab1e5ca1ab1e%016x-00f067aa%08x-01", i + 1, i + 1);
  return text;
}

/// The answer must carry the sent trace (or a new one, when we sent garbage) and a new span.
bool answer_ok(std::string_view sent, std::string_view got) {
  const auto parent = coroscope::trace_context::parse_traceparent(sent);
  const auto span = coroscope::trace_context::parse_traceparent(got);
  if (!span || !span->valid()) return false;
  if (!parent) return true;
  return span->trace_id == parent->trace_id && span->span_id != parent->span_id;
}

/// Sends requests on one connection until the load's count is reached.
asio::awaitable<void> client(tcp::socket socket, tcp::endpoint server, load_state& load) {
  co_await socket.async_connect(server, asio::use_awaitable);
  boost::beast::flat_buffer buffer;
  for (unsigned i; (i = load.next++) < load.requests;) {
    const std::string sent = traceparent_for(i, load.malformed_every);
    http::request<http::empty_body> request{http::verb::get, "/report", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set("traceparent", sent);
    co_await http::async_write(socket, request, asio::use_awaitable);
    http::response<http::string_body> response;
    co_await http::async_read(socket, buffer, response, asio::use_awaitable);

    const std::string got(view(response["traceparent"]));
    const bool ok = response.result() == http::status::ok && answer_ok(sent, got);
    ++load.checked;
    if (!ok) ++load.failed;
    if (load.print_spans || !ok)
      std::printf("%srequest %u: traceparent %s -> %s\n", ok ? "" : "ERROR: ", i, sent.c_str(),
                  got.c_str());
  }
  socket.shutdown(tcp::socket::shutdown_send);  // the server's read sees the end and ends
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = 2;
  std::uint16_t port = 8080;
  unsigned rows = 100;
  load_state load;
  unsigned clients = 4;

  CLI::App app{"HTTP service whose CPU samples link to each request's trace span"};
  app.add_option("--threads", threads, "Worker threads")
      ->check(CLI::Range(1u, 64u))->capture_default_str();
  app.add_option("--port", port, "Port on 127.0.0.1 (0: any free one; load mode: always any)")
      ->capture_default_str();
  app.add_option("--rows", rows, "CPU work per request (render_report rounds)")
      ->check(CLI::Range(1u, 100000u))->capture_default_str();
  auto* requests = app.add_option("--requests", load.requests,
                                   "Load mode: send this many requests to ourselves, then exit")
                       ->check(CLI::Range(1u, 10000000u));
  app.add_option("--clients", clients, "Load mode: client connections")
      ->check(CLI::Range(1u, 1000u))->capture_default_str()->needs(requests);
  app.add_option("--malformed-every", load.malformed_every,
                 "Load mode: every k-th request sends a malformed traceparent (0: none)")
      ->needs(requests);
  app.add_flag("--print-spans", load.print_spans,
               "Load mode: print each request's sent and answered traceparent")->needs(requests);
  CLI11_PARSE(app, argc, argv);
  const bool load_mode = load.requests != 0;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // whole lines, also when piped

  try {
    asio::io_context io(static_cast<int>(threads));
    coroscope::probe probe{io, {.service_name = "trace_correlation"}};
    tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(),
                                    load_mode ? std::uint16_t{0} : port});
    const tcp::endpoint server = acceptor.local_endpoint();
    std::printf("trace_correlation: serving http://%s:%u/report on %u threads\n",
                server.address().to_string().c_str(), static_cast<unsigned>(server.port()),
                threads);
    std::fflush(stdout);

    asio::co_spawn(probe.executor("accept-loop"),
                   accept_loop(acceptor, load_mode ? clients : 0, rows), log_failure);
    asio::signal_set stop_signals(io);
    if (load_mode) {
      for (unsigned c = 0; c < clients; ++c)
        asio::co_spawn(probe.executor("load-client"), client(tcp::socket(io), server, load),
                       log_failure);
    } else {
      stop_signals.add(SIGINT);
      stop_signals.add(SIGTERM);
      stop_signals.async_wait([&](auto, int) { io.stop(); });
    }
    const auto start = std::chrono::steady_clock::now();
    probe.run(threads);
    if (!load_mode) return 0;

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto stats = probe.sampler_stats();
    std::printf("trace_correlation: %u of %u requests answered in %.2f s, %u with a wrong "
                "traceparent\n",
                load.checked.load(), load.requests, seconds, load.failed.load());
    if (stats.samples == 0)
      std::printf("(no CPU samples: set COROSCOPE_OTLP_FILE or OTEL_EXPORTER_OTLP_ENDPOINT)\n");
    else
      std::printf("%llu CPU samples, exported when the probe ends\n",
                  static_cast<unsigned long long>(stats.samples));
    const bool ok = load.checked == load.requests && load.failed == 0;
    if (!ok) std::printf("ERROR: the load did not get every answer right\n");
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trace_correlation: %s\n", e.what());
    return 1;
  }
}
