// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "models/taskmodel.hpp"

#include <QColor>
#include <QPalette>

#include <unordered_map>

#include "format.hpp"

namespace coroscope::viewer {

TaskModel::TaskModel(QObject* parent) : QAbstractItemModel(parent) {}

void TaskModel::setResults(ResultsPtr results) {
  if (results && m_results && sameStructure(*results)) {
    m_results = std::move(results);
    emitChanged(-1);
    return;
  }
  beginResetModel();
  m_results = std::move(results);
  rebuildStructure();
  endResetModel();
}

void TaskModel::setTreeMode(bool tree) {
  if (tree == m_tree) return;
  beginResetModel();
  m_tree = tree;
  rebuildStructure();
  endResetModel();
}

bool TaskModel::sameStructure(const Results& next) const {
  const auto& a = m_results->tasks;
  const auto& b = next.tasks;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].info.id != b[i].info.id || a[i].info.parent_id != b[i].info.parent_id) return false;
  return true;
}

void TaskModel::rebuildStructure() {
  const std::size_t n = m_results ? m_results->tasks.size() : 0;
  m_parent.assign(n, -1);
  m_row.assign(n, 0);
  m_children.assign(n, {});
  m_roots.clear();
  std::unordered_map<std::uint64_t, int> position;
  if (m_tree) {
    position.reserve(n);
    for (std::size_t i = 0; i < n; ++i) position.emplace(m_results->tasks[i].info.id, int(i));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto& t = m_results->tasks[i].info;
    int parent = -1;
    if (m_tree && t.parent_id != 0 && t.parent_id != t.id) {
      const auto it = position.find(t.parent_id);
      // Ids grow with spawn order, so a parent sorts before its children: no cycles.
      if (it != position.end() && it->second < int(i)) parent = it->second;
    }
    m_parent[i] = parent;
    auto& siblings = parent < 0 ? m_roots : m_children[std::size_t(parent)];
    m_row[i] = int(siblings.size());
    siblings.push_back(int(i));
  }
}

void TaskModel::emitChanged(int node) {
  const auto& kids = node < 0 ? m_roots : m_children[std::size_t(node)];
  if (kids.empty()) return;
  const QModelIndex parent = node < 0 ? QModelIndex() : createIndex(m_row[std::size_t(node)], 0, quintptr(node));
  emit dataChanged(index(0, 0, parent), index(int(kids.size()) - 1, ColumnCount - 1, parent));
  if (m_tree)
    for (int k : kids) emitChanged(k);
}

QModelIndex TaskModel::indexOfTask(std::uint64_t id) const {
  if (!m_results) return {};
  const int i = m_results->taskIndex(id);
  return i < 0 ? QModelIndex() : createIndex(m_row[std::size_t(i)], 0, quintptr(i));
}

const TaskRow* TaskModel::taskAt(const QModelIndex& index) const {
  if (!index.isValid() || index.model() != this || !m_results) return nullptr;
  return &m_results->tasks[index.internalId()];
}

QModelIndex TaskModel::index(int row, int column, const QModelIndex& parent) const {
  if (row < 0 || column < 0 || column >= ColumnCount || (parent.isValid() && parent.column() != 0))
    return {};
  const auto& kids = parent.isValid() ? m_children[parent.internalId()] : m_roots;
  if (row >= int(kids.size())) return {};
  return createIndex(row, column, quintptr(kids[std::size_t(row)]));
}

QModelIndex TaskModel::parent(const QModelIndex& child) const {
  if (!child.isValid()) return {};
  const int p = m_parent[child.internalId()];
  return p < 0 ? QModelIndex() : createIndex(m_row[std::size_t(p)], 0, quintptr(p));
}

int TaskModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return int(m_roots.size());
  if (parent.column() != 0) return 0;
  return int(m_children[parent.internalId()].size());
}

int TaskModel::columnCount(const QModelIndex&) const { return ColumnCount; }

namespace {

QString fieldsOf(const task_info& t) {
  QStringList fields;
  if (t.parent_id) fields << QStringLiteral("parent=%1").arg(t.parent_id);
  if (!t.trace_id.empty())
    fields << QStringLiteral("trace=%1").arg(QString::fromStdString(t.trace_id.substr(0, 8)));
  if (t.slow_polls) fields << QStringLiteral("slow_polls=%1").arg(t.slow_polls);
  if (t.failed) fields << QStringLiteral("failed");
  return fields.join(QLatin1Char(' '));
}

}  // namespace

