// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/resourcespage.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "models/operationkindmodel.hpp"
#include "models/resourcemodel.hpp"
#include "pages/resultstable.hpp"

namespace coroscope::viewer {

ResourcesPage::ResourcesPage(QWidget* parent)
    : ResultsPage(parent),
      m_model(new ResourceModel(this)),
      m_proxy(sortingProxy(m_model, this)),
      m_operationKindModel(new OperationKindModel(this)) {
  m_proxy->setFilterRole(FilterRole);
  m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

  auto* split = new QSplitter(Qt::Vertical, this);
  auto* top = new QWidget(split);
  auto* layout = new QVBoxLayout(top);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  auto* search = new QLineEdit(top);
  search->setPlaceholderText(tr("Search kind, handle, state or last task…"));
  search->setClearButtonEnabled(true);
  connect(search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
  m_summary = new QLabel(top);
  bar->addWidget(search, 1);
  bar->addWidget(m_summary);
  layout->addLayout(bar);

  m_view = resultsTable(m_proxy, top);
  m_view->sortByColumn(ResourceModel::TimedOps, Qt::DescendingOrder);
  m_view->setColumnWidth(ResourceModel::Kind, 110);
  connect(m_view, &QTableView::activated, this, [this](const QModelIndex& i) {
    if (const auto id = i.data(TaskIdRole).toULongLong()) emit taskActivated(id);
  });
  layout->addWidget(m_view, 1);

  auto* kinds = new QWidget(split);
  auto* kindsLayout = new QVBoxLayout(kinds);
  kindsLayout->setContentsMargins(0, 0, 0, 0);
  kindsLayout->addWidget(new QLabel(
      tr("<b>Operations by kind</b> — started by tasks; waits from start to completion, timed"), kinds));
  auto* kindView = sortedResultsTable(m_operationKindModel, kinds);
  kindView->setColumnWidth(OperationKindModel::Kind, 160);
  kindView->sortByColumn(OperationKindModel::Started, Qt::DescendingOrder);
  kindsLayout->addWidget(kindView);
  split->addWidget(top);
  split->addWidget(kinds);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  auto* pageLayout = new QVBoxLayout(this);
  pageLayout->setContentsMargins(0, 0, 0, 0);
  pageLayout->addWidget(split);
}

QString ResourcesPage::title() const {
  const Results* r = m_model->results().get();
  return !r || r->resources.empty() ? tr("Resources") : tr("Resources (%1)").arg(r->resources.size());
}

QString ResourcesPage::summaryText() const { return m_summary->text(); }

void ResourcesPage::setResults(const ResultsPtr& results) {
  m_model->setResults(results);
  m_operationKindModel->setResults(results);
  std::size_t closed = 0;
  for (const auto& r : results->resources) closed += r.closed;
  QString text = tr("%1 resources (%2 open, %3 closed)")
                     .arg(results->resources.size())
                     .arg(results->resources.size() - closed)
                     .arg(closed);
  if (results->counts.dropped_resources)
    text += tr(" · %1 forgotten by the probe to stay bounded").arg(results->counts.dropped_resources);
  m_summary->setText(text);
}

}  // namespace coroscope::viewer
