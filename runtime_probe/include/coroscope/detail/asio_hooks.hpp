// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope's implementation of Asio's handler tracking hooks. Asio includes this header
// itself in every translation unit, through the definition that the coroscope::coroscope
// CMake target carries:
//
//   BOOST_ASIO_CUSTOM_HANDLER_TRACKING=<coroscope/detail/asio_hooks.hpp>
//
// Asio calls the hooks when an operation is created, when its handler is invoked, and when
// a coroutine suspends on an operation (use_awaitable's initiation, which also runs when
// co_spawn starts a coroutine). Every operation gets a small base class (`tracked_op`)
// that says which task started it. See docs/ARCHITECTURE.md, "Recording".
//
// Every translation unit of a program that includes Asio must see this header: it changes
// the layout of Asio's operations. `probe` checks at start that the program's Asio
// scheduler agrees (see layout_check.cpp) and says so when it does not.
//
// Included very early by Asio (before most of Asio is declared): it may include only the
// standard library and coroscope's Asio-free detail headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "coroscope/detail/asio_layout.hpp"
#include "coroscope/detail/poll_hooks.hpp"

namespace boost::asio {
class any_io_executor;
namespace detail {
template <typename>
class awaitable_frame_base;
template <typename, typename, typename>
class work_dispatcher;
}  // namespace detail
}  // namespace boost::asio

namespace coroscope::detail {

/// Called instead of an operation's completion when Asio code compiled without these
/// hooks runs it (see layout_check.cpp): reports the mismatch, then completes (or, with no
/// owner, destroys) the operation through its real completion function. May throw what
/// the handler throws, as Asio's own completion does.
void on_unhooked_scheduler(void* owner, void* op, const void* ec, std::size_t bytes);

/// The base class Asio gives every operation (`scheduler_operation`). Its first two words
/// are where code compiled without the hooks would look for the operation's queue link
/// and completion function: such code runs `on_unhooked_scheduler` instead of reading
/// coroscope's tag as a function pointer; the mismatch is reported, not hidden.
struct tracked_op {
  void* unhooked_link_ = nullptr;
  void (*unhooked_complete_)(void*, void*, const void*, std::size_t) = &on_unhooked_scheduler;
  op_tag coroscope_tag_;
};

/// Stand-ins found by name where Asio's and Beast's code has no `frame` or `handler` of its
/// own in scope (see the macros below).
struct no_frame {};
struct no_handler {};

/// The root frame of the coroutine thread a completion handler resumes, or nullptr when the
/// handler is not (or does not wrap) an Asio coroutine continuation of `any_io_executor`.
/// Wrappers with a public `handler_` (binders, as_tuple, redirect_error, Asio's composed
/// operations) are looked through, and so are Beast's composed operations (async_base keeps
/// its handler private and gives it by `handler()`), so that their completions on a strand
/// hand the coroutine on as Asio's do.
template <typename Handler>
COROSCOPE_HOT const void* awaitable_root(Handler& h) noexcept {
  if constexpr (requires {
                  typename Handler::executor_type;
                  h.entry_point();
                }) {
    if constexpr (std::is_same_v<typename Handler::executor_type, boost::asio::any_io_executor>)
      return h.entry_point();
    else
      return nullptr;
  } else if constexpr (requires { h.handler_; }) {
    return awaitable_root(h.handler_);
  } else if constexpr (requires { requires std::is_lvalue_reference_v<decltype(h.handler())>; }) {
    using inner = std::remove_cvref_t<decltype(h.handler())>;
    return awaitable_root(const_cast<inner&>(h.handler()));  // entry_point() is not const
  } else {
    return nullptr;
  }
}

/// A strand's invoker runs the strand's queued handlers, each of which is tracked on its
/// own: its invocation is Asio's plumbing, not a poll.
template <typename Handler>
inline constexpr bool is_strand_invoker = requires { typename Handler::on_invoker_exit; };

/// Asio's work_dispatcher: a handler that dispatches the handler it holds (kept private) to
/// that handler's own executor, as a `post` to another executor does.
template <typename Handler>
inline constexpr bool is_work_dispatcher = false;
template <typename Handler, typename Executor, typename Enable>
inline constexpr bool
    is_work_dispatcher<boost::asio::detail::work_dispatcher<Handler, Executor, Enable>> = true;

/// BOOST_ASIO_HANDLER_CREATION: an operation was created by the code running now.
template <typename Context, typename Op>
COROSCOPE_HOT void asio_creation(Context&, Op& op, const char* object_type, const void* object,
                                 std::uintmax_t native_handle, const char* op_name) noexcept {
  if (hooks_active()) tag_new_op(op.coroscope_tag_, object_type, op_name, object, native_handle);
}

/// BOOST_ASIO_HANDLER_REACTOR_DEREGISTRATION: a descriptor left the reactor (closed).
void on_descriptor_closed(const void* context, std::uintmax_t native_handle) noexcept;
template <typename Context>
COROSCOPE_HOT void asio_deregistration(Context& context, std::uintmax_t native_handle,
                                       std::uintmax_t) noexcept {
  if (hooks_active()) on_descriptor_closed(&context, native_handle);
}

/// BOOST_ASIO_HANDLER_OPERATION: an operation on an I/O object that is not asynchronous
/// (in Asio 1.81: a timer's cancel and cancel_one; a socket's, acceptor's or descriptor's
/// cancel, close and release; a resolver's or signal set's cancel).
void on_object_operation(const void* object, const char* op_name) noexcept;
template <typename Context>
void asio_operation(Context&, const char*, const void* object, std::uintmax_t,
                    const char* op_name) noexcept {
  if (hooks_active()) on_object_operation(object, op_name);
}

/// BOOST_ASIO_HANDLER_COMPLETION .. INVOCATION_BEGIN .. the end of the scope: one invocation
/// of an operation's handler. The task is the coroutine the handler resumes, when it is
/// one; otherwise the task that started the operation (or none). The invocation ends with
/// the scope, not at INVOCATION_END: in every Asio operation that comes next, and only the
/// local copy of the handler and the operation's work guard are destroyed in between. One
/// end (that also serves a handler that throws) costs a flag test less.
class asio_completion {
 public:
  template <typename Op>
  COROSCOPE_HOT explicit asio_completion(const Op& op) noexcept : tag_(op.coroscope_tag_) {}

