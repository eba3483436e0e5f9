// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// Waiting for a condition another thread reaches.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace coroscope::test {

/// Polls `done` until it holds or `timeout` passes (for conditions no one notifies,
/// such as server counters or files another thread writes). The poll period is not a
/// synchronisation.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace coroscope::test
