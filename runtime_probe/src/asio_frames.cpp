// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Reading Asio 1.81's coroutine frames (boost/asio/impl/awaitable.hpp) and hooking the
// executor that lives in a task's root frame. A task's coroutines form one "awaitable
// thread":
//
//   entry-point frame (co_spawn's: the root)    u_.executor_: any_io_executor whose
//     top_of_stack_ ----------------+            object_fns_ coroscope replaces (below)
//                                   |
//   accept_loop frame  <--caller_-- handle_request frame <--caller_-- parse_body frame
//                                                                      ^ top_of_stack_
//
// Each frame is an awaitable_frame_base whose coro_ is the coroutine handle; the first
// word of a GCC/Clang coroutine frame is its resume function, which symbolizes to the
// coroutine. The members are private, so we name them through explicit instantiation,
// where access checking does not apply ([temp.spec.general]).
//
// Task end: the root frame's executor is destroyed exactly when the root frame is (its
// destructor runs `u_.executor_.~Executor()`). any_io_executor keeps its copy, move and
// destroy functions in a table (`object_fns_`); coroscope gives the root's executor a
// table of its own, inside the task record, whose destroy tells the probe and then calls
// Asio's. Copies made from the root's executor get Asio's table back, so nothing else
// changes: the target, and so the native routing of completions, stays the same.
#include "coroscope/detail/asio_layout.hpp"

#include <coroutine>
#include <cstddef>
#include <new>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/version.hpp>

#include "coroscope/detail/task_record.hpp"

static_assert(BOOST_VERSION / 100 == 1081,
              "coroscope reads Asio 1.81's coroutine frames; other versions are not checked");