  template <typename Handler>
  COROSCOPE_HOT void invocation_begin(Handler& handler) noexcept {
    if constexpr (!is_strand_invoker<std::remove_const_t<Handler>>) {
      if (!hooks_active()) return;
      task_record* task = nullptr;
      bool typed = false;
      if (const void* root = awaitable_root(handler)) {
        typed = true;
        if (const task_end_hook* hook = end_hook_of_root(root)) task = hook->task;
      } else {
        task = tagged_task(tag_);
        if constexpr (is_work_dispatcher<std::remove_const_t<Handler>>) tag_.flags |= op_dispatcher;
      }
      open_ = true;
      frame_.begin(task, tag_, typed);
    }
  }

  COROSCOPE_HOT ~asio_completion() {
    if (open_) frame_.end();
  }

  asio_completion(const asio_completion&) = delete;
  asio_completion& operator=(const asio_completion&) = delete;

 private:
  op_tag tag_;  // copied: Asio frees the operation before invoking its handler
  poll_frame frame_;
  bool open_ = false;
};

struct location_args {
  COROSCOPE_HOT location_args(const char* file, int line, const char* function) noexcept
      : file(file), line(line), function(function) {}
  const char* file;
  int line;
  const char* function;
};

/// co_spawn starts a coroutine by awaiting this (Asio 1.81, impl/co_spawn.hpp).
COROSCOPE_HOT bool is_spawn_marker(const char* function) noexcept {
  return function != nullptr && std::strcmp(function, "co_spawn_entry_point") == 0;
}

/// A new task for the coroutine thread rooted at `root`, if its io_context has a probe;
/// nullptr otherwise. Out of line.
task_record* on_spawn(const void* root) noexcept;

/// BOOST_ASIO_HANDLER_LOCATION: a scope inside an initiating function. Inside
/// use_awaitable's initiation (`frame` is the awaiting coroutine's frame) operations
/// created now continue that coroutine's task; the first such scope of a coroutine thread,
/// co_spawn's own, makes the task. Elsewhere (composed operations) it does nothing.
class asio_location {
 public:
  COROSCOPE_HOT asio_location(const location_args&, const no_frame&) noexcept {}

  template <typename Executor>
  COROSCOPE_HOT asio_location(const location_args& where,
                boost::asio::detail::awaitable_frame_base<Executor>* frame) noexcept {
    if constexpr (std::is_same_v<Executor, boost::asio::any_io_executor>) {
      if (hooks_active()) enter(where, frame);
    }
  }

  COROSCOPE_HOT ~asio_location() {
    if (entered_) leave();
  }

  asio_location(const asio_location&) = delete;
  asio_location& operator=(const asio_location&) = delete;

 private:
  /// The task of the coroutine thread rooted at `root`, or nullptr. Most initiations are
  /// the running task's own, and its record names its root: the executor's hook table
  /// (more dependent loads) is read only for the others.
  COROSCOPE_HOT static task_record* task_of_root(const thread_state& st, const void* root) noexcept {
    task_record* t = st.ctx.current_task;
    if (t != nullptr && t->root.load(std::memory_order_relaxed) == root) return t;
    const task_end_hook* hook = end_hook_of_root(root);
    return hook ? hook->task : nullptr;
  }

