// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "coroscope/profile.hpp"

namespace coroscope::detail {

/// What a symbolized frame is to a task's stack.
enum class frame_role {
  user,  ///< the service's code, Asio's initiations and pump, libraries: kept
  /// The worker's run loop, the thread start, or where a poll is entered from them: a
  /// task's stack is cut at the leaf-most such frame, so a sample never holds both a
  /// `task:` root and the worker's own frames.
  poll_boundary,
  /// coroscope's own code running inside a task (the probe's executor, TIMED_AWAIT's timer,
  /// coroscope::co_spawn's wrapper coroutine): hidden, it is not the user's.
  probe_internal,
  /// `std::coroutine_handle<>::resume`: what runs above it (leaf side) runs inside the
  /// coroutine it resumed, even when that coroutine's own frame is missing from the walk.
  coroutine_resume,
};

/// The role of a frame by its function name (full, as the symbolizer gives it). The one
/// list of poll-boundary and probe frames is in frame_roles.cpp: when the probe enters
/// polls another way, that list is what changes.
frame_role role_of_function(std::string_view function);

/// `role_of_function` with the answers kept per name: classifying needs the short form
/// of a name, and a profile repeats few names many times. One per profile build.
class frame_role_cache {
 public:
  frame_role role(const std::string& function);
  /// The role of `f`'s function, kept by the frame's id when it has one: a profile asks
  /// once per frame of every sample, and a long name costs a hash and a compare each time.
  frame_role role(const frame& f);

 private:
  std::unordered_map<std::string, frame_role> roles_;
  std::unordered_map<std::uint64_t, frame_role> by_id_;
};

}  // namespace coroscope::detail
