// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

/// HTTP debug endpoints in Go's net/http/pprof convention, served by Boost.Beast:
///
///   /debug/pprof/                      index of the endpoints (HTML)
///   /debug/pprof/profile?seconds=N     CPU profile, gzipped pprof (attachment)
///   /debug/pprof/flamegraph?seconds=N  CPU flamegraph, SVG
///   /debug/pprof/heap                  heap profile, pprof (404 when heap profiling is off)
///   /debug/coroscope/tasks             tasks, workers and await sites, JSON
///   /debug/coroscope/tasks?stacks=1    the same, each task with its `async_stack`
///   /debug/coroscope/dump              where every task waits, text (a task dump)
///   /metrics                           runtime metrics, Prometheus text format 0.0.4
///
/// The server knows nothing of the probe: it calls the `debug_sources` callbacks.
namespace coroscope {

/// Where and how the debug server listens.
struct debug_server_options {
  /// `host:port` (`COROSCOPE_HTTP`). A bare `port` or `:port` means loopback
  /// (127.0.0.1); `[::1]:port` for IPv6 (a bare `::1` is refused); port 0 picks a free
  /// port; read by `base::parse_host_port`, as the console address is. Empty means "off":
  /// do not construct a `debug_server` then (its constructor refuses an empty address).
  std::string address;
  /// Bearer token (`COROSCOPE_HTTP_TOKEN`). When set, every request needs
  /// `Authorization: Bearer <token>`; required when the address is not loopback.
  std::string token;
  /// Largest `seconds` a profile request may ask for.
  std::chrono::seconds max_profile_seconds{60};
  /// `seconds` when the request names none (30, as in Go); capped at the maximum.
  std::chrono::seconds default_profile_seconds{30};
  /// Connections served at once. When all are taken, the one that has waited longest
  /// for its request is closed to make room, so connections that trickle a request in
  /// (slowloris) cannot shut a scraper out; when every one is busy with a request, the
  /// new connection is closed.
  std::size_t max_connections = 32;
  /// Limits on a request: its header block and its body (GET requests need none).
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 1024;
  /// How long a client may take to send a whole request, counted from its connection or
  /// from the previous response; an idle keep-alive connection is closed after it too.
  std::chrono::milliseconds request_timeout{5'000};
  /// How long a client may take to read a response.
  std::chrono::seconds io_timeout{30};

  /// `address` from `COROSCOPE_HTTP`, `token` from `COROSCOPE_HTTP_TOKEN`; the rest default.
  static debug_server_options from_environment();
};

/// What the endpoints serve. Every callback runs on one of the server's own threads
/// (never the caller's, never the application's workers) and may throw: the request then
/// gets a 500 with the exception's message. An empty callback makes its endpoint 404.
struct debug_sources {
  /// Samples the CPU for the given time, or until `stop` is requested, and returns the
  /// profile; blocks that long. The server requests a stop when it is stopping (the
  /// request is then answered 503) or when the client hung up (the profile slot is
  /// freed), and runs at most one profile at a time. A callback that ignores `stop`
  /// holds up both until its time is over.
  std::function<coroscope::cpu_profile(std::chrono::seconds, std::stop_token stop)> cpu_profile;
  /// The JSON for /debug/coroscope/tasks (e.g. `tasks_json(probe.snapshot())`).
  std::function<std::string()> tasks_json;
  /// The JSON for /debug/coroscope/tasks?stacks=1 (e.g. `tasks_json(probe.snapshot(),
  /// probe.dump_tasks())`); empty: the query is ignored.
  std::function<std::string()> tasks_json_with_stacks;
  /// The text for /debug/coroscope/dump (e.g. `to_string(probe.dump_tasks())`).
  std::function<std::string()> task_dump_text;
  /// The text for /metrics (e.g. `prometheus_text(probe.snapshot(), read_process_stats())`).
  std::function<std::string()> metrics_text;
  /// Already-encoded pprof bytes of the heap profile; nothing (or an empty callback)
  /// when heap profiling is off, which answers 404 saying how to turn it on.
  std::function<std::optional<std::string>()> heap_profile;
  /// The Perfetto trace of the flight recorder's last N seconds (0: its whole window) for
  /// /debug/coroscope/trace?seconds=N; nothing (or an empty callback) when the recorder is
  /// off, which answers 404 saying how to turn it on.
  std::function<std::optional<std::string>(std::chrono::seconds)> trace;
};

/// An HTTP/1.1 server on an io_context and thread of its own, with a small pool of two
/// more threads for the callbacks, so a profile request that samples for a minute does
/// not hold up /metrics. The application's threads are never used or blocked.
///
/// Refuses to start (throws `std::invalid_argument` with a one-line message) on a bad
/// address, or an address beyond loopback without a token; throws `std::runtime_error`
/// when it cannot listen. Every descriptor it opens is close-on-exec: programs the
/// service starts do not inherit the port.
///
/// Stopping closes the port and idle connections at once, cancels a running CPU profile
/// (answered 503) and gives requests in progress up to a second to finish; then it
/// waits for a running callback to return (a `cpu_profile` that heeds its stop token
/// returns at once).
class debug_server {
 public:
  /// Resolves, binds and starts serving; `port()` is valid on return.
  debug_server(debug_server_options options, debug_sources sources);
  ~debug_server();
  debug_server(const debug_server&) = delete;
  debug_server& operator=(const debug_server&) = delete;

  /// The port listened on (the one picked when the address asked for port 0).
  unsigned short port() const noexcept;
  /// The address listened on, e.g. `127.0.0.1:6060`.
  std::string local_address() const;
  /// Stops serving (see above) and joins the threads; idempotent. Also done by the
  /// destructor.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace coroscope
