// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "models/slowawaitmodel.hpp"

#include "format.hpp"

namespace coroscope::viewer {

SlowAwaitModel::SlowAwaitModel(QObject* parent)
    : ResultsTableModel({tr("Time"), tr("Await site"), tr("Location"), tr("New slow"),
                         tr("Slow total"), tr("Max")},
                        parent) {}

bool SlowAwaitModel::sameRows(const Results& previous, const Results& next) const {
  const auto& a = previous.slowAwaits;
  const auto& b = next.slowAwaits;
  return a.size() == b.size() &&
         (a.empty() || (a.front().time == b.front().time && a.front().site == b.front().site &&
                        a.back().time == b.back().time && a.back().site == b.back().site));
}

QVariant SlowAwaitModel::cell(const Results& r, int row, int column, int role) const {
  const SlowAwaitEntry& e = r.slowAwaits[std::size_t(row)];
  switch (role) {
    case FilterRole: return QString::fromStdString(e.site + ' ' + e.location);
    case Qt::TextAlignmentRole:
      return column >= NewSlow ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case SortRole:
      switch (column) {
        case Time: return qlonglong(e.time.time_since_epoch().count());
        case NewSlow: return qulonglong(e.newSlow);
        case SlowTotal: return qulonglong(e.slowTotal);
        case Max: return qlonglong(e.max.count());
      }
      [[fallthrough]];
    case Qt::DisplayRole:
      switch (column) {
        case Time: return formatTime(e.time);
        case Site: return QString::fromStdString(e.site);
        case Location: return QString::fromStdString(e.location);
        case NewSlow: return QString::number(e.newSlow);
        case SlowTotal: return QString::number(e.slowTotal);
        case Max: return formatDuration(e.max);
      }
  }
  return {};
}

}  // namespace coroscope::viewer
