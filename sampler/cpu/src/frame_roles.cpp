// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The one list of frames that are not the user's in a task's stack. Names are matched in
// their short form (coroscope/function_names.hpp: no return type or parameters, template
// arguments as `<...>`), so one entry covers every instantiation.
#include "frame_roles.hpp"

#include <coroscope/function_names.hpp>

#include <array>

namespace coroscope::detail {
namespace {

enum class match { exact, prefix, suffix };

struct pattern {
  match how;
  std::string_view text;
  std::string_view within = {};  ///< the name must also start with this
};

// Where a worker runs polls: its thread's start, Asio's run loop, the operation that
// hands a handler to it, and the probe's own poll entry. Everything from the leaf-most of
// these towards the root is the worker's, not the task's.
//
// The probe's hooks are inside Asio's handler invocation: a poll is entered through an
// operation's do_complete (`executor_op`, `scheduler_operation::complete`) or inline
// through work_dispatcher. A coroutine is resumed in its thread's pump: an inline
// dispatch may resume one task's coroutines inside another's poll, so the leaf-most pump
// is where the running task's frames begin.
constexpr std::array poll_boundaries = {
    // coroscope's worker loop
    pattern{match::exact, "coroscope::detail::probe_core::worker_main"},
    // Asio: a coroutine thread resumed
    pattern{match::exact, "boost::asio::detail::awaitable_thread<...>::pump"},
    // Asio: an operation completing (runs the handler), the scheduler, io_context::run*
    // and poll*, and work_dispatcher (runs a dispatched handler on its executor)
    pattern{match::suffix, "::do_complete", "boost::asio::"},
    pattern{match::exact, "boost::asio::detail::scheduler_operation::complete"},
    pattern{match::prefix, "boost::asio::detail::scheduler::"},
    pattern{match::prefix, "boost::asio::io_context::run"},
    pattern{match::prefix, "boost::asio::io_context::poll"},
    pattern{match::exact, "boost::asio::detail::work_dispatcher<...>::operator()"},
    // thread start: std::thread, glibc
    pattern{match::exact, "std::thread::_State_impl<...>::_M_run"},
    pattern{match::exact, "execute_native_thread_routine"},
    pattern{match::exact, "start_thread"},
    pattern{match::exact, "clone"},
    pattern{match::exact, "clone3"},
    pattern{match::exact, "__clone"},
    pattern{match::exact, "__clone3"},
};

// coroscope's own code: the probe, its executor, TIMED_AWAIT's timer, coroscope::co_spawn
// and its wrapper coroutine (detail::record_failure). Not the user's, so hidden.
constexpr std::array probe_frames = {
    pattern{match::prefix, "coroscope::"},
};

// Resuming a coroutine (libstdc++ names it `std::__n4861::coroutine_handle<...>::resume`).
// Asio's pump calls it through awaitable_frame_base::resume, which runs the initiation of
// what a suspended coroutine awaits outside it: that code is not inside the coroutine.
constexpr std::array coroutine_resumes = {
    pattern{match::suffix, "coroutine_handle<...>::resume", "std::"},
};

bool matches(std::string_view name, const pattern& p) {
  if (!name.starts_with(p.within)) return false;
  switch (p.how) {
    case match::exact: return name == p.text;
    case match::prefix: return name.starts_with(p.text);
    case match::suffix: return name.ends_with(p.text);
  }
  return false;
}

template <typename Patterns>
bool any_matches(std::string_view name, const Patterns& patterns) {
  for (const pattern& p : patterns)
    if (matches(name, p)) return true;
  return false;
}

}  // namespace

frame_role role_of_function(std::string_view function) {
  if (function.empty()) return frame_role::user;
  const std::string name = short_function_name(function);
  if (any_matches(name, poll_boundaries)) return frame_role::poll_boundary;
  if (any_matches(name, probe_frames)) return frame_role::probe_internal;
  if (any_matches(name, coroutine_resumes)) return frame_role::coroutine_resume;
  return frame_role::user;
}

frame_role frame_role_cache::role(const std::string& function) {
  if (auto it = roles_.find(function); it != roles_.end()) return it->second;
  return roles_.emplace(function, role_of_function(function)).first->second;
}

frame_role frame_role_cache::role(const frame& f) {
  if (f.id == 0) return role(f.function);
  if (auto it = by_id_.find(f.id); it != by_id_.end()) return it->second;
  return by_id_.emplace(f.id, role(f.function)).first->second;
}

}  // namespace coroscope::detail