  COROSCOPE_HOT void enter(const location_args& where, const void* frame) noexcept {
    const void* root = root_of_frame(frame);
    if (root == nullptr) return;
    thread_state& st = t_state;
    task_record* t = task_of_root(st, root);
    if (t == nullptr && is_spawn_marker(where.function))
      spawned_ = (t = on_spawn(root)) != nullptr;
    entered_ = true;
    prev_initiating_ = st.ctx.initiating;
    st.ctx.initiating = t ? t : kUntrackedInitiation;
    if (spawned_) {
      // The new coroutine may run right here (Asio dispatches to it inline): that is the
      // new task's first poll.
      task_ = t;
      prev_task_ = st.ctx.current_task;
      prev_ran_ = st.ctx.ran;
      st.ctx.current_task = t;
      st.ctx.ran = false;
      // Timed when every poll is (a flight recorder, a fixed interval of 1): its event.
      first_poll_begin_ = st.interval == 1 && st.worker ? ticks() : 0;
      return;
    }
    if (t == nullptr) return;
    if (t == st.ctx.current_task) {
      st.ctx.ran = true;
      // Its frames are still: named here too, as a coroutine may start no Asio operation of
      // its own (it parks its handler for another task to post). Not at co_spawn's own post
      // after the coroutine returned: the frame above the root is then Asio's.
      if (COROSCOPE_UNLIKELY(t->entry_fn.load(std::memory_order_relaxed) == 0) &&
          !is_spawn_marker(where.function))
        note_running_entry_function(*t);
    } else if (!adopted_by_innermost_frame(*t)) {
      count_inline_poll(*t);  // Asio resumed it inline (dispatch), with no invocation hook
    }
  }

  COROSCOPE_HOT void leave() noexcept {
    thread_state& st = t_state;
    st.ctx.initiating = prev_initiating_;
    if (!spawned_) return;
    const bool ran = st.ctx.ran;
    st.ctx.current_task = prev_task_;
    st.ctx.ran = prev_ran_;
    if (ran) end_inline_first_poll(*task_, first_poll_begin_);
  }

  task_record* task_ = nullptr;
  task_record* prev_initiating_ = nullptr;
  task_record* prev_task_ = nullptr;
  std::uint64_t first_poll_begin_ = 0;
  bool prev_ran_ = false;
  bool entered_ = false;
  bool spawned_ = false;
};

}  // namespace coroscope::detail

#define BOOST_ASIO_INHERIT_TRACKED_HANDLER : public ::coroscope::detail::tracked_op
#define BOOST_ASIO_ALSO_INHERIT_TRACKED_HANDLER , public ::coroscope::detail::tracked_op
#define BOOST_ASIO_HANDLER_TRACKING_INIT (void)0
// `frame` is use_awaitable's initiating coroutine frame (impl/use_awaitable.hpp), or the
// stand-in below in composed operations.
#define BOOST_ASIO_HANDLER_LOCATION(args)     \
  ::coroscope::detail::asio_location tracked_location(::coroscope::detail::location_args args, \
                                                      frame)
#define BOOST_ASIO_HANDLER_CREATION(args) ::coroscope::detail::asio_creation args
#define BOOST_ASIO_HANDLER_COMPLETION(args) \
  ::coroscope::detail::asio_completion tracked_completion args
// `handler` is the local copy every operation makes of its handler just before invoking it.
#define BOOST_ASIO_HANDLER_INVOCATION_BEGIN(args) tracked_completion.invocation_begin(handler)
#define BOOST_ASIO_HANDLER_INVOCATION_END (void)0  // the invocation ends with the scope
#define BOOST_ASIO_HANDLER_OPERATION(args) ::coroscope::detail::asio_operation args
#define BOOST_ASIO_HANDLER_REACTOR_REGISTRATION(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_DEREGISTRATION(args) \
  ::coroscope::detail::asio_deregistration args
#define BOOST_ASIO_HANDLER_REACTOR_READ_EVENT 1
#define BOOST_ASIO_HANDLER_REACTOR_WRITE_EVENT 2
#define BOOST_ASIO_HANDLER_REACTOR_ERROR_EVENT 4
#define BOOST_ASIO_HANDLER_REACTOR_EVENTS(args) (void)0
#define BOOST_ASIO_HANDLER_REACTOR_OPERATION(args) (void)0

// Stand-ins for the names the macros use, in the namespaces whose code expands them
// without such a local: Asio's composed operations (detail, ssl::detail), Beast's.
namespace boost::asio::detail {
inline constexpr ::coroscope::detail::no_frame frame{};
inline constexpr ::coroscope::detail::no_handler handler{};
}  // namespace boost::asio::detail
namespace boost::asio::ssl::detail {
inline constexpr ::coroscope::detail::no_frame frame{};
}  // namespace boost::asio::ssl::detail
namespace boost::beast {
inline constexpr ::coroscope::detail::no_frame frame{};
}  // namespace boost::beast
