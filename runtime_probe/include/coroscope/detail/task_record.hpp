// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <atomic>
#include <cstdint>
#include <source_location>
#include <string_view>

namespace coroscope::detail {

/// Writes the code addresses of a task's awaiting coroutine frames, leaf first, into `out`
/// (at most `max`) and returns how many. Async-signal-safe.
using async_stack_walker = unsigned (*)(const void* root, std::uintptr_t* out,
                                        unsigned max) noexcept;

enum class record_state : std::uint32_t { free, created, live, completed };

/// Everything the hot path needs to know about one task. Records live in `task_pool`
/// slabs that are never freed, only recycled (the generation changes), so an executor copy
/// that outlives its task reads a stale generation instead of freed memory.
///
/// Threads: the trace fields are written only by the thread polling the task (one at a
/// time; Asio's queue orders them). The collector reads only the atomics and the fields
/// written before the spawn event (name, location, ids).
struct alignas(64) task_record {
  std::atomic<std::uint32_t> generation{0};
  std::atomic<record_state> state{record_state::free};
  std::atomic<std::int32_t> tracked_refs{0};  ///< outstanding-work copies of the executor
  void* io_context = nullptr;  ///< the boost::asio::io_context the task runs on
  std::uint16_t probe = 0;
  /// Relaxed atomics: branches of one task (awaitable operators) may poll it on two
  /// workers at once.
  std::atomic<std::int16_t> last_worker{-1};
  std::uint32_t slot = 0;  ///< own index in the pool
  std::uint64_t id = 0;
  std::uint64_t parent_id = 0;
  std::atomic<std::uint64_t> polls{0};
  std::atomic<std::uint64_t> last_wake_tick{0};
  std::atomic<std::uint64_t> last_poll_end_tick{0};
  std::atomic<std::uint64_t> last_poll_begin_tick{0};
  std::atomic<bool> self_woken{false};  ///< woken by itself during the current poll
  const char* spawn_file = "";
  const char* spawn_function = "";
  std::uint32_t spawn_line = 0;
  std::atomic<std::uint32_t> next_free{0};  ///< free-list link (slot + 1), pool internal
  bool failed = false;                      ///< ended with an exception (coroscope::co_spawn)
  /// Its completion event was dropped: the record went to `task_pool`'s unreported list
  /// (the link is that list's, slot + 1; 0: end), and stays flagged until the collector
  /// has taken it, or, for a task no aggregator knew, until it is released.
  std::atomic<bool> unreported{false};
  std::atomic<std::uint32_t> next_unreported{0};
  bool has_trace = false;
  std::uint8_t trace_flags = 0;
  std::uint8_t trace_id[16] = {};
  std::uint8_t span_id[8] = {};
  char name[64] = {};
  /// Async (logical) stack: the root of the task's coroutine chain (Asio's entry-point
  /// frame), the walker that reads it, and the executor copy living in that frame: its
  /// destructor clears the root before the frame's memory goes. Written and read only by
  /// the thread polling the task (the sampler's signal handler runs on it too).
  std::atomic<const void*> async_root{nullptr};
  std::atomic<const void*> async_root_owner{nullptr};
  std::atomic<async_stack_walker> async_walker{nullptr};

  std::string_view name_view() const noexcept { return name; }
};

/// True while the task may still touch its completed record: tracked copies of its
/// executor (a saved executor used again), or a poll of it still running.
inline bool record_busy(const task_record& r) noexcept {
  return r.tracked_refs.load(std::memory_order_acquire) > 0 ||
         r.last_poll_begin_tick.load(std::memory_order_acquire) >
             r.last_poll_end_tick.load(std::memory_order_acquire);
}

/// `record_busy`, or queued as unreported (it must not be released, and reused, while
/// linked there or while the collector owns its release).
inline bool record_in_use(const task_record& r) noexcept {
  return record_busy(r) || r.unreported.load(std::memory_order_acquire);
}

/// The probe is going away while the task still has tracked executor copies: give back
/// the io_context work the task holds (later releases of those copies see a new generation
/// and do nothing).
void abandon_task_work(task_record& t) noexcept;

/// Process-wide pool of task records: lock-free acquire/release, slabs of 1024 records
/// allocated on demand (up to 4M live records), never returned to the OS.
namespace task_pool {
/// A fresh record in state `created`, or nullptr when the pool is exhausted.
task_record* acquire(std::uint16_t probe, std::string_view name, const std::source_location& loc,
                     std::uint32_t* slot_out) noexcept;
/// Returns a completed record to the pool (collector only, after retention).
void release(std::uint32_t slot) noexcept;
task_record& at(std::uint32_t slot) noexcept;
/// A completed task whose completion event was dropped (full ring): queues its record for
/// the collector, which would otherwise never learn that it ended, nor release it. Any
/// thread; lock-free (one CAS), only on this rare path.
void push_unreported(task_record& t) noexcept;
/// Collector only: takes the whole unreported list. Returns its first record (nullptr when
/// empty); `next_unreported` walks it. Each record stays `unreported` until the caller
/// clears the flag.
task_record* take_unreported() noexcept;
task_record* next_unreported(const task_record& t) noexcept;
/// Records handed out and not yet released.
std::size_t in_use() noexcept;
/// Slots ever created (memory high-water mark, in records).
std::size_t capacity() noexcept;
}  // namespace task_pool

}  // namespace coroscope::detail
