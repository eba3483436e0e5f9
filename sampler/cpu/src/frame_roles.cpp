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
// Today the probe enters a poll in poll_runner (the task executor's wrapper of each
// resumption); Asio reaches it through an operation's do_complete (`executor_op`,
// `scheduler_operation::complete`) or inline through work_dispatcher. Hooks inside
// Asio's handler invocation would make do_complete the entry: it is listed already.
//
// The task executor's execute() is no boundary: user code calls it to post or dispatch
// (an inline dispatch then enters the poll through poll_runner, listed), so it is listed
// below as the probe's own.
constexpr std::array poll_boundaries = {
    // coroscope's poll entry and worker loop
    pattern{match::exact, "coroscope::detail::poll_runner<...>::operator()"},
    pattern{match::exact, "coroscope::detail::probe_core::worker_main"},
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
  return frame_role::user;
}

frame_role frame_role_cache::role(const std::string& function) {
  if (auto it = roles_.find(function); it != roles_.end()) return it->second;
  return roles_.emplace(function, role_of_function(function)).first->second;
}

}  // namespace coroscope::detail
