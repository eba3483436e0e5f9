// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "coroscope/timeline.hpp"

namespace coroscope::viewer {

/// Intervals of one worker row, sorted by begin, with the running maximum of their ends:
/// the intervals that overlap [t0, t1) are found with two binary searches however many
/// there are and however long some of them last (a long poll nests shorter ones).
struct IntervalRow {
  std::vector<std::uint64_t> begin;
  std::vector<std::uint64_t> end;
  std::vector<std::uint64_t> maxEnd;  ///< max(end[0..i])
  std::vector<std::uint64_t> task;    ///< task id (polls); 0 for parks

  std::size_t size() const { return begin.size(); }
  /// [first, last): every interval with end > t0 and begin < t1 is in it (some in it may
  /// end before t0 when a longer one before them does not).
  std::pair<std::size_t, std::size_t> overlapping(std::uint64_t t0, std::uint64_t t1) const;
};

/// A timeline arranged for drawing: one row per worker (ascending index) with its polls
/// and its parks, each sorted for culling, and the task names. Built once per timeline,
/// off the paint path; immutable afterwards.
class TimelineIndex {
 public:
  explicit TimelineIndex(std::shared_ptr<const timeline> t);

  const timeline& data() const { return *m_timeline; }
  std::size_t rowCount() const { return m_workers.size(); }
  unsigned workerOfRow(std::size_t row) const { return m_workers[row]; }
  std::optional<std::size_t> rowOfWorker(unsigned worker) const;
  /// "coroscope-w1", or "worker 1" when the timeline gives no thread name.
  std::string rowName(std::size_t row) const;
  const IntervalRow& polls(std::size_t row) const { return m_polls[row]; }
  const IntervalRow& parks(std::size_t row) const { return m_parks[row]; }
  /// "accept-loop #1"; "task #9" when not listed; "(no task)" for id 0.
  std::string taskName(std::uint64_t id) const;
  std::uint64_t begin() const { return m_begin; }
  std::uint64_t end() const { return m_end; }

 private:
  std::shared_ptr<const timeline> m_timeline;
  std::vector<unsigned> m_workers;
  std::vector<IntervalRow> m_polls;
  std::vector<IntervalRow> m_parks;
  std::unordered_map<std::uint64_t, std::size_t> m_taskIndex;  ///< id -> tasks[i]
  std::uint64_t m_begin = 0;
  std::uint64_t m_end = 0;
};

/// One wake drawn for the selected task: from the waker (its poll running at the wake,
/// or the wakee's own row for I/O, timers and outside posts) to the wakee's next poll.
struct WakeArrow {
  timeline::waker_kind kind = timeline::waker_kind::task;
  std::uint64_t wakerTask = 0;
  std::uint64_t wakeeTask = 0;
  std::size_t fromRow = 0;
  std::uint64_t fromTime = 0;  ///< the wake
  std::size_t toRow = 0;
  std::uint64_t toTime = 0;    ///< the wakee's next poll's begin
};

using TimelineIndexPtr = std::shared_ptr<const TimelineIndex>;

/// The arrows of every wake that `task` took part in, as waker or wakee. A wake whose
/// wakee has no poll after it in the window has no arrow; a task waker that ran no poll
/// at the wake starts on the wakee's row. One pass over the polls and wakes.
std::vector<WakeArrow> wakeArrowsOf(const TimelineIndex& index, std::uint64_t task);

}  // namespace coroscope::viewer
