// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "models/operationkindmodel.hpp"

#include <algorithm>

#include "format.hpp"

namespace coroscope::viewer {

OperationKindModel::OperationKindModel(QObject* parent)
    : ResultsTableModel({tr("Operation"), tr("Started"), tr("Timed"), tr("p50"), tr("p90"), tr("p99"),
                         tr("Max")},
                        parent) {}

bool OperationKindModel::sameRows(const Results& previous, const Results& next) const {
  return std::equal(previous.operationKinds.begin(), previous.operationKinds.end(),
                    next.operationKinds.begin(), next.operationKinds.end(),
                    [](const operation_kind_info& a, const operation_kind_info& b) { return a.kind == b.kind; });
}

QVariant OperationKindModel::cell(const Results& r, int row, int column, int role) const {
  const operation_kind_info& k = r.operationKinds[std::size_t(row)];
  auto duration = [&]() -> std::chrono::nanoseconds {
    switch (column) {
      case P50: return k.waits.p50;
      case P90: return k.waits.p90;
      case P99: return k.waits.p99;
      case Max: return k.waits.max;
    }
    return {};
  };
  switch (role) {
    case Qt::TextAlignmentRole:
      return column == Kind ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case FilterRole: return QString::fromStdString(k.kind);
    case Qt::ToolTipRole:
      if (column == Started) return tr("Operations of this kind that tasks started");
      if (column == Timed) return tr("Operations whose wait the probe timed (a sample, outside tasks too)");
      return {};
    case SortRole:
      switch (column) {
        case Kind: return QString::fromStdString(k.kind);
        case Started: return qulonglong(k.count);
        case Timed: return qulonglong(k.waits.count);
        default: return qlonglong(duration().count());
      }
    case Qt::DisplayRole:
      switch (column) {
        case Kind: return QString::fromStdString(k.kind);
        case Started: return QString::number(k.count);
        case Timed: return QString::number(k.waits.count);
        default: return k.waits.count ? formatDuration(duration()) : QString();
      }
  }
  return {};
}

}  // namespace coroscope::viewer
