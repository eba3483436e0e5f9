// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "sample_context.hpp"

#include <atomic>
#include <cstring>

#include "coroscope/detail/asio_layout.hpp"
#include "coroscope/detail/thread_state.hpp"

namespace coroscope::detail {

// Runs inside the sampler's signal handler on the interrupted thread: reads only this
// thread's state and the record of the task it is polling.
void fill_sample_context(sampling::sample_context& context) noexcept {
  const thread_state& st = t_state;
  context.worker = st.worker_index;
  const task_record* task = st.ctx.current_task;
  if (task == nullptr) return;
  context.task_id = task->id;
  task->copy_name(context.task_name, sizeof(context.task_name));
  if (context.task_name[0] == '\0') context.entry_fn = task->entry_fn.load(std::memory_order_relaxed);
  if (task->has_trace) {
    context.has_trace = true;
    std::memcpy(context.trace_id, task->trace_id, sizeof(context.trace_id));
    std::memcpy(context.span_id, task->span_id, sizeof(context.span_id));
  }
  const void* root = task->root.load(std::memory_order_relaxed);
  if (!root) return;
  // This thread may still be inside its poll of the task while another worker already
  // resumes it (the task was started inline by a nested poll, or the operation it awaits
  // completed elsewhere before this poll returned): the coroutine chain then changes, and
  // frames of it are freed, under the walk. So walk only while this worker is the task's
  // latest poller, and keep the result only if no poll began elsewhere meanwhile (a
  // seqlock on `poll_begins`; the walk reads a stale frame without trusting it, see
  // asio_frames.cpp and docs/ARCHITECTURE.md).
  const std::uint64_t polls = task->poll_begins.load(std::memory_order_acquire);
  if (task->last_worker.load(std::memory_order_relaxed) != st.worker_index) return;
  const unsigned depth = walk_async_stack(root, context.async_pcs, sampling::kMaxAsyncFrames);
  std::atomic_thread_fence(std::memory_order_acquire);
  if (task->poll_begins.load(std::memory_order_relaxed) != polls ||
      task->last_worker.load(std::memory_order_relaxed) != st.worker_index)
    return;
  context.async_depth = static_cast<std::uint16_t>(depth);
}

}  // namespace coroscope::detail
