// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <cstdint>

#include "pages/resultspage.hpp"

class QLabel;
class QLineEdit;
class QTreeView;

namespace coroscope::viewer {

class TaskDetailWidget;
class TaskFilterProxy;
class TaskModel;

/// The Tasks tab: the searchable task table (flat or as the spawn tree), the counts
/// beside the search box and the detail pane of the selected task. The page asks for
/// the probe's details of the selected task with `taskDetailsWanted`; whoever answers
/// hands them back with `setTaskDetails`.
class TasksPage : public ResultsPage {
  Q_OBJECT
 public:
  explicit TasksPage(QWidget* parent = nullptr);

  void setResults(const ResultsPtr& results) override;
  QString title() const override;

  /// Tree: tasks under the task that spawned them, all expanded. Flat: every task.
  void setTreeMode(bool tree);
  /// Selects task `id` (clearing a search that hides it). False when it is not listed.
  bool selectTask(std::uint64_t id);
  /// Shows the probe's details of a task in the detail pane (ignored for another task).
  void setTaskDetails(const task_details& details);

  TaskModel* model() const { return m_model; }
  /// The search box's filter and the sort, between `model()` and `view()`.
  TaskFilterProxy* proxy() const { return m_proxy; }
  QTreeView* view() const { return m_view; }
  TaskDetailWidget* detail() const { return m_detail; }
  /// The counts beside the search box, with the "(no task)" bucket.
  QString countsText() const;

 signals:
  /// The selected task changed, or is still running: ask the probe for its details.
  void taskDetailsWanted(quint64 taskId);

 private:
  void refreshCounts();
  void refreshDetail();

  ResultsPtr m_results;
  TaskModel* m_model;
  TaskFilterProxy* m_proxy;
  QLineEdit* m_search;
  QLabel* m_counts;
  QTreeView* m_view;
  TaskDetailWidget* m_detail;
  std::uint64_t m_requestedDetailsFor = 0;
};

}  // namespace coroscope::viewer
