// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QWidget>

#include <cstdint>

#include "results.hpp"

class QLabel;
class QTextBrowser;

namespace coroscope::viewer {

class HistogramChart;

/// Task detail: busy/scheduled/idle with shares, poll-time and scheduled-time
/// distributions, wakes and self-wakes, the operations it started by kind, the task's
/// await sites, async stack, trace ids and warnings. `showTask` takes the row from the
/// latest results; `setDetails` adds what only a TaskDetails reply carries (full
/// histograms, async stack, await sites).
class TaskDetailWidget : public QWidget {
  Q_OBJECT
 public:
  explicit TaskDetailWidget(QWidget* parent = nullptr);

  /// Shows `row` (null: nothing selected); `results` gives its warnings.
  void showTask(const TaskRow* row, const Results* results);
  /// Applies a details reply when it is about the task shown.
  void setDetails(const task_details& details);
  std::uint64_t taskId() const { return m_taskId; }
  /// The text of the summary (for tests).
  QString summaryText() const;
  /// The text below the charts: operations, async stack, await sites, warnings (for tests).
  QString extrasText() const;

 private:
  void renderExtras();

  std::uint64_t m_taskId = 0;
  QLabel* m_title;
  QLabel* m_summary;
  HistogramChart* m_pollChart;
  HistogramChart* m_schedChart;
  QTextBrowser* m_extras;
  task_details m_details;
  bool m_haveDetails = false;
  std::vector<warning_info> m_warnings;
  std::vector<operation_count> m_operations;  ///< of the row shown, from the latest results
};

}  // namespace coroscope::viewer
