// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "models/awaitsitemodel.hpp"

#include <QColor>

#include "format.hpp"

namespace coroscope::viewer {

AwaitSiteModel::AwaitSiteModel(QObject* parent)
    : ResultsTableModel({tr("Await site"), tr("Location"), tr("Count"), tr("Slow"), tr("Total"),
                         tr("Mean"), tr("Max"), tr("p50"), tr("p90"), tr("p99")},
                        parent) {}

QVariant AwaitSiteModel::cell(const Results& r, int row, int column, int role) const {
  const await_site_info& s = r.awaitSites[std::size_t(row)];
  const auto mean = s.count ? s.total / std::int64_t(s.count) : std::chrono::nanoseconds{0};
  auto duration = [&]() -> std::chrono::nanoseconds {
    switch (column) {
      case Total: return s.total;
      case Mean: return mean;
      case Max: return s.max;
      case P50: return s.durations.p50;
      case P90: return s.durations.p90;
      case P99: return s.durations.p99;
    }
    return {};
  };
  switch (role) {
    case Qt::TextAlignmentRole:
      return column <= Location ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
      return column == Location ? QString::fromStdString(s.file) : QVariant();
    case FilterRole:
      return QString::fromStdString(s.name + ' ' + s.file);
    case Qt::ForegroundRole:
      return column == Slow && s.slow_count ? QVariant(QColor(Qt::darkRed)) : QVariant();
    case SortRole:
      switch (column) {
        case Name: return QString::fromStdString(s.name);
        case Location: return formatLocation(s.file, s.line);
        case Count: return qulonglong(s.count);
        case Slow: return qulonglong(s.slow_count);
        default: return qlonglong(duration().count());
      }
    case Qt::DisplayRole:
      switch (column) {
        case Name: return QString::fromStdString(s.name);
        case Location: return formatLocation(s.file, s.line);
        case Count: return QString::number(s.count);
        case Slow: return QString::number(s.slow_count);
        default: return formatDuration(duration());
      }
  }
  return {};
}

}  // namespace coroscope::viewer
