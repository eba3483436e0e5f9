// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>

#include <string>
#include <vector>

#include "models/tablemodel.hpp"
#include "results.hpp"

namespace coroscope::viewer {

/// Tasks view: the tokio-console columns over `Results::tasks`, flat or as the
/// parent/child tree. An index's internal id is the task's position in `Results::tasks`.
///
/// `setResults` swaps the immutable value: when the same tasks sit in the same places it
/// reports `dataChanged` (selection, expansion and sorting survive); otherwise it resets.
/// Completed tasks are dimmed (`ForegroundRole`) and flagged with `CompletedRole`.
class TaskModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column { Warnings, Id, State, Name, Total, Busy, Scheduled, Idle, Polls, Location,
                Fields, ColumnCount };

  explicit TaskModel(QObject* parent = nullptr);

  void setResults(ResultsPtr results);
  const ResultsPtr& results() const { return m_results; }
  /// Tree: children under their parent task (a parent that is gone leaves its children
  /// at the top). Flat: every task at the top.
  void setTreeMode(bool tree);
  bool treeMode() const { return m_tree; }
  /// Index (column 0) of task `id`, invalid when not listed.
  QModelIndex indexOfTask(std::uint64_t id) const;
  /// The task at `index` (any column), or null.
  const TaskRow* taskAt(const QModelIndex& index) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  void rebuildStructure();
  bool sameStructure(const Results& next) const;
  void emitChanged(int node);

  ResultsPtr m_results;
  bool m_tree = false;
  // Structure over m_results->tasks: -1 stands for the invisible root.
  std::vector<int> m_parent;
  std::vector<int> m_row;  ///< row of each task under its parent
  std::vector<std::vector<int>> m_children;
  std::vector<int> m_roots;
};

/// The search box of the tasks view: matches name, state and spawn location `file:line`
/// (a fixed string, ASCII case-insensitive), keeps the ancestors of matches in tree mode
/// and sorts. Both read the task values directly rather than through QVariant roles:
/// with 10k tasks that is what keeps a sort or a search well under 50 ms.
class TaskFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit TaskFilterProxy(QObject* parent = nullptr);
  /// Shows only tasks matching `text` (empty: all).
  void setSearchText(const QString& text);
  QString searchText() const { return m_text; }

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
  bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

 private:
  const TaskModel* taskModel() const;

  QString m_text;
  std::string m_needle;  ///< lower-case UTF-8 of m_text
};

}  // namespace coroscope::viewer
