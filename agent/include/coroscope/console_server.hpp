// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coroscope/console_types.hpp"
#include "coroscope/snapshot.hpp"
#include "coroscope/timeline.hpp"

namespace coroscope {

class probe;

/// Where a console server gets its data. `identity` is called in the server's constructor;
/// the others run on the server's own thread, never concurrently.
struct console_source {
  /// Who is profiled (called once, at construction). Required.
  std::function<console_identity()> identity;
  /// The current values (called once per publish tick). Required.
  std::function<coroscope::snapshot()> snapshot;
  /// Details of one task; nullopt when the task is unknown. Optional.
  std::function<std::optional<coroscope::task_details>(std::uint64_t task_id)> task_details;
  /// CPU samples aggregated since the previous call; may return nothing. Optional.
  std::function<std::vector<cpu_stack_sample>()> cpu_samples;
  /// The heap view (top live sites, leak suspects); nullopt when heap sampling is off.
  /// Called at most once per `console_options::heap_interval`, only while a console is
  /// connected. Optional.
  std::function<std::optional<heap_view>()> heap;
  /// The flight recorder's window, for a console's TimelineRequest; nullopt (or an empty
  /// function) when nothing records one: the console is told "not recording". `after` is
  /// the console's cursor (`core::recording::trace_window`): default at its first request,
  /// for the whole window, taken at most once per `console_options::timeline_interval`
  /// and shared by every console that asks within it; after that only what was recorded
  /// since its last reply (a partial window). Optional.
  std::function<std::optional<coroscope::timeline>(timeline_cursor& after)> timeline;
  /// Writes the flight recorder's window as a Perfetto trace file, for a console's
  /// TraceRequest: where, or why not (`trace_written::error`, or an exception). Runs on the
  /// server's thread, at most once per `console_options::trace_interval` (failures too).
  /// Optional: without it the console is told this probe writes no traces.
  std::function<trace_written()> write_trace;
};

/// How a console server listens and publishes.
struct console_options {
  /// Address to bind: an IP address or `localhost`. Anything but loopback needs a token.
  std::string host = "127.0.0.1";
  /// TCP port; 0 picks a free one (see `console_server::port`).
  std::uint16_t port = 6669;
  /// When non-empty, a console must present it in its hello.
  std::string token{};
  std::chrono::nanoseconds publish_interval = std::chrono::seconds(1);
  /// How often the heap view is refreshed (rounded up to whole publish intervals): it
  /// walks the heap sampler's tables, so it runs less often than a tick when ticks are fast.
  std::chrono::nanoseconds heap_interval = std::chrono::seconds(1);
  /// The shortest time between two whole windows taken from `console_source::timeline`:
  /// consoles that ask for one sooner get the one taken last. Bounds what encoding windows
  /// costs; a console's later requests get only what was recorded since its last.
  std::chrono::nanoseconds timeline_interval = std::chrono::milliseconds(500);
  /// The shortest time between two timeline replies to one console after its first (each
  /// drains the rings for what came since its last): a request sooner is answered when
  /// this has passed, and the requests in between share that reply.
  std::chrono::nanoseconds timeline_partial_interval = std::chrono::milliseconds(100);
  /// The shortest time between two traces written for consoles (`console_source::write_trace`
  /// encodes the whole window: up to seconds of CPU for a large one), counted from the end
  /// of the last attempt, failed or not; a console that asks sooner gets its reply again.
  std::chrono::nanoseconds trace_interval = std::chrono::seconds(5);
  /// Connections beyond this are refused with an error message.
  std::size_t max_clients = 16;
  /// A connection whose send queue holds more than this is a slow client and is dropped.
  /// The queue is charged what it holds in memory: each frame's bytes plus a fixed
  /// overhead per frame (its allocations and queue slot), so a flood of tiny replies
  /// reaches the limit as soon as large frames do.
  std::size_t max_queued_bytes = 32u << 20;
  /// Replies (to TaskDetails, Resume, the hello) a connection may have waiting to be sent.
  /// At the limit the server stops reading that connection until the console has taken
  /// some: the requests of a console that asks and never reads wait in the kernel's
  /// socket buffers, not in the server's memory.
  std::size_t max_queued_replies = 64;
  /// A connection that sends no hello within this time is closed.
  std::chrono::nanoseconds hello_timeout = std::chrono::seconds(10);
};

/// Counters of a console server.
struct console_server_stats {
  std::size_t clients = 0;             ///< connections open now
  std::uint64_t accepted = 0;          ///< connections accepted so far
  std::uint64_t slow_disconnects = 0;  ///< dropped for an overfull send queue
  std::uint64_t bad_frames = 0;        ///< closed for a malformed or oversized frame
  std::uint64_t refused = 0;           ///< closed for version, token or client limit
  std::uint64_t updates_published = 0; ///< publish ticks
  std::size_t paused_clients = 0;      ///< connections paused now
  std::uint64_t requests = 0;          ///< requests handled (task details, timeline, pause, resume)
  std::size_t throttled_clients = 0;   ///< connections not read now: their replies wait
  std::size_t queued_bytes = 0;        ///< what every send queue holds now, as charged
  std::uint64_t memory_trims = 0;      ///< times freed memory was handed back to the system
};

namespace detail {
class console_server_impl;
}

/// Serves the live console protocol (console/protocol/proto/...) over TCP.
///
/// Threading: the server owns one thread and one io_context; accepting, reading,
/// publishing and every `console_source` callback run there, never on the application's
/// workers. A publish tick takes one snapshot, diffs it against the previous one and
/// queues the same encoded delta to every connection; a connection whose queue grows over
/// `max_queued_bytes` is closed, so a slow console never stalls the publisher. What one
/// connection may cost is bounded: its queue as charged, at most `max_queued_replies`
/// unanswered requests, a 4 KiB read buffer and one partial request frame. When a
/// connection that held more than 1 MiB goes, the freed memory is handed back to the
/// system (glibc's `malloc_trim`), so a burst of slow consoles does not leave the
/// service's RSS high.
class console_server {
 public:
  /// Binds and starts serving. Throws std::invalid_argument for a bad host, or a
  /// non-loopback host without a token, and std::system_error when the bind fails.
  console_server(console_source source, console_options options = {});
  /// Stops (see `stop`).
  ~console_server();
  console_server(const console_server&) = delete;
  console_server& operator=(const console_server&) = delete;

  /// The bound port (useful with `port = 0`).
  std::uint16_t port() const noexcept;
  /// Closes every connection and joins the thread. Idempotent.
  void stop();
  console_server_stats stats() const;

 private:
  std::unique_ptr<detail::console_server_impl> impl_;
};

/// A `console_source` that serves `p`: its snapshots, task details from them, and its
/// identity. `p` must outlive the server.
console_source make_console_source(probe& p);

/// Parses `host:port` into `options` with `base::parse_host_port` (the parser the HTTP
/// server uses too): `[v6]:port` for IPv6 (a bare `::1` is refused), a bare `port` or
/// `:port` means 127.0.0.1. Returns false and sets `error` to one line on bad input.
bool parse_console_address(const std::string& address, console_options& options,
                           std::string& error);

}  // namespace coroscope
