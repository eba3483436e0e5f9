// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "pages/resultspage.hpp"

class QCheckBox;
class QComboBox;
class QLabel;

namespace coroscope::viewer {

class FlamegraphWidget;

/// The Flamegraph tab: the CPU samples of the last few updates merged into a flame tree,
/// for all tasks or the one chosen in the task list (tasks with samples, with their
/// counts), with short or full function names. The choices survive updates.
class FlamegraphPage : public ResultsPage {
  Q_OBJECT
 public:
  explicit FlamegraphPage(QWidget* parent = nullptr);

  void setResults(const ResultsPtr& results) override;
  QString title() const override;

  FlamegraphWidget* flamegraph() const { return m_flamegraph; }
  /// The task filter: "All tasks", then each task with samples.
  QComboBox* taskFilter() const { return m_task; }
  /// Full function signatures instead of the short `scope::name<...>` form.
  QCheckBox* fullNamesToggle() const { return m_fullNames; }

 private:
  void refreshTaskFilter();
  void refreshTree();

  ResultsPtr m_results;
  QComboBox* m_task;
  QCheckBox* m_fullNames;
  QLabel* m_info;
  FlamegraphWidget* m_flamegraph;
};

}  // namespace coroscope::viewer
