// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Reading Asio 1.81's coroutine frames (boost/asio/impl/awaitable.hpp). A task's coroutines
// form one "awaitable thread":
//
//   entry-point frame (co_spawn's)          <- root: u_.executor_ holds the task executor,
//     top_of_stack_ ----------------+          has_context_switched_ is what TIMED_AWAIT
//                                   |          gets a reference to
//   accept_loop frame  <--caller_-- handle_request frame <--caller_-- parse_body frame
//                                                                      ^ top_of_stack_
//
// Each frame is an awaitable_frame_base whose coro_ is the coroutine handle; the first
// word of a GCC/Clang coroutine frame is its resume function, which symbolizes to the
// coroutine. Walking top_of_stack_ -> caller_ until the root gives the logical stack, leaf
// first. The members are private, so we name them through explicit instantiation, where
// access checking does not apply ([temp.spec.general]).
#include "coroscope/detail/async_stack.hpp"

#if COROSCOPE_ASYNC_STACKS
#include <cstddef>
#include <new>

#include <boost/asio/awaitable.hpp>

#include "coroscope/task_executor.hpp"

namespace coroscope::detail {
namespace {

using executor = boost::asio::any_io_executor;
using frame_base = boost::asio::detail::awaitable_frame_base<executor>;
using entry_frame = boost::asio::detail::awaitable_frame<
    boost::asio::detail::awaitable_thread_entry_point, executor>;

template <typename Tag, auto Member>
struct expose {
  friend constexpr auto member(Tag) noexcept { return Member; }
};

// One tag per private member; `member(tag)` is defined by the instantiations below.
struct top_of_stack_tag {
  friend constexpr auto member(top_of_stack_tag) noexcept;
};
struct context_switched_tag {
  friend constexpr auto member(context_switched_tag) noexcept;
};
struct executor_union_tag {
  friend constexpr auto member(executor_union_tag) noexcept;
};
struct caller_tag {
  friend constexpr auto member(caller_tag) noexcept;
};
struct coro_tag {
  friend constexpr auto member(coro_tag) noexcept;
};

template struct expose<top_of_stack_tag, &entry_frame::top_of_stack_>;
template struct expose<context_switched_tag, &entry_frame::has_context_switched_>;
template struct expose<executor_union_tag, &entry_frame::u_>;
template struct expose<caller_tag, &frame_base::caller_>;
template struct expose<coro_tag, &frame_base::coro_>;

// Our executors fit any_io_executor's inline storage, so the copy target<>() finds lives
// inside the root frame and dies with it.
static_assert(sizeof(task_executor) <= 3 * sizeof(void*));

std::ptrdiff_t context_switched_offset() noexcept {
  alignas(entry_frame) static unsigned char storage[sizeof(entry_frame)];
  const auto* frame = reinterpret_cast<const entry_frame*>(storage);
  return reinterpret_cast<const unsigned char*>(&(frame->*member(context_switched_tag{}))) -
         storage;
}

const entry_frame* root_from_flag(const bool* flag) noexcept {
  static const std::ptrdiff_t offset = context_switched_offset();
  return reinterpret_cast<const entry_frame*>(reinterpret_cast<const unsigned char*>(flag) -
                                              offset);
}

// The task executor copy inside the root frame, when the frame runs `task`'s coroutines.
template <typename TaskExecutor>
const void* owner_in(const executor& ex, const task_record* task) noexcept {
  const auto* target = ex.target<TaskExecutor>();
  if (target && target->task_record() == task &&
      target->task_generation() == task->generation.load(std::memory_order_relaxed))
    return target;
  return nullptr;
}

}  // namespace

void capture_async_root(task_record* task, const bool* context_switched_flag) noexcept {
  const entry_frame* root = root_from_flag(context_switched_flag);
  const executor& ex = (root->*member(executor_union_tag{})).executor_;
  const void* owner = owner_in<task_executor>(ex, task);
  if (!owner)
    owner = owner_in<basic_task_executor<boost::asio::io_context::executor_type, true>>(ex, task);
  if (!owner) return;  // a coroutine chain that is not the task's own (e.g. on a strand)
  task->async_walker.store(&walk_async_stack, std::memory_order_relaxed);
  task->async_root_owner.store(owner, std::memory_order_relaxed);
  task->async_root.store(root, std::memory_order_relaxed);
}

// A coroutine_handle is the frame's address and nothing else.
static_assert(sizeof(std::coroutine_handle<void>) == sizeof(void*));

// Not instrumented: the caller (the sampler's signal handler) validates the walk after the
// fact, since another worker may resume the task and free frames of this chain while it
// runs (fill_sample_context in runtime_probe/src/sample_context.cpp). Every read is a
// plain load in this function, none in an out-of-line (instrumented) helper.
__attribute__((no_sanitize("address", "undefined", "thread")))
unsigned walk_async_stack(const void* root, std::uintptr_t* out, unsigned max) noexcept {
  const auto* entry = static_cast<const entry_frame*>(root);
  const frame_base* base = entry;
  const frame_base* frame = entry->*member(top_of_stack_tag{});
  unsigned n = 0;
  // A signal may land mid-push/pop, or the chain may change under us (see above): stop at
  // anything odd rather than trust it.
  while (frame && frame != base && n < max) {
    if (reinterpret_cast<std::uintptr_t>(frame) % alignof(frame_base) != 0) break;
    const void* coroutine =
        *reinterpret_cast<const void* const*>(&(frame->*member(coro_tag{})));
    if (!coroutine) break;
    const auto resume_fn = *static_cast<const std::uintptr_t*>(coroutine);
    if (resume_fn == 0) break;
    out[n++] = resume_fn;
    const frame_base* caller = frame->*member(caller_tag{});
    if (caller == frame) break;
    frame = caller;
  }
  return n;
}

}  // namespace coroscope::detail

#else

namespace coroscope::detail {
void capture_async_root(task_record*, const bool*) noexcept {}
unsigned walk_async_stack(const void*, std::uintptr_t*, unsigned) noexcept { return 0; }
}  // namespace coroscope::detail

#endif
