// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroscope/profile.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace coroscope {

/// A window of recorded history: what ran, on which worker, in what order, and who woke
/// whom. The flight recorder fills it; `encode_perfetto` (<coroscope/perfetto.hpp>) turns
/// it into a Perfetto trace. Plain values, no behaviour.
///
/// **Clock.** Every `*_ns` time is nanoseconds of `CLOCK_MONOTONIC`
/// (`std::chrono::steady_clock` on Linux), the clock the rest of coroscope reports. All
/// times of one timeline are on that one clock; `begin_ns <= end_ns` for every interval.
/// Events may be given in any order: the encoder sorts them.
struct timeline {
  /// A thread that ran the io_context during the window.
  struct worker {
    unsigned index = 0;       ///< the probe's worker index (`worker_info::index`)
    std::string thread_name;  ///< e.g. `coroscope-w1`; empty when unknown
    std::int64_t tid = 0;     ///< the kernel thread id; 0 when unknown
  };

  /// A task (coroutine) that appears in the window.
  struct task {
    std::uint64_t id = 0;         ///< the probe's task id; never 0
    std::uint64_t parent_id = 0;  ///< 0: spawned outside any task
    std::string name;
  };

  /// One poll: a resumption of `task_id` on `worker` from `begin_ns` to `end_ns`.
  /// Polls on one worker either follow each other or nest (a poll started inline inside
  /// another one).
  struct poll {
    unsigned worker = 0;
    std::uint64_t task_id = 0;
    std::uint64_t begin_ns = 0;
    std::uint64_t end_ns = 0;
  };

  /// One `TIMED_AWAIT`: from the `co_await` to the resumption after it.
  struct timed_await {
    std::uint64_t task_id = 0;
    std::string site;  ///< the site's name (`TIMED_AWAIT_AS`'s, or the expression text)
    std::string file;
    std::uint32_t line = 0;
    std::uint64_t begin_ns = 0;
    std::uint64_t end_ns = 0;
  };

  /// What made a task runnable.
  enum class waker_kind : std::uint8_t {
    task,     ///< code of a task (`waker_task_id`, possibly the wakee itself)
    io,       ///< an I/O completion (socket, descriptor, ...)
    timer,    ///< a timer expired
    outside,  ///< a post from a thread that was running no task
  };

  /// A task made runnable at `time_ns`.
  struct wake {
    std::uint64_t task_id = 0;  ///< the wakee
    std::uint64_t time_ns = 0;
    waker_kind waker = waker_kind::task;
    std::uint64_t waker_task_id = 0;  ///< when `waker == waker_kind::task`; else 0
  };

  /// A worker blocked waiting for work (parked) from `begin_ns`, woken at `end_ns`.
  struct park {
    unsigned worker = 0;
    std::uint64_t begin_ns = 0;
    std::uint64_t end_ns = 0;
  };

  /// A lint firing, an instant.
  struct lint {
    std::string name;           ///< long-poll, stuck, slow-await, ...
    std::uint64_t task_id = 0;  ///< 0: not about one task
    std::uint64_t time_ns = 0;
    std::string message;
  };

  /// A CPU sample taken on `worker` while `task_id` (0: none) was polled. The flight
  /// recorder has them while the CPU sampler runs.
  struct cpu_sample {
    std::uint64_t time_ns = 0;
    unsigned worker = 0;
    std::uint64_t task_id = 0;
    std::vector<frame> stack;  ///< leaf first, as a CPU profile's stacks are
  };

  /// What a counter point measures.
  enum class counter_kind : std::uint8_t {
    /// Tasks posted (made runnable) and not yet polled, counted on the worker that polled
    /// them: the most at once from this point to the next (a count).
    queue_depth,
    busy_ratio,  ///< share of the time from this point to the next the worker spent polling, 0..1
  };

  /// One value of a per-worker counter from `time_ns` on (to the next point of its kind).
  struct counter_point {
    counter_kind kind = counter_kind::queue_depth;
    unsigned worker = 0;
    std::uint64_t time_ns = 0;
    double value = 0;
  };

  std::string process_name;  ///< the service name; empty: "coroscope"
  std::int64_t pid = 0;      ///< 0 when unknown
  std::uint64_t begin_ns = 0;  ///< the window's start (before or at every event)
  std::uint64_t end_ns = 0;    ///< the window's end (after or at every event)
  /// Events the recorder lost in this window (its rings were full, its byte bound or its
  /// CPU samples' count bound evicted them while inside its time bound). Shown in the trace.
  std::uint64_t dropped_events = 0;
  /// Only what the recorder took in after a `timeline_cursor` (the console's live
  /// timeline): the window's older events are the asker's, those ending at or after
  /// `begin_ns` still in the window.
  bool partial = false;

  std::vector<worker> workers;
  std::vector<task> tasks;
  std::vector<poll> polls;
  std::vector<timed_await> awaits;
  std::vector<wake> wakes;
  std::vector<park> parks;
  std::vector<lint> lints;
  std::vector<cpu_sample> samples;
  std::vector<counter_point> counters;
};

/// Where a window ends in the recorder's stream of events. A window asked for with it
/// holds only what the recorder took in since (`timeline::partial`), so a live view need
/// not take the whole window each time. A default cursor asks for the whole window.
/// Opaque: valid only for the recorder that set it.
struct timeline_cursor {
  std::uint64_t events = 0;  ///< events taken in before it
  std::uint64_t lints = 0;   ///< lint firings taken in before it
  /// Nothing taken in yet: a request from here is for the whole window.
  bool at_start() const noexcept { return events == 0 && lints == 0; }
};

}  // namespace coroscope
