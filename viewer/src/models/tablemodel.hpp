// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include "results.hpp"

namespace coroscope::viewer {

/// Roles every results model answers besides Qt's.
enum ResultsRole {
  SortRole = Qt::UserRole + 1,  ///< raw value (number or text) for QSortFilterProxyModel
  TaskIdRole,                   ///< quint64 task id, where a row names a task
  FilterRole,                   ///< text the search box matches
  HistoryRole,                  ///< QList<double> for sparklines
  CompletedRole,                ///< bool: a completed task
};

/// A flat table over one part of an immutable `Results`. `setResults` swaps the value:
/// with the same row count it reports `dataChanged` over every row (selection and sort
/// stay); otherwise it resets the model. Subclasses say how many rows and what is in a
/// cell. GUI thread only.
class ResultsTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  explicit ResultsTableModel(QStringList headers, QObject* parent = nullptr);

  void setResults(ResultsPtr results);
  const ResultsPtr& results() const { return m_results; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 protected:
  virtual int rowsIn(const Results& r) const = 0;
  virtual QVariant cell(const Results& r, int row, int column, int role) const = 0;
  /// True when `next` lists the same items as `previous` in the same rows.
  virtual bool sameRows(const Results& previous, const Results& next) const;

 private:
  QStringList m_headers;
  ResultsPtr m_results;
};

}  // namespace coroscope::viewer
