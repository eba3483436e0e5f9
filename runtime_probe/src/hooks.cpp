// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The slow paths of the Asio hooks (asio_hooks.hpp, poll_hooks.hpp): a coroutine thread
// becoming a task, a task ending, polls Asio ran without an invocation hook, and the
// timing samples.
#include <atomic>
#include <cstring>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/strand.hpp>

#include "coroscope/detail/asio_hooks.hpp"
#include "coroscope/detail/spawn_request.hpp"
#include "coroscope/detail/task_record.hpp"
#include "coroscope/task_executor.hpp"
#include "probe_registry.hpp"

namespace coroscope::detail {

std::atomic<int> g_live_probes{0};
std::atomic<int> g_flight_recorders{0};
coarse_clock g_coarse_clock;

namespace {

std::atomic<std::uint64_t> g_untracked_spawns{0};

/// The executor in a root frame (any_io_executor coroutine threads only).
const boost::asio::any_io_executor& root_executor(const void* root) noexcept;

/// Return addresses of the calling code, innermost first, by its frame pointers (coroscope
/// and its users build with -fno-omit-frame-pointer). Stops at anything that does not look
/// like a frame further up this thread's stack.
unsigned caller_pcs(std::uintptr_t* out, unsigned max) noexcept {
  auto* fp = static_cast<std::uintptr_t*>(__builtin_frame_address(0));
  unsigned n = 0;
  while (fp && n < max) {
    const std::uintptr_t ret = fp[1];
    auto* next = reinterpret_cast<std::uintptr_t*>(fp[0]);
    if (ret == 0) break;
    out[n++] = ret;
    if (next <= fp || reinterpret_cast<std::uintptr_t>(next) - reinterpret_cast<std::uintptr_t>(fp) > (1u << 20) ||
        reinterpret_cast<std::uintptr_t>(next) % alignof(std::uintptr_t) != 0)
      break;
    fp = next;
  }
  return n;
}

/// Where `t` is being spawned, for its site (symbolized off the hot path): the return
/// addresses of this thread's stack. But inside the initiation of an await of the running
/// task (`co_await co_spawn(ex, f(), use_awaitable)`, a parallel group's deferred spawns:
/// the task initiates, and its coroutine ran) that stack holds only Asio's frames and the
/// run loop's caller, so the task's coroutine chain comes first: each coroutine's resume
/// function, leaf first, plus one, as a return address into its first instruction would
/// read (the site is then the awaiting coroutine, at its opening line); the stack's
/// addresses follow. Not for a coroutine that co_spawn started inline and that spawns
/// before it first waits: co_spawn's initiation is its own, and its frame is on the stack.
void note_spawn_site(task_record& t, const poll_context& ctx) noexcept {
  const task_record* awaiting = ctx.initiating;
  const void* root = awaiting != nullptr && awaiting == ctx.current_task && ctx.ran
                         ? awaiting->root.load(std::memory_order_relaxed)
                         : nullptr;
  const unsigned n = root ? walk_async_stack(root, t.spawn_pcs, kSpawnFrames / 2) : 0;
  for (unsigned i = 0; i < n; ++i) ++t.spawn_pcs[i];
  caller_pcs(t.spawn_pcs + n, kSpawnFrames - n);
}

void note_poll(task_record& t, std::int16_t worker) noexcept {
  t.polls.store(t.polls.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  if (t.last_worker.load(std::memory_order_relaxed) != worker)
    t.last_worker.store(worker, std::memory_order_relaxed);
  t.last_poll_end.store(g_coarse_clock.read_seq(), std::memory_order_relaxed);
}

}  // namespace

std::uint64_t untracked_spawns() noexcept {
  return g_untracked_spawns.load(std::memory_order_relaxed);
}

task_record* on_spawn(const void* root) noexcept {
  thread_state& st = t_state;
  spawn_request* request = st.pending_spawn.pending ? &st.pending_spawn : nullptr;
  st.pending_spawn.pending = false;  // for this co_spawn only
  const boost::asio::any_io_executor& ex = root_executor(root);
  boost::asio::execution_context* context = nullptr;
  try {
    context = &boost::asio::query(ex, boost::asio::execution::context);
  } catch (...) {
    return nullptr;
  }
  const probe_registry::entry probe = probe_registry::for_context(context);
  if (!probe.workers) return nullptr;

  // coroscope::co_spawn names it; probe.executor(name) made the record already; otherwise
  // it is named after its coroutine once that first suspends.
  task_record* t = nullptr;
  std::uint32_t slot = 0;
  if (request)
    t = task_pool::acquire(probe.id, {request->name, request->name_size}, request->where, &slot);
  else if (const auto* named = ex.target<task_executor>())
    t = named->claim_record();
  else if (const auto* stranded = ex.target<boost::asio::strand<task_executor>>())
    t = stranded->get_inner_executor().claim_record();
  if (!t && !request) t = task_pool::acquire(probe.id, {}, {}, &slot);
  if (!t) {
    g_untracked_spawns.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  t->end_hook.task = t;
  if (!install_end_hook(root, t->end_hook)) {
    task_pool::release(t->slot);
    g_untracked_spawns.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  t->root.store(root, std::memory_order_relaxed);
  t->forwards = ex.target<boost::asio::io_context::executor_type>() == nullptr;
  task_record* parent = st.ctx.active_frame != nullptr
                            ? st.ctx.active_frame->spawning_task(st.ctx.current_task)
                            : st.ctx.current_task;
  t->parent_id = parent ? parent->id : 0;
  t->parent = parent;
  t->parent_generation = parent ? parent->generation.load(std::memory_order_relaxed) : 0;
  if (!request) note_spawn_site(*t, st.ctx);
  t->state.store(record_state::live, std::memory_order_release);
  emit_event(make_spawn_event(source_of(*t), {t->parent_id, ticks()}));
  return t;
}

void on_task_end(task_record& t) noexcept {
  thread_state& st = t_state;
  if (&t == st.ctx.current_task)
    st.ctx.ran = true;
  // Else its handler, posted by other code, runs here (this invocation becomes its last
  // poll), or Asio resumed it inline inside another task's poll, and it ended.
  else if (!adopted_by_innermost_frame(t) && st.ctx.current_task != nullptr)
    count_inline_poll(t);
  t.root.store(nullptr, std::memory_order_relaxed);
  record_state expected = record_state::live;
  if (t.state.compare_exchange_strong(expected, record_state::completed,
                                      std::memory_order_acq_rel)) {
    // Dropped (full ring): without its end the record would never go back to the pool.
    if (!emit_event(make_complete_event(source_of(t), {ticks(), t.failed})))
      task_pool::push_unreported(t);
  } else if (expected == record_state::abandoned) {
    // Its probe has gone: the collector releases the record (it knows no such probe).
    task_pool::push_unreported(t);
  }
}

void note_running_entry_function(task_record& t) noexcept {
  if (const void* root = t.root.load(std::memory_order_relaxed))
    if (const std::uintptr_t fn = entry_function_of_root(root))
      t.entry_fn.store(fn, std::memory_order_relaxed);
}

void count_inline_poll(task_record& t) noexcept {
  const thread_state& st = t_state;
  note_poll(t, st.worker_index);
  // Before Asio detaches the coroutine thread again: a dump's walk that sees it detached
  // sees this count too (still_as_walked reads the leaf first).
  std::atomic_thread_fence(std::memory_order_release);
  if (st.worker) bump(st.worker->polls);
}

void end_inline_first_poll(task_record& t, std::uint64_t begin) noexcept {
  count_inline_poll(t);
  const thread_state& st = t_state;
  if (begin == 0 || !st.worker) return;
  event_source from = source_of(&t);
  from.probe = st.probe;  // the worker's
  emit_event(make_poll_event(from, {0, begin, ticks(), static_cast<std::uint8_t>(op_kind::other)},
                             static_cast<std::uint8_t>(flag_nested | flag_first_poll)));
}

void note_steal(worker_slot& w, std::int16_t from) noexcept {
  bump(from < 0 ? w.remote : w.steals);
}

void note_migration(task_record& t, worker_slot* w) noexcept {
  bump(t.migrations);
  if (w) bump(w->migrations);
}

void note_wake(task_record& t, const task_record& waker, std::uint64_t tick) noexcept {
  if (g_flight_recorders.load(std::memory_order_relaxed) == 0) return;
  emit_event(make_wake_event(source_of(t), {tick != 0 ? tick : ticks(), waker.id}));
}

bool adopted_by_innermost_frame(task_record& t) noexcept {
  poll_frame* frame = t_state.ctx.active_frame;
  return frame != nullptr && (frame->adopt(t) || frame->adopt_completion(t));
}

bool poll_frame::adopt(task_record& t) noexcept {
  thread_state& st = t_state;
  if (st.ctx.active_frame != this || typed_ || st.ctx.ran || task_ == &t) return false;
  task_record* poster = task_;  // the task whose code posted it (the tag's), if any
  if (poster) mark_poll_ended(*poster, begins_);  // `begin` counted this as its poll
  become_poll_of(t);
  // Inside the poster's poll when the post was timed (a recorder times every operation).
  if (poster != nullptr && poster != &t)
    note_wake(t, *poster, (tag_->flags & op_sampled) != 0 ? tag_->tick : 0);
  return true;
}

bool poll_frame::adopt_completion(task_record& t) noexcept {
  thread_state& st = t_state;
  task_record* ended = task_;
  if (st.ctx.active_frame != this || ended == nullptr || ended == &t ||
      st.ctx.current_task != ended || !runs_coroutine_of(ended))
    return false;
  if (const void* root = ended->root.load(std::memory_order_relaxed))
    if (!own_coroutine_returned(root)) return false;
  mark_poll_ended(*ended, begins_);  // its last poll: its end counts it (on_task_end)
  typed_ = false;  // `t`'s coroutine thread is not this invocation's (runs_coroutine_of)
  become_poll_of(t);
  note_wake(t, *ended);
  return true;
}

bool poll_frame::was_poll_without_running(task_record* t) noexcept {
  task_record* const poller = prev_.current_task;
  const bool other_poller = poller != nullptr && poller != t;
  const bool handed_on = t != nullptr && ((tag_->flags & op_dispatcher) != 0 ||
                                          (typed_ && (t->forwards || other_poller)));
  if (!handed_on) return typed_ || !had_nested_;
  t->wake_mark.store(begins_ + 1, std::memory_order_relaxed);
  if (other_poller) note_wake(*t, *poller);
  return false;
}

void poll_frame::become_poll_of(task_record& t) noexcept {
  thread_state& st = t_state;
  task_ = &t;
  st.ctx.current_task = &t;
  st.ctx.ran = true;  // its coroutine runs here: its frames are still
  if (t.entry_fn.load(std::memory_order_relaxed) == 0) note_running_entry_function(t);
  begin_task_poll(t, st.worker_index);
  if (st.worker && !prev_.current_task)
    st.worker->current_poll.store(current_poll_of(seq_, &t), std::memory_order_relaxed);
}

task_record* poll_frame::spawning_task(task_record* current) noexcept {
  if (current == nullptr || !runs_coroutine_of(current)) return current;
  task_record* parent = current->parent;
  if (parent != nullptr &&
      parent->generation.load(std::memory_order_relaxed) == current->parent_generation &&
      adopt_completion(*parent))
    return parent;
  // A coroutine whose suspensions Asio's hooks do not see (it awaits deferred operations,
  // as an awaitable operator does) is named as it spawns.
  if (current->entry_fn.load(std::memory_order_relaxed) == 0)
    note_running_entry_function(*current);
  return current;
}

bool take_completion(op_tag& tag, const op_tag& from) noexcept {
  tag.flags |= op_handed_on;
  if (!on_io_object(static_cast<op_kind>(from.kind))) return false;  // posts, channels: their own wakes
  tag.kind = from.kind;
  tag.flags = static_cast<std::uint8_t>((tag.flags & ~op_sampled) | (from.flags & op_sampled));
  if (from.flags & op_sampled) tag.tick = from.tick;
  return true;
}

void on_object_operation(const void* object, const char* op_name) noexcept {
  if (g_flight_recorders.load(std::memory_order_relaxed) == 0) return;
  const task_record* t = t_state.ctx.current_task;
  if (t == nullptr || op_name == nullptr) return;
  // A timer's cancel_one wakes its oldest wait; cancel and close (a socket's, an
  // acceptor's, a destructor's) wake every wait on the object.
  const bool one = std::strcmp(op_name, "cancel_one") == 0;
  if (!one && std::strcmp(op_name, "cancel") != 0 && std::strcmp(op_name, "close") != 0) return;
  emit_event(make_object_cancel_event(source_of(*t), {ticks(), object, !one}));
}

void sample_op(op_tag& tag, const void* object, std::uintmax_t native_handle) noexcept {
  thread_state& st = t_state;
  st.op_countdown = next_countdown(st);
  tag.flags |= op_sampled;
  tag.tick = ticks();
  const event_source from = source_of(tagged_task(tag));
  if (from.probe == 0) return;
  emit_event(make_op_start_event(
      from, {tag.tick, object, native_handle, static_cast<std::uint8_t>(tag.kind)}));
}

void on_descriptor_closed(const void* context, std::uintmax_t native_handle) noexcept {
  const probe_registry::entry probe = probe_registry::for_context(context);
  if (!probe.workers) return;
  emit_event(make_resource_closed_event({probe.id, t_state.worker_index}, {native_handle}));
}

void end_timed_poll(task_record* t, const op_tag& tag, std::uint64_t begin, bool nested,
                    bool first) noexcept {
  const std::uint64_t end = ticks();
  thread_state& st = t_state;
  adapt_interval(st, end - begin);
  event_source from = source_of(t);
  from.probe = st.probe;  // the worker's: its busy time
  const auto flags = static_cast<std::uint8_t>((nested ? flag_nested : 0) |
                                               (first ? flag_first_poll : 0) |
                                               (tag.flags & op_self_wake ? flag_self_wake : 0));
  const std::uint64_t wake = (tag.flags & op_sampled) ? tag.tick : 0;
  emit_event(make_poll_event(from, {wake, begin, end, static_cast<std::uint8_t>(tag.kind)}, flags));
}

void emit_long_poll(task_record* t, std::uint64_t begin_seq, std::uint64_t end) noexcept {
  const coarse_clock::span span = g_coarse_clock.bounds(begin_seq, end);
  if (span.high == 0) return;
  thread_state& st = t_state;
  // Polls here are long now: time the next ones exactly.
  if (g_fixed_timing_interval.load(std::memory_order_relaxed) == 0) {
    st.interval = 1;
    st.poll_countdown = 1;
    st.timed_ewma = span.low;
  }
  event_source from = source_of(t);
  from.probe = st.probe;  // the worker's: its busy time
  emit_event(make_long_poll_event(from, {span.low, span.high, end}));
}

std::atomic<std::uint64_t> g_sampling_target_ticks{0};
std::atomic<std::uint32_t> g_fixed_timing_interval{0};

void adapt_interval(thread_state& st, std::uint64_t length) noexcept {
  if (const std::uint32_t fixed = g_fixed_timing_interval.load(std::memory_order_relaxed)) {
    st.interval = fixed;
    return;
  }
  // A running mean over about 8 timed polls, then the interval that keeps the cost of
  // timing near 1% of the polls' time. Powers of two, 1 to kMaxInterval.
  st.timed_ewma = st.timed_ewma == 0 ? length : st.timed_ewma - st.timed_ewma / 8 + length / 8;
  const std::uint64_t mean = st.timed_ewma | 1;
  std::uint32_t interval = 1;
  const std::uint64_t target = g_sampling_target_ticks.load(std::memory_order_relaxed);
  while (interval < kMaxInterval && mean * interval * 2 <= target) interval *= 2;
  st.interval = interval;
}

void restart_timing(thread_state& st) noexcept {
  const std::uint32_t fixed = g_fixed_timing_interval.load(std::memory_order_relaxed);
  st.interval = fixed ? fixed : 1;  // adaptive: time everything until the first means
  st.timed_ewma = 0;
  st.poll_countdown = next_countdown(st);
  st.op_countdown = next_countdown(st);
  st.await_countdown = next_countdown(st);
}

const char* to_string(op_kind kind) noexcept {
  switch (kind) {
    case op_kind::socket_read: return "socket_read";
    case op_kind::socket_write: return "socket_write";
    case op_kind::socket_accept: return "socket_accept";
    case op_kind::socket_connect: return "socket_connect";
    case op_kind::socket_other: return "socket_other";
    case op_kind::timer_wait: return "timer_wait";
    case op_kind::post: return "post";
    case op_kind::resolve: return "resolve";
    case op_kind::signal_wait: return "signal_wait";
    case op_kind::descriptor: return "descriptor";
    case op_kind::channel: return "channel";
    case op_kind::other:
    case op_kind::count_: break;
  }
  return "other";
}

std::int8_t op_kind_of_slow(thread_state& st, const char* object_type,
                            const char* op_name) noexcept {
  std::int8_t kind;
  if (op_name == st.op_names[1] && object_type == st.object_types[1])
    kind = st.op_kinds[1];
  else
    kind = static_cast<std::int8_t>(classify_op(object_type, op_name));
  st.op_names[1] = st.op_names[0];
  st.object_types[1] = st.object_types[0];
  st.op_kinds[1] = st.op_kinds[0];
  st.op_names[0] = op_name;
  st.object_types[0] = object_type;
  st.op_kinds[0] = kind;
  return kind;
}

namespace {
const boost::asio::any_io_executor& root_executor(const void* root) noexcept {
  return *static_cast<const boost::asio::any_io_executor*>(executor_in_root(root));
}
}  // namespace

}  // namespace coroscope::detail