namespace coroscope::detail {

asio_layout g_asio_layout;

namespace {

using executor = boost::asio::any_io_executor;
using frame_base = boost::asio::detail::awaitable_frame_base<executor>;
using entry_frame = boost::asio::detail::awaitable_frame<
    boost::asio::detail::awaitable_thread_entry_point, executor>;
using thread_type = boost::asio::detail::awaitable_thread<executor>;
using entry_awaitable =
    boost::asio::awaitable<boost::asio::detail::awaitable_thread_entry_point, executor>;
using executor_base = boost::asio::execution::detail::any_executor_base;

// The function table type, Asio's tables and its copy function are protected members of
// any_executor_base.
struct table_access : executor_base {
  using fns = executor_base::object_fns;
  template <typename Obj>
  static const fns* table_of() noexcept {
    return object_fns_table<Obj>();
  }
  template <typename Obj>
  static void copy_of(executor_base& to, const executor_base& from) noexcept {
    copy_object<Obj>(to, from);
  }
};
using object_fns = table_access::fns;
static_assert(sizeof(object_fns) == 4 * sizeof(void*));
static_assert(offsetof(task_end_hook, original) == sizeof(object_fns),
              "task_end_hook starts with Asio's object_fns layout");

template <typename Tag, auto Member>
struct expose {
  friend constexpr auto member(Tag) noexcept { return Member; }
};

// One tag per private member; `member(tag)` is defined by the instantiations below.
#define COROSCOPE_MEMBER_TAG(name)                    \
  struct name {                                       \
    friend constexpr auto member(name) noexcept;      \
  }
COROSCOPE_MEMBER_TAG(attached_thread_tag);
COROSCOPE_MEMBER_TAG(caller_tag);
COROSCOPE_MEMBER_TAG(coro_tag);
COROSCOPE_MEMBER_TAG(bottom_tag);
COROSCOPE_MEMBER_TAG(awaitable_frame_tag);
COROSCOPE_MEMBER_TAG(executor_union_tag);
COROSCOPE_MEMBER_TAG(top_of_stack_tag);
COROSCOPE_MEMBER_TAG(object_fns_tag);
#undef COROSCOPE_MEMBER_TAG

template struct expose<attached_thread_tag, &frame_base::attached_thread_>;
template struct expose<caller_tag, &frame_base::caller_>;
template struct expose<coro_tag, &frame_base::coro_>;
template struct expose<bottom_tag, &thread_type::bottom_of_stack_>;
template struct expose<awaitable_frame_tag, &entry_awaitable::frame_>;
template struct expose<executor_union_tag, &entry_frame::u_>;
template struct expose<top_of_stack_tag, &entry_frame::top_of_stack_>;
template struct expose<object_fns_tag, &executor_base::object_fns_>;

// Offsets are measured on uninitialised storage: only addresses are formed.
template <typename Object, typename Member>
std::ptrdiff_t offset_of(Member Object::*m) noexcept {
  alignas(Object) static unsigned char storage[sizeof(Object)];
  auto* object = reinterpret_cast<Object*>(storage);
  return reinterpret_cast<unsigned char*>(&(object->*m)) - storage;
}

asio_layout measure() noexcept {
  asio_layout l;
  l.frame_thread = offset_of(member(attached_thread_tag{}));
  l.frame_caller = offset_of(member(caller_tag{}));
  l.frame_coro = offset_of(member(coro_tag{}));
  l.thread_root = offset_of(member(bottom_tag{})) + offset_of(member(awaitable_frame_tag{}));
  l.root_top = offset_of(member(top_of_stack_tag{}));
  // The root frame pointer Asio hands around is the entry frame; its executor's table.
  alignas(entry_frame) static unsigned char storage[sizeof(entry_frame)];
  auto* root = reinterpret_cast<entry_frame*>(storage);
  executor* ex = &(root->*member(executor_union_tag{})).executor_;
  executor_base* base = ex;
  l.root_fns = reinterpret_cast<unsigned char*>(&(base->*member(object_fns_tag{}))) - storage;
  return l;
}

// A coroutine_handle is the frame's address and nothing else.
static_assert(sizeof(std::coroutine_handle<void>) == sizeof(void*));

const task_end_hook& hook_of(const executor_base& ex) noexcept {
  return *reinterpret_cast<const task_end_hook*>(ex.*member(object_fns_tag{}));
}

void hooked_destroy(executor_base& ex) {
  const task_end_hook& hook = hook_of(ex);
  const auto* original = static_cast<const object_fns*>(hook.original);
  // The record is recycled once on_task_end has handed it on: read the hook first.
  task_record* record = hook.task;
  ex.*member(object_fns_tag{}) = original;
  on_task_end(*record);
  original->destroy(ex);
}

void hooked_copy(executor_base& to, const executor_base& from) {
  const auto* original = static_cast<const object_fns*>(hook_of(from).original);
  original->copy(to, from);
  to.*member(object_fns_tag{}) = original;  // a copy is a plain executor
}

// Most roots' executors target the io_context's own executor, and a copy is made on every
// co_await: for those, Asio's copy inline here rather than through its table.
using io_target = boost::asio::io_context::executor_type;
void hooked_copy_io(executor_base& to, const executor_base& from) {
  table_access::copy_of<io_target>(to, from);
  to.*member(object_fns_tag{}) = table_access::table_of<io_target>();
}

void hooked_move(executor_base& to, executor_base& from) {
  // Asio moved the table pointer to `to` already: the task now ends with `to`.
  static_cast<const object_fns*>(hook_of(to).original)->move(to, from);
}

}  // namespace

const void* const g_task_end_destroy = reinterpret_cast<const void*>(&hooked_destroy);

void measure_asio_layout() noexcept {
  // Written once, inside the static's initialisation: probes constructed at the same time
  // on several threads wait for it instead of writing the global together.
  static const bool measured = [] {
    g_asio_layout = measure();
    return true;
  }();
  (void)measured;
}

const void* executor_in_root(const void* root) noexcept {
  const auto* frame = static_cast<const entry_frame*>(root);
  return &(frame->*member(executor_union_tag{})).executor_;
}

bool install_end_hook(const void* root, task_end_hook& hook) noexcept {
  auto* frame = static_cast<entry_frame*>(const_cast<void*>(root));
  executor_base& ex = (frame->*member(executor_union_tag{})).executor_;
  const object_fns* original = ex.*member(object_fns_tag{});
  if (original == nullptr || reinterpret_cast<const void*>(original->destroy) == g_task_end_destroy)
    return false;
  // Asio's object_fns take its executor base by reference; the hook table stores them as
  // untyped pointers. The cast goes through void(*)(), the type GCC takes for "any function".
  using any_fn = void (*)();
  hook.destroy = reinterpret_cast<void (*)(void*)>(reinterpret_cast<any_fn>(&hooked_destroy));
  auto* copy = original == table_access::table_of<io_target>() ? &hooked_copy_io : &hooked_copy;
  hook.copy = reinterpret_cast<void (*)(void*, const void*)>(reinterpret_cast<any_fn>(copy));
  hook.move = reinterpret_cast<void (*)(void*, void*)>(reinterpret_cast<any_fn>(&hooked_move));
  hook.target =
      reinterpret_cast<const void* (*)(const void*)>(reinterpret_cast<any_fn>(original->target));
  hook.original = original;
  // hook.task was set by the record's owner.
  ex.*member(object_fns_tag{}) = reinterpret_cast<const object_fns*>(&hook);
  return true;
}

// Not instrumented: the caller (the sampler's signal handler) validates the walk after the
// fact, since another worker may resume the task and free frames of this chain while it
// runs (fill_sample_context in sample_context.cpp). Every read is a plain load in this
// function, none in an out-of-line (instrumented) helper.
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

namespace {

/// From `frame` up the awaiting chain to the coroutine that `base` (co_spawn's entry frame)
/// awaits: the task's own coroutine, whose resume function names it; 0 when not found.
std::uintptr_t resume_function_below(const frame_base* frame, const frame_base* base) noexcept {
  for (unsigned depth = 0; frame && frame != base && depth < 256; ++depth) {
    const frame_base* caller = frame->*member(caller_tag{});
    if (caller == base) {
      const void* coroutine =
          *reinterpret_cast<const void* const*>(&(frame->*member(coro_tag{})));
      return coroutine ? *static_cast<const std::uintptr_t*>(coroutine) : 0;
    }
    frame = caller;
  }
  return 0;
}

}  // namespace

std::uintptr_t entry_function_of(const void* frame_ptr, const void* root) noexcept {
  // `frame_ptr` is the frame of Asio's initiating coroutine (use_awaitable's `initiate`);
  // the coroutines that awaited it follow.
  const frame_base* base = static_cast<const entry_frame*>(root);
  const frame_base* frame = static_cast<const frame_base*>(frame_ptr)->*member(caller_tag{});
  if (frame == base) return 0;  // co_spawn's own await, before the task's coroutine runs
  return resume_function_below(frame, base);
}

std::uintptr_t entry_function_of_root(const void* root) noexcept {
  const auto* entry = static_cast<const entry_frame*>(root);
  return resume_function_below(entry->*member(top_of_stack_tag{}), entry);
}

}  // namespace coroscope::detail
