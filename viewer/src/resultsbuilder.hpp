// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "results.hpp"

namespace coroscope::viewer {

/// Turns the client's merged states, one per update, into `Results`: keeps completed
/// tasks for `retainCompleted` after the probe retires them, a busy-ratio history per
/// worker, the slow-await log and a window of recent CPU samples. Times come from the
/// probe's updates, never the local clock, so a replay builds the same results as the
/// live session did. Not thread-safe: the backend thread (or the replay) owns one.
class ResultsBuilder {
 public:
  struct Options {
    std::chrono::nanoseconds retainCompleted = std::chrono::seconds(30);
    std::size_t historyLength = 60;   ///< busy-ratio points per worker
    std::size_t flameWindow = 10;     ///< updates of CPU samples in the flamegraph
    std::size_t slowLogLength = 1000;
  };

  explicit ResultsBuilder(Options options);
  ResultsBuilder() : ResultsBuilder(Options{}) {}

  /// Results after one more update. A new probe instance starts afresh.
  ResultsPtr add(const console_state& state);
  /// Forgets everything.
  void reset();
  const Options& options() const { return m_options; }
  void setRetainCompleted(std::chrono::nanoseconds d) { m_options.retainCompleted = d; }

 private:
  struct WorkerPoint {
    std::chrono::nanoseconds busy{0}, elapsed{0};
    std::deque<double> history;
  };
  using SiteKey = std::tuple<std::string, std::string, std::uint32_t>;

  Options m_options;
  std::string m_instance;
  bool m_started = false;
  std::map<std::uint64_t, TaskRow> m_tasks;
  std::map<unsigned, WorkerPoint> m_workers;
  std::map<SiteKey, std::uint64_t> m_siteSlow;
  std::deque<SlowAwaitEntry> m_slowLog;
  std::deque<std::vector<cpu_stack_sample>> m_samples;
  std::shared_ptr<const heap_view> m_heap;
};

}  // namespace coroscope::viewer
