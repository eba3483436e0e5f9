// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "coroscope/console_state.hpp"
#include "coroscope/console_types.hpp"

namespace coroscope {

enum class connection_state {
  stopped,       ///< not started, or stopped
  connecting,    ///< TCP connect and hello in progress
  connected,     ///< hello received; updates flowing
  disconnected,  ///< lost; waiting to reconnect
  refused,       ///< the probe refused us (version, token): no reconnect
};
const char* to_string(connection_state s) noexcept;

struct console_client_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6669;
  std::string token{};
  std::string client_name = "coroscope-console";
  /// Reconnect after a loss, waiting initial_backoff, doubling up to max_backoff.
  bool reconnect = true;
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
  /// Protocol version sent in the hello; only tests change it.
  std::uint32_t protocol_version = 0;  ///< 0: this build's version
};

/// Callbacks run on the client's thread: keep them short, or hand off (e.g. queued
/// Qt signals). Each may be empty.
struct console_client_callbacks {
  /// A new merged state after every hello, update and reset.
  std::function<void(std::shared_ptr<const console_state>)> on_state;
  /// Connection changes; `detail` says why (error text of a refusal or a loss).
  std::function<void(connection_state, const std::string& detail)> on_connection;
  std::function<void(const task_details&)> on_task_details;
  /// The reply to `request_timeline`: the probe's recorded window, or null when the
  /// probe records none (no flight recorder).
  std::function<void(std::shared_ptr<const timeline>)> on_timeline;
  /// The reply to `request_trace`: where the probe wrote the trace, or why it did not.
  std::function<void(const trace_written&)> on_trace_written;
  /// Error messages of the probe that do not end the connection (e.g. unknown task).
  std::function<void(const std::string&)> on_error;
};

struct console_client_stats {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  std::uint64_t connects = 0;  ///< successful handshakes
  std::uint64_t resyncs = 0;   ///< out-of-sync updates that forced a full state
};

namespace detail {
class console_client_impl;
}

/// Connects to a probe's console server on a thread of its own, keeps the merged state
/// and reconnects with backoff. Thread-safe: every public function may be called from
/// any thread (typically a GUI thread); data comes back through `state()` (an immutable
/// copy) and the callbacks.
class console_client {
 public:
  explicit console_client(console_client_options options, console_client_callbacks callbacks = {});
  /// Stops.
  ~console_client();
  console_client(const console_client&) = delete;
  console_client& operator=(const console_client&) = delete;

  /// Starts the thread and connects. Once only.
  void start();
  /// Disconnects and joins the thread. Idempotent.
  void stop();

  connection_state connection() const;
  std::string connection_detail() const;
  /// The latest merged state; never null (empty before the first update).
  std::shared_ptr<const console_state> state() const;
  /// Waits until `predicate(state)` holds or `timeout` passes; true if it held.
  bool wait_for(const std::function<bool(const console_state&)>& predicate,
                std::chrono::milliseconds timeout) const;
  /// Waits until the connection is in `s`.
  bool wait_for(connection_state s, std::chrono::milliseconds timeout) const;

  /// The reply arrives through `on_task_details` (or `on_error`), and `last_details()`.
  void request_task_details(std::uint64_t task_id);
  std::shared_ptr<const task_details> last_details() const;
  /// Asks for the flight recorder's window; the reply arrives through `on_timeline`.
  /// Each asks the probe once: callers bound the rate (the probe also reuses a window
  /// taken less than its `timeline_interval` ago).
  void request_timeline();
  /// Asks the probe to write its flight recorder's window as a Perfetto trace file on its
  /// host; the reply arrives through `on_trace_written`. Only when
  /// `state()->identity.serves_trace` (older probes close the connection instead).
  void request_trace();
  void pause();
  void resume();
  bool paused() const;

  /// Records every received frame to `path` from now on. The recording starts with the
  /// probe's hello and a fresh full state, so it replays on its own.
  bool start_recording(const std::string& path, std::string& error);
  void stop_recording();

  console_client_stats stats() const;

 private:
  std::unique_ptr<detail::console_client_impl> impl_;
};

}  // namespace coroscope
