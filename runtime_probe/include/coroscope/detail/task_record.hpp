// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "coroscope/detail/asio_layout.hpp"
#include "coroscope/detail/await_site.hpp"

namespace coroscope::detail {

/// Kinds of asynchronous operations, from the object and operation names Asio's handler
/// tracking passes when an operation is created (classify_op).
enum class op_kind : std::uint8_t {
  other,
  socket_read,
  socket_write,
  socket_accept,
  socket_connect,
  socket_other,
  timer_wait,
  post,      ///< post / dispatch / defer / execute of a function or a continuation
  resolve,
  signal_wait,
  descriptor,
  channel,
  count_
};
inline constexpr unsigned kOpKinds = static_cast<unsigned>(op_kind::count_);
const char* to_string(op_kind kind) noexcept;

// String builtins, which the compiler evaluates for string literals.
[[gnu::always_inline]] inline bool name_is(const char* name, const char* text) noexcept {
  return name != nullptr && __builtin_strcmp(name, text) == 0;
}
[[gnu::always_inline]] inline bool name_starts(const char* name, const char* prefix) noexcept {
  return name != nullptr && __builtin_strncmp(name, prefix, __builtin_strlen(prefix)) == 0;
}

/// The kind of an operation from the names Asio gives it (BOOST_ASIO_HANDLER_CREATION's
/// object type and operation name). Asio passes string literals, so where the hook is
/// inlined the compiler works the kind out itself (op_kind_of).
[[gnu::always_inline]] inline op_kind classify_op(const char* object_type,
                                                  const char* op_name) noexcept {
  if (name_is(object_type, "socket")) {
    if (name_starts(op_name, "async_receive") || name_starts(op_name, "async_read"))
      return op_kind::socket_read;
    if (name_starts(op_name, "async_send") || name_starts(op_name, "async_write"))
      return op_kind::socket_write;
    if (name_is(op_name, "async_accept")) return op_kind::socket_accept;
    if (name_is(op_name, "async_connect")) return op_kind::socket_connect;
    return op_kind::socket_other;
  }
  if (name_is(object_type, "deadline_timer")) return op_kind::timer_wait;
  if (name_is(object_type, "signal_set")) return op_kind::signal_wait;
  if (name_is(object_type, "resolver")) return op_kind::resolve;
  if (name_is(object_type, "descriptor")) return op_kind::descriptor;
  if (name_is(object_type, "channel")) return op_kind::channel;
  if (name_is(op_name, "post") || name_is(op_name, "dispatch") || name_is(op_name, "defer") ||
      name_is(op_name, "execute"))
    return op_kind::post;
  return op_kind::other;
}

/// An operation on an I/O object (a socket, timer, resolver, signal set or descriptor):
/// the object's own completion wakes its task, and its cancel or close cuts it short.
constexpr bool on_io_object(op_kind kind) noexcept {
  switch (kind) {
    case op_kind::socket_read:
    case op_kind::socket_write:
    case op_kind::socket_accept:
    case op_kind::socket_connect:
    case op_kind::socket_other:
    case op_kind::timer_wait:
    case op_kind::resolve:
    case op_kind::signal_wait:
    case op_kind::descriptor: return true;
    default: return false;
  }
}

enum class record_state : std::uint32_t { free, created, live, completed, abandoned };

/// Where a worker's current-poll word keeps the polled task's slot + 1 (pack_current_poll).
inline constexpr unsigned kCurrentPollSlotShift = 40;

/// Return addresses of the code that spawned a task (innermost first), symbolized off the
/// hot path for its spawn site.
inline constexpr unsigned kSpawnFrames = 16;

/// Everything the hot path needs to know about one task. Records live in `task_pool`
/// slabs that are never freed, only recycled (the generation changes), so an operation
/// tagged with a task that has since ended reads a stale generation instead of freed
/// memory.
///
/// Threads: the counters are written by the thread polling the task (relaxed; Asio runs
/// one resumption of a coroutine at a time, and callbacks of one task rarely overlap: an
/// overlapping update may be lost, never torn). The collector reads the atomics and the
/// fields written before the spawn event (location, ids, root). The name is written at
/// spawn, or once later by the collector for a task nobody named while the task's own
/// sampler may read it: byte by byte through `store_name` and `copy_name`.
struct alignas(64) task_record {
  std::atomic<std::uint32_t> generation{0};
  std::atomic<record_state> state{record_state::free};
  std::uint16_t probe = 0;
  /// The coroutine's executor is not the io_context's own (a strand, a custom executor):
  /// Asio hands its completions to that executor, so an invocation may only forward.
  bool forwards = false;
  bool failed = false;  ///< ended with an exception (coroscope::co_spawn)
  std::uint32_t slot = 0;  ///< own index in the pool
  /// `(slot + 1) << kCurrentPollSlotShift`: the high half of the word a worker polling
  /// this task stores (worker_slot::current_poll), kept ready for the hot path.
  std::uint64_t current_poll_high = 0;
  std::uint64_t id = 0;
  std::uint64_t parent_id = 0;
  /// The parent's record while it is the parent's (`parent_generation`), null without one.
  task_record* parent = nullptr;
  std::uint32_t parent_generation = 0;
  /// Asio's entry-point frame of the task's coroutine thread: its identity and the root of
  /// its async stack. Set at spawn, cleared at its end.
  std::atomic<const void*> root{nullptr};
  /// Installed on the root frame's executor: tells the probe when the root frame goes.
  task_end_hook end_hook{};

