// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "models/workermodel.hpp"

#include "format.hpp"

namespace coroscope::viewer {

WorkerModel::WorkerModel(QObject* parent)
    : ResultsTableModel({tr("Worker"), tr("Busy (recent)"), tr("Busy (total)"), tr("Polls"),
                         tr("Parks"), tr("Park time"), tr("Noop unparks"), tr("Steals"),
                         tr("Remote schedules"), tr("Migrations")},
                        parent) {}

QVariant WorkerModel::cell(const Results& r, int row, int column, int role) const {
  const WorkerRow& w = r.workers[std::size_t(row)];
  const worker_info& i = w.info;
  const double recent = w.busyHistory.empty() ? i.busy_ratio : w.busyHistory.back();
  if (role == HistoryRole && column == Busy)
    return QVariant::fromValue(QList<double>(w.busyHistory.begin(), w.busyHistory.end()));
  if (role == Qt::TextAlignmentRole)
    return column == Worker ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole && column == Busy)
    return tr("Busy share of each publish interval, last %1 intervals").arg(w.busyHistory.size());
  if (role == SortRole) {
    switch (column) {
      case Worker: return i.index;
      case Busy: return recent;
      case BusyTotal: return i.busy_ratio;
      case Polls: return qulonglong(i.polls);
      case Parks: return qulonglong(i.parks);
      case ParkTime: return qlonglong(i.park_time.count());
      case NoopUnparks: return qulonglong(i.noop_unparks);
      case Steals: return qulonglong(i.steals);
      case RemoteSchedules: return qulonglong(i.remote_schedules);
      case Migrations: return qulonglong(i.migrations);
    }
    return {};
  }
  if (role != Qt::DisplayRole) return {};
  auto percent = [](double v) { return QString::number(100 * v, 'f', 1) + QLatin1Char('%'); };
  switch (column) {
    case Worker: return i.running ? tr("worker %1").arg(i.index) : tr("worker %1 (stopped)").arg(i.index);
    case Busy: return percent(recent);
    case BusyTotal: return percent(i.busy_ratio);
    case Polls: return QString::number(i.polls);
    case Parks: return QString::number(i.parks);
    case ParkTime: return formatDuration(i.park_time);
    case NoopUnparks: return QString::number(i.noop_unparks);
    case Steals: return QString::number(i.steals);
    case RemoteSchedules: return QString::number(i.remote_schedules);
    case Migrations: return QString::number(i.migrations);
  }
  return {};
}

}  // namespace coroscope::viewer
