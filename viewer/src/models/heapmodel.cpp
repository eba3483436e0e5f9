// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "models/heapmodel.hpp"

#include <QColor>

#include "format.hpp"

namespace coroscope::viewer {
namespace {

QString leafFunction(const std::vector<heap_frame>& stack) {
  return stack.empty() ? QStringLiteral("[unknown]") : QString::fromStdString(stack.front().function);
}

QString leafLocation(const std::vector<heap_frame>& stack) {
  return stack.empty() ? QString() : formatLocation(stack.front().file, stack.front().line);
}

QString kindText(unsigned kinds) {
  QStringList out;
  if (kinds & heap_leak_growing) out << QObject::tr("growing");
  if (kinds & heap_leak_old) out << QObject::tr("old");
  if (kinds & heap_leak_outlived_task) out << QObject::tr("outlived task");
  return out.join(QStringLiteral(", "));
}

QVariant rightAligned() { return QVariant(Qt::AlignRight | Qt::AlignVCenter); }

}  // namespace

QString formatHeapStack(const std::vector<heap_frame>& stack) {
  QStringList lines;
  for (const heap_frame& f : stack) {
    const QString where = formatLocation(f.file, f.line);
    lines << (where.isEmpty() ? QString::fromStdString(f.function)
                              : QString::fromStdString(f.function) + QStringLiteral("  ") + where);
  }
  return lines.join(QLatin1Char('\n'));
}

HeapSiteModel::HeapSiteModel(QObject* parent)
    : ResultsTableModel({tr("Function"), tr("Task"), tr("In use"), tr("Objects"), tr("Allocated"),
                         tr("Allocations"), tr("Location")},
                        parent) {}

QString HeapSiteModel::stackText(int row) const {
  const auto& r = results();
  if (!r || row < 0 || row >= rowsIn(*r)) return {};
  return formatHeapStack(r->heap->sites[std::size_t(row)].stack);
}

QVariant HeapSiteModel::cell(const Results& r, int row, int column, int role) const {
  const heap_site_info& s = r.heap->sites[std::size_t(row)];
  switch (role) {
    case FilterRole: return leafFunction(s.stack) + QLatin1Char(' ') + QString::fromStdString(s.task);
    case Qt::ToolTipRole: return formatHeapStack(s.stack);
    case Qt::TextAlignmentRole:
      return column >= InUse && column <= Allocations ? rightAligned() : QVariant();
    case SortRole:
      switch (column) {
        case InUse: return qulonglong(s.inuse_bytes);
        case Objects: return qulonglong(s.inuse_objects);
        case Allocated: return qulonglong(s.alloc_bytes);
        case Allocations: return qulonglong(s.alloc_objects);
        default: break;
      }
      [[fallthrough]];
    case Qt::DisplayRole:
      switch (column) {
        case Function: return leafFunction(s.stack);
        case Task: return QString::fromStdString(s.task);
        case InUse: return formatBytes(std::int64_t(s.inuse_bytes));
        case Objects: return QString::number(s.inuse_objects);
        case Allocated: return formatBytes(std::int64_t(s.alloc_bytes));
        case Allocations: return QString::number(s.alloc_objects);
        case Location: return leafLocation(s.stack);
      }
  }
  return {};
}

LeakSuspectModel::LeakSuspectModel(QObject* parent)
    : ResultsTableModel({tr("Why"), tr("Function"), tr("Task"), tr("In use"), tr("Growth"),
                         tr("Oldest"), tr("Task spawned at"), tr("Message")},
                        parent) {}

QString LeakSuspectModel::stackText(int row) const {
  const auto& r = results();
  if (!r || row < 0 || row >= rowsIn(*r)) return {};
  const heap_leak_suspect_info& s = r->heap->leak_suspects[std::size_t(row)];
  QString text = QString::fromStdString(s.message) + QLatin1Char('\n');
  if (!s.task.empty()) text += tr("task: %1\n").arg(QString::fromStdString(s.task));
  if (!s.spawn_site.empty()) text += tr("task spawned at: %1\n").arg(QString::fromStdString(s.spawn_site));
  return text + QLatin1Char('\n') + formatHeapStack(s.stack);
}

QVariant LeakSuspectModel::cell(const Results& r, int row, int column, int role) const {
  const heap_leak_suspect_info& s = r.heap->leak_suspects[std::size_t(row)];
  switch (role) {
    case FilterRole:
      return leafFunction(s.stack) + QLatin1Char(' ') + QString::fromStdString(s.task + ' ' + s.message);
    case Qt::ToolTipRole: return formatHeapStack(s.stack);
    case Qt::TextAlignmentRole:
      return column == InUse || column == Growth || column == OldestAge ? rightAligned() : QVariant();
    case Qt::ForegroundRole:
      return column == Kind ? QVariant(QColor(0xb0, 0x60, 0x00)) : QVariant();
    case SortRole:
      switch (column) {
        case InUse: return qulonglong(s.inuse_bytes);
        case Growth: return qlonglong(s.growth_bytes);
        case OldestAge: return qlonglong(s.oldest_age.count());
        default: break;
      }
      [[fallthrough]];
    case Qt::DisplayRole:
      switch (column) {
        case Kind: return kindText(s.kinds);
        case Function: return leafFunction(s.stack);
        case Task: return QString::fromStdString(s.task);
        case InUse: return formatBytes(std::int64_t(s.inuse_bytes));
        case Growth: return s.growth_bytes == 0 ? QString() : formatBytes(s.growth_bytes);
        case OldestAge: return s.oldest_age.count() > 0 ? formatDuration(s.oldest_age) : QString();
        case SpawnSite: return QString::fromStdString(s.spawn_site);
        case Message: return QString::fromStdString(s.message);
      }
  }
  return {};
}

}  // namespace coroscope::viewer
