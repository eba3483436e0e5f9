// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "coroscope/snapshot.hpp"

namespace coroscope::detail {

/// Names and spawn sites for tasks nobody named: a task is named after its coroutine
/// function (from the resume function Asio's frame holds) and its spawn site is the first
/// frame outside Asio and coroscope in the stack that spawned it. Symbolizes off the hot
/// path, with the process's shared symbolizer; not thread-safe (the collector's lock
/// serialises its callers).
class task_naming {
 public:
  /// "do_session" for `awaitable<void> (anonymous namespace)::do_session(tcp::socket)`;
  /// empty for the coroutine use_awaitable makes of an operation (a task that is one
  /// operation, as an awaitable operator spawns: named after the operation's kind).
  std::string coroutine_name(std::uintptr_t resume_fn) { return lookup(resume_fn).name; }
  /// Whether `resume_fn` is such an operation's coroutine.
  bool is_operation(std::uintptr_t resume_fn) { return lookup(resume_fn).operation; }
  /// The spawn site among `pcs` (return addresses, innermost first), or an empty location.
  code_location spawn_site(const std::uintptr_t* pcs, std::size_t count);

 private:
  struct coroutine {
    std::string name;
    bool operation = false;
  };
  const coroutine& lookup(std::uintptr_t resume_fn);

  static constexpr std::size_t kMaxCached = 4096;
  std::unordered_map<std::uintptr_t, coroutine> names_;
};

}  // namespace coroscope::detail