QVariant TaskModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const TaskRow& row = m_results->tasks[index.internalId()];
  const task_info& t = row.info;
  const int column = index.column();
  switch (role) {
    case TaskIdRole: return qulonglong(t.id);
    case CompletedRole: return row.isCompleted();
    case FilterRole:
      return QString::fromStdString(t.name) + QLatin1Char(' ') + stateName(t.state) +
             QLatin1Char(' ') + QString::fromStdString(t.spawn_location.file) + QLatin1Char(':') +
             QString::number(t.spawn_location.line);
    case Qt::ForegroundRole:
      if (row.isCompleted()) return QColor(Qt::gray);
      if (column == Warnings && row.warnings) return QColor(0xb0, 0x60, 0x00);
      return {};
    case Qt::TextAlignmentRole:
      return column == Id || (column >= Total && column <= Polls)
                 ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                 : QVariant();
    case Qt::ToolTipRole:
      if (column == Location)
        return QString::fromStdString(t.spawn_location.function + "\n" + t.spawn_location.file +
                                      ':' + std::to_string(t.spawn_location.line));
      if (column == Warnings && row.warnings) return tr("%n warning(s)", nullptr, row.warnings);
      if (row.retained) return tr("completed; kept by the console after the probe dropped it");
      return {};
    case SortRole:
      switch (column) {
        case Warnings: return row.warnings;
        case Id: return qulonglong(t.id);
        case State: return int(t.state);
        case Name: return QString::fromStdString(t.name);
        case Total: return qlonglong(t.total.count());
        case Busy: return qlonglong(t.busy.count());
        case Scheduled: return qlonglong(t.scheduled.count());
        case Idle: return qlonglong(t.idle.count());
        case Polls: return qulonglong(t.polls);
        case Location: return formatLocation(t.spawn_location.file, t.spawn_location.line);
        case Fields: return fieldsOf(t);
      }
      return {};
    case Qt::DisplayRole:
      switch (column) {
        case Warnings: return row.warnings ? QStringLiteral("⚠ %1").arg(row.warnings) : QString();
        case Id: return QString::number(t.id);
        case State: return stateName(t.state);
        case Name: return QString::fromStdString(t.name);
        case Total: return formatDuration(t.total);
        case Busy: return formatDuration(t.busy);
        case Scheduled: return formatDuration(t.scheduled);
        case Idle: return formatDuration(t.idle);
        case Polls: return QString::number(t.polls);
        case Location: return formatLocation(t.spawn_location.file, t.spawn_location.line);
        case Fields: return fieldsOf(t);
      }
  }
  return {};
}

QVariant TaskModel::headerData(int section, Qt::Orientation orientation, int role) const {
  static const char* const names[] = {"Warn", "ID", "State", "Name", "Total", "Busy",
                                      "Sched", "Idle", "Polls", "Location", "Fields"};
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
  if (role == Qt::DisplayRole) return tr(names[section]);
  return {};
}

TaskFilterProxy::TaskFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(SortRole);
  setRecursiveFilteringEnabled(true);
  setDynamicSortFilter(true);
}

const TaskModel* TaskFilterProxy::taskModel() const {
  return qobject_cast<const TaskModel*>(sourceModel());
}

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

/// ASCII case-insensitive substring test; `needle` is lower case already.
bool containsNoCase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

const char* stateText(task_state s) {
  switch (s) {
    case task_state::running: return "running";
    case task_state::scheduled: return "scheduled";
    case task_state::idle: return "idle";
    case task_state::completed: return "completed";
  }
  return "";
}

template <class T>
int compare3(const T& a, const T& b) { return a < b ? -1 : (b < a ? 1 : 0); }

}  // namespace

void TaskFilterProxy::setSearchText(const QString& text) {
  if (text == m_text) return;
  m_text = text;
  m_needle = text.toLower().toStdString();
  invalidateFilter();
}

bool TaskFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  if (m_needle.empty()) return true;
  const TaskModel* model = taskModel();
  const TaskRow* row = model ? model->taskAt(model->index(sourceRow, 0, sourceParent)) : nullptr;
  if (!row) return false;
  const task_info& t = row->info;
  if (containsNoCase(t.name, m_needle) || containsNoCase(stateText(t.state), m_needle) ||
      containsNoCase(t.spawn_location.file, m_needle))
    return true;
  // "file.cpp:42" spans the file and the line.
  if (m_needle.find(':') == std::string::npos) return false;
  thread_local std::string location;
  location.assign(t.spawn_location.file).append(1, ':').append(std::to_string(t.spawn_location.line));
  return containsNoCase(location, m_needle);
}

bool TaskFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
  const TaskModel* model = taskModel();
  const TaskRow* l = model ? model->taskAt(left) : nullptr;
  const TaskRow* r = model ? model->taskAt(right) : nullptr;
  if (!l || !r) return QSortFilterProxyModel::lessThan(left, right);
  const task_info& a = l->info;
  const task_info& b = r->info;
  int c = 0;
  switch (left.column()) {
    case TaskModel::Warnings: c = compare3(l->warnings, r->warnings); break;
    case TaskModel::Id: break;
    case TaskModel::State: c = compare3(int(a.state), int(b.state)); break;
    case TaskModel::Name: c = a.name.compare(b.name); break;
    case TaskModel::Total: c = compare3(a.total, b.total); break;
    case TaskModel::Busy: c = compare3(a.busy, b.busy); break;
    case TaskModel::Scheduled: c = compare3(a.scheduled, b.scheduled); break;
    case TaskModel::Idle: c = compare3(a.idle, b.idle); break;
    case TaskModel::Polls: c = compare3(a.polls, b.polls); break;
    case TaskModel::Location:
      c = a.spawn_location.file.compare(b.spawn_location.file);
      if (c == 0) c = compare3(a.spawn_location.line, b.spawn_location.line);
      break;
    case TaskModel::Fields: return QSortFilterProxyModel::lessThan(left, right);
  }
  // Ties by id: a stable order that does not shuffle between updates.
  return c != 0 ? c < 0 : a.id < b.id;
}

}  // namespace coroscope::viewer
