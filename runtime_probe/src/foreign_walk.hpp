// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

#include "foreign_memory.hpp"

namespace coroscope::detail {

/// What a walk of a task's coroutine chain from another thread read.
struct foreign_walk {
  enum outcome {
    suspended,   ///< no thread attached to the leaf: `leaf` and the resume functions set
    attached,    ///< a thread runs the chain (or its top was unreadable mid-change)
    unreadable,  ///< the root's top of stack could not be read
  };
  outcome result = unreadable;
  const void* leaf = nullptr;
  unsigned depth = 0;  ///< resume functions written, leaf first
  bool cut = false;    ///< stopped before the root: a frame not readable, or `max` reached
};

/// Walks the chain rooted at `root` (a root frame as task_record::root holds it) like
/// walk_async_stack, but through `memory`: nothing it reads is trusted, nothing it follows
/// can fault. A chain that changed under it gives garbage that its caller's check of the
/// task's poll counts throws away (task_walk.cpp). About one read per frame. `frames`, when
/// given, gets each resume function's coroutine frame (where it was read).
foreign_walk walk_foreign_chain(const void* root, std::uintptr_t* out, unsigned max,
                                const foreign_memory& memory, std::uintptr_t* frames = nullptr) noexcept;

/// Whether chain `root` still has `leaf` on top with no thread attached to it: the check
/// after a walk, in one read.
bool still_suspended_at(const void* root, const void* leaf, const foreign_memory& memory) noexcept;

}  // namespace coroscope::detail
