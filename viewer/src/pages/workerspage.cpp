// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/workerspage.hpp"

#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

#include "models/workermodel.hpp"
#include "pages/resultstable.hpp"
#include "sparklinedelegate.hpp"

namespace coroscope::viewer {

WorkersPage::WorkersPage(QWidget* parent) : ResultsPage(parent), m_model(new WorkerModel(this)) {
  auto* view = sortedResultsTable(m_model, this);
  view->setItemDelegateForColumn(WorkerModel::Busy, new SparklineDelegate(view));
  view->setColumnWidth(WorkerModel::Worker, 140);
  view->setColumnWidth(WorkerModel::Busy, 260);
  view->verticalHeader()->setDefaultSectionSize(28);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view);
}

QString WorkersPage::title() const { return tr("Workers"); }

void WorkersPage::setResults(const ResultsPtr& results) { m_model->setResults(results); }

}  // namespace coroscope::viewer
