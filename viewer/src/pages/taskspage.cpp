// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/taskspage.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

#include "format.hpp"
#include "models/taskmodel.hpp"
#include "taskdetailwidget.hpp"

namespace coroscope::viewer {

TasksPage::TasksPage(QWidget* parent)
    : ResultsPage(parent), m_model(new TaskModel(this)), m_proxy(new TaskFilterProxy(this)) {
  m_proxy->setSourceModel(m_model);

  auto* top = new QWidget(this);
  auto* layout = new QVBoxLayout(top);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  m_search = new QLineEdit(top);
  m_search->setPlaceholderText(tr("Search name, state or location…"));
  m_search->setClearButtonEnabled(true);
  connect(m_search, &QLineEdit::textChanged, m_proxy, &TaskFilterProxy::setSearchText);
  m_counts = new QLabel(top);
  m_counts->setToolTip(tr("(no task): handlers that ran outside any task, such as callbacks of "
                          "operations that main() or a plain thread started"));
  bar->addWidget(m_search, 1);
  bar->addWidget(m_counts);
  layout->addLayout(bar);

  m_view = new QTreeView(top);
  m_view->setModel(m_proxy);
  m_view->setSortingEnabled(true);
  m_view->sortByColumn(TaskModel::Id, Qt::AscendingOrder);
  m_view->setRootIsDecorated(false);
  m_view->setUniformRowHeights(true);
  m_view->setAlternatingRowColors(true);
  m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_view->header()->setStretchLastSection(true);
  m_view->setColumnWidth(TaskModel::Warnings, 50);
  m_view->setColumnWidth(TaskModel::Id, 60);
  m_view->setColumnWidth(TaskModel::State, 80);
  m_view->setColumnWidth(TaskModel::Name, 200);
  m_view->setColumnWidth(TaskModel::Location, 180);
  connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
    m_requestedDetailsFor = 0;
    refreshDetail();
  });
  // A reset (new tasks) loses the tree's expansion: the tree view shows everything open.
  connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] {
    if (m_model->treeMode()) m_view->expandAll();
  });
  layout->addWidget(m_view);

  m_detail = new TaskDetailWidget(this);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(top);
  split->addWidget(m_detail);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* pageLayout = new QVBoxLayout(this);
  pageLayout->setContentsMargins(0, 0, 0, 0);
  pageLayout->addWidget(split);
}

QString TasksPage::title() const { return tr("Tasks"); }

void TasksPage::setResults(const ResultsPtr& results) {
  m_results = results;
  m_model->setResults(results);
  // With nothing selected, select the first task: the detail pane is never idle.
  if (!m_view->currentIndex().isValid() && m_proxy->rowCount() > 0)
    m_view->setCurrentIndex(m_proxy->index(0, 0));
  refreshCounts();
  refreshDetail();
}

void TasksPage::setTreeMode(bool tree) {
  m_model->setTreeMode(tree);
  m_view->setRootIsDecorated(tree);
  if (tree) m_view->expandAll();
}

bool TasksPage::selectTask(std::uint64_t id) {
  const QModelIndex source = m_model->indexOfTask(id);
  if (!source.isValid()) return false;
  QModelIndex proxied = m_proxy->mapFromSource(source);
  if (!proxied.isValid()) {
    m_search->clear();
    m_proxy->setSearchText(QString());
    proxied = m_proxy->mapFromSource(source);
  }
  m_view->setCurrentIndex(proxied);
  m_view->scrollTo(proxied);
  return proxied.isValid();
}

void TasksPage::setTaskDetails(const task_details& details) { m_detail->setDetails(details); }

QString TasksPage::countsText() const { return m_counts->text(); }

void TasksPage::refreshCounts() {
  QString counts = tr("%1 running, %2 scheduled, %3 idle, %4 completed")
                       .arg(m_results->running)
                       .arg(m_results->scheduled)
                       .arg(m_results->idle)
                       .arg(m_results->completed);
  // Handlers no task started: shown with the tasks, never dropped.
  const no_task_info& none = m_results->noTask;
  if (none.polls || none.busy.count())
    counts += tr(" · (no task): %1 polls, %2 busy").arg(none.polls).arg(formatDuration(none.busy));
  m_counts->setText(counts);
}

void TasksPage::refreshDetail() {
  const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
  const TaskRow* row = m_model->taskAt(current);
  m_detail->showTask(row, m_results.get());
  if (!row) return;
  // Live: ask again each update while the task runs; once for a finished one.
  if (!row->isCompleted() || m_requestedDetailsFor != row->info.id) {
    if (!row->retained) emit taskDetailsWanted(row->info.id);
    m_requestedDetailsFor = row->info.id;
  }
}

}  // namespace coroscope::viewer