  // Written by the polling thread.
  std::atomic<std::uint64_t> polls{0};
  std::atomic<std::uint64_t> poll_begins{0};  ///< seqlock for the sampler's async-stack walk
  /// The highest `poll_begins` whose poll has ended: lower while a poll of the task is
  /// under way, which a dump's walk of its frames waits out (task_walk.cpp).
  std::atomic<std::uint64_t> ended_begins{0};
  std::atomic<std::int16_t> last_worker{-1};
  std::atomic<std::uint64_t> self_wakes{0};
  std::atomic<std::uint64_t> migrations{0};
  std::atomic<std::uint64_t> last_poll_end{0};   ///< coarse clock sequence (g_coarse_clock)
  /// `poll_begins + 1` when a continuation of the task was last made runnable (posted):
  /// while it still equals `poll_begins + 1`, no poll has begun since, so the task is
  /// scheduled (0: never).
  std::atomic<std::uint64_t> wake_mark{0};
  std::atomic<std::uintptr_t> entry_fn{0};       ///< resume function of the task's coroutine
  /// The innermost TIMED_AWAIT the task is inside, and the coarse clock sequence it began
  /// at: where a dump and the slow-await lint say it waits. Written by `await_timer` only.
  std::atomic<const await_site*> awaiting{nullptr};
  std::atomic<std::uint64_t> awaiting_since{0};
  std::array<std::atomic<std::uint32_t>, kOpKinds> ops{};  ///< operations started, by kind

  std::uintptr_t spawn_pcs[kSpawnFrames] = {};
  const char* spawn_file = "";
  const char* spawn_function = "";
  std::uint32_t spawn_line = 0;
  std::atomic<std::uint32_t> next_free{0};  ///< free-list link (slot + 1), pool internal
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

  std::string_view name_view() const noexcept { return name; }

  /// Names the task; `text` is cut to fit. Relaxed byte stores: a concurrent `copy_name`
  /// sees the old name, the new one or a mix, never a torn byte.
  void store_name(std::string_view text) noexcept {
    const std::size_t n = text.size() < sizeof(name) - 1 ? text.size() : sizeof(name) - 1;
    for (std::size_t i = 0; i < sizeof(name); ++i)
      std::atomic_ref<char>(name[i]).store(i < n ? text[i] : '\0', std::memory_order_relaxed);
  }
  /// The first `size - 1` bytes of the name and a terminating NUL into `out`; safe in a
  /// signal handler and beside `store_name`.
  void copy_name(char* out, std::size_t size) const noexcept {
    if (size == 0) return;
    char* bytes = const_cast<char*>(name);  // atomic_ref needs a non-const referent
    for (std::size_t i = 0; i + 1 < size && i < sizeof(name); ++i)
      out[i] = std::atomic_ref<char>(bytes[i]).load(std::memory_order_relaxed);
    out[size - 1 < sizeof(name) ? size - 1 : sizeof(name) - 1] = '\0';
  }
};

/// A continuation of `t` is runnable and no poll has begun since (see wake_mark).
inline bool wake_pending(const task_record& t) noexcept {
  return t.wake_mark.load(std::memory_order_relaxed) ==
         t.poll_begins.load(std::memory_order_relaxed) + 1;
}

/// Queued as unreported: it must not be released (and reused) while linked there or while
/// the collector owns its release.
inline bool record_in_use(const task_record& r) noexcept {
  return r.unreported.load(std::memory_order_acquire);
}

/// Where a task was spawned, as the probe's callers know it (no std::source_location here:
/// every translation unit that includes Asio includes this header, some built by compilers
/// without it).
struct code_site {
  const char* file = "";
  std::uint32_t line = 0;
  const char* function = "";
};

/// Process-wide pool of task records: lock-free acquire/release, slabs of 1024 records
/// allocated on demand (up to 4M live records), never returned to the OS.
namespace task_pool {
/// A fresh record in state `created`, or nullptr when the pool is exhausted.
task_record* acquire(std::uint16_t probe, std::string_view name, const code_site& where,
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
