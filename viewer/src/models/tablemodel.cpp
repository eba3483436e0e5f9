// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "models/tablemodel.hpp"

namespace coroscope::viewer {

ResultsTableModel::ResultsTableModel(QStringList headers, QObject* parent)
    : QAbstractTableModel(parent), m_headers(std::move(headers)) {}

bool ResultsTableModel::sameRows(const Results& previous, const Results& next) const {
  return rowsIn(previous) == rowsIn(next);
}

void ResultsTableModel::setResults(ResultsPtr results) {
  if (results && m_results && sameRows(*m_results, *results)) {
    m_results = std::move(results);
    const int rows = rowsIn(*m_results);
    if (rows > 0) emit dataChanged(index(0, 0), index(rows - 1, columnCount() - 1));
    return;
  }
  beginResetModel();
  m_results = std::move(results);
  endResetModel();
}

int ResultsTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_results ? 0 : rowsIn(*m_results);
}

int ResultsTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant ResultsTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
      !m_results)
    return {};
  return cell(*m_results, index.row(), index.column(), role);
}

QVariant ResultsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
      section >= m_headers.size())
    return {};
  return m_headers[section];
}

}  // namespace coroscope::viewer
