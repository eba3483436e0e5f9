// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "models/warningmodel.hpp"

#include <QColor>

namespace coroscope::viewer {

WarningModel::WarningModel(QObject* parent)
    : ResultsTableModel({tr("Lint"), tr("Task"), tr("Task name"), tr("Message"),
                         tr("Occurrences"), tr("Trace")},
                        parent) {}

QVariant WarningModel::cell(const Results& r, int row, int column, int role) const {
  const warning_info& w = r.warnings[std::size_t(row)];
  switch (role) {
    case TaskIdRole: return qulonglong(w.task_id);
    case FilterRole: return QString::fromStdString(w.lint + ' ' + w.task_name + ' ' + w.message);
    case Qt::ToolTipRole: return QString::fromStdString(w.message);
    case Qt::TextAlignmentRole:
      return column == Task || column == Occurrences ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                     : QVariant();
    case Qt::ForegroundRole:
      return column == Lint ? QVariant(QColor(0xb0, 0x60, 0x00)) : QVariant();
    case SortRole:
      if (column == Task) return qulonglong(w.task_id);
      if (column == Occurrences) return qulonglong(w.occurrences);
      [[fallthrough]];
    case Qt::DisplayRole:
      switch (column) {
        case Lint: return QString::fromStdString(w.lint);
        case Task: return QString::number(w.task_id);
        case TaskName: return QString::fromStdString(w.task_name);
        case Message: return QString::fromStdString(w.message);
        case Occurrences: return QString::number(w.occurrences);
        case Trace:
          return w.trace_id.empty() ? QString()
                                    : QString::fromStdString(w.trace_id + '/' + w.span_id);
      }
  }
  return {};
}

}  // namespace coroscope::viewer
