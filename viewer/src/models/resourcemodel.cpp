// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "models/resourcemodel.hpp"

#include <QColor>

#include <algorithm>

#include "format.hpp"

namespace coroscope::viewer {

ResourceModel::ResourceModel(QObject* parent)
    : ResultsTableModel({tr("ID"), tr("Kind"), tr("Handle"), tr("State"), tr("Timed ops"), tr("p50"),
                         tr("p99"), tr("Max"), tr("Last task")},
                        parent) {}

bool ResourceModel::sameRows(const Results& previous, const Results& next) const {
  return std::equal(previous.resources.begin(), previous.resources.end(), next.resources.begin(),
                    next.resources.end(),
                    [](const resource_info& a, const resource_info& b) { return a.id == b.id; });
}

namespace {

/// "7 reader": the task's current name when it is listed (the name the probe kept with the
/// resource may predate the task's naming), else the kept one.
QString lastTask(const Results& r, const resource_info& res) {
  if (res.last_task_id == 0) return {};
  const int i = r.taskIndex(res.last_task_id);
  const std::string& name = i >= 0 ? r.tasks[std::size_t(i)].info.name : res.last_task_name;
  return QStringLiteral("%1 %2").arg(res.last_task_id).arg(QString::fromStdString(name));
}

}  // namespace

QVariant ResourceModel::cell(const Results& r, int row, int column, int role) const {
  const resource_info& res = r.resources[std::size_t(row)];
  const QString handle = res.native_handle >= 0 ? QString::number(res.native_handle) : QString();
  const QString state = res.closed ? tr("closed") : tr("open");
  switch (role) {
    case TaskIdRole: return qulonglong(res.last_task_id);
    case FilterRole:
      return QStringLiteral("%1 %2 %3 %4")
          .arg(QString::fromStdString(res.kind), handle, state, lastTask(r, res));
    case Qt::ForegroundRole: return res.closed ? QVariant(QColor(Qt::gray)) : QVariant();
    case Qt::TextAlignmentRole:
      return column == Kind || column == State || column == LastTask
                 ? QVariant()
                 : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
      if (column == Handle) return tr("The file descriptor (sockets and descriptors)");
      if (column == TimedOps) return tr("Operations on it that the probe timed (a sample of all)");
      if (column == LastTask && res.last_task_id) return tr("Double-click to go to the task");
      return {};
    case SortRole:
      switch (column) {
        case Id: return qulonglong(res.id);
        case Kind: return QString::fromStdString(res.kind);
        case Handle: return qlonglong(res.native_handle);
        case State: return res.closed;
        case TimedOps: return qulonglong(res.timed_operations);
        case P50: return qlonglong(res.waits.p50.count());
        case P99: return qlonglong(res.waits.p99.count());
        case Max: return qlonglong(res.waits.max.count());
        case LastTask: return lastTask(r, res);
      }
      return {};
    case Qt::DisplayRole:
      switch (column) {
        case Id: return QString::number(res.id);
        case Kind: return QString::fromStdString(res.kind);
        case Handle: return handle;
        case State: return state;
        case TimedOps: return QString::number(res.timed_operations);
        case P50: return res.timed_operations ? formatDuration(res.waits.p50) : QString();
        case P99: return res.timed_operations ? formatDuration(res.waits.p99) : QString();
        case Max: return res.timed_operations ? formatDuration(res.waits.max) : QString();
        case LastTask: return lastTask(r, res);
      }
  }
  return {};
}

}  // namespace coroscope::viewer
