// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>

namespace coroscope::detail {

struct task_record;

/// Where Boost.Asio 1.81 keeps what the hooks read in a coroutine "thread" (an
/// `awaitable_thread` of `any_io_executor`), measured once by asio_frames.cpp (the members
/// are private; see docs/ARCHITECTURE.md, "Recording"):
///
///   entry-point frame ("root": one per co_spawn, the task's identity)
///     u_.executor_ ── any_io_executor ── object_fns_ ──► coroscope's table inside the
///                                                        task_record (task_end_hook)
///     top_of_stack_ ──► leaf frame ─caller_─► ... ─caller_─► root
///   each frame: coro_ (coroutine handle), attached_thread_ (the awaitable_thread while it
///   runs), caller_
struct asio_layout {
  std::ptrdiff_t frame_thread = 0;  ///< awaitable_frame_base::attached_thread_
  std::ptrdiff_t thread_root = 0;   ///< awaitable_thread::bottom_of_stack_ (its frame pointer)
  std::ptrdiff_t root_fns = 0;      ///< root frame -> u_.executor_.object_fns_
  std::ptrdiff_t frame_caller = 0;  ///< awaitable_frame_base::caller_
  std::ptrdiff_t frame_coro = 0;    ///< awaitable_frame_base::coro_
  std::ptrdiff_t root_top = 0;      ///< root frame -> top_of_stack_
};

/// Zero until the first probe measures it (`measure_asio_layout`); the hooks read frames
/// only while a probe exists.
extern asio_layout g_asio_layout;
void measure_asio_layout() noexcept;

/// The executor function table coroscope installs on a task's root executor: Asio's
/// table for that executor type, with `destroy` replaced so that the root frame's
/// destruction (the task's end) is seen. Lives inside the task record.
struct task_end_hook {
  void (*destroy)(void*);
  void (*copy)(void*, const void*);
  void (*move)(void*, void*);
  const void* (*target)(const void*);
  const void* original;  ///< Asio's table
  task_record* task;     ///< the record this hook lives in
};

/// The `destroy` entry of every `task_end_hook`: how a table is recognised as ours.
extern const void* const g_task_end_destroy;

/// The table installed on the executor in the root frame `root`, or nullptr when
/// coroscope does not track that coroutine thread. Reads two words; safe for any live
/// root frame of an `any_io_executor` coroutine.
[[gnu::always_inline]] inline const task_end_hook* end_hook_of_root(const void* root) noexcept {
  const auto* hook = *reinterpret_cast<const task_end_hook* const*>(
      static_cast<const char*>(root) + g_asio_layout.root_fns);
  if (hook == nullptr || reinterpret_cast<const void*>(hook->destroy) != g_task_end_destroy)
    return nullptr;
  return hook;
}

/// Installs `hook` (inside the task's record) on the executor of root frame `root`; false
/// when that executor is empty or hooked already. Only by the thread that owns the root
/// frame, before anything else may copy its executor (at spawn).
bool install_end_hook(const void* root, task_end_hook& hook) noexcept;

/// Called by the hooked executor's destruction: the root frame of `t` is going away.
void on_task_end(task_record& t) noexcept;

/// The root frame of the coroutine thread `frame` (an awaitable_frame_base of
/// any_io_executor) is attached to, or nullptr when it is not running.
[[gnu::always_inline]] inline const void* root_of_frame(const void* frame) noexcept {
  const auto* thread = *reinterpret_cast<const char* const*>(
      static_cast<const char*>(frame) + g_asio_layout.frame_thread);
  if (thread == nullptr) return nullptr;
  return *reinterpret_cast<const void* const*>(thread + g_asio_layout.thread_root);
}

/// Whether the coroutine thread rooted at `root` has returned from its task's coroutine:
/// nothing above the root (co_spawn's entry point) is left, which goes on to run the
/// spawn's completion handler. Only for a thread running on the calling one (its frames are
/// still).
[[gnu::always_inline]] inline bool own_coroutine_returned(const void* root) noexcept {
  const void* top = *reinterpret_cast<const void* const*>(static_cast<const char*>(root) +
                                                         g_asio_layout.root_top);
  return top == root || top == nullptr;
}

/// The address of the executor (an any_io_executor) kept in root frame `root`.
const void* executor_in_root(const void* root) noexcept;

/// Writes the resume-function addresses of the coroutine chain rooted at `root`, leaf
/// first (each symbolizes to its coroutine), into `out` (at most `max`); returns how many.
/// Async-signal-safe; reads frames without trusting them (see sample_context.cpp).
unsigned walk_async_stack(const void* root, std::uintptr_t* out, unsigned max) noexcept;

/// The same from the root alone, walking down from its top of stack: only while the
/// chain runs on the calling thread.
std::uintptr_t entry_function_of_root(const void* root) noexcept;

/// The resume function of the outermost coroutine of the chain that `frame` (the frame of
/// Asio's initiating coroutine, at a suspension) belongs to, the one just above the root:
/// the task's entry function. 0 when not found.
std::uintptr_t entry_function_of(const void* frame, const void* root) noexcept;

}  // namespace coroscope::detail
