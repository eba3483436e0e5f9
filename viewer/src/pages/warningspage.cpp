// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/warningspage.hpp"

#include <QTableView>
#include <QVBoxLayout>

#include "models/warningmodel.hpp"
#include "pages/resultstable.hpp"

namespace coroscope::viewer {

WarningsPage::WarningsPage(QWidget* parent) : ResultsPage(parent), m_model(new WarningModel(this)) {
  m_view = sortedResultsTable(m_model, this);
  m_view->setToolTip(tr("Click a warning to go to its task"));
  m_view->setColumnWidth(WarningModel::Lint, 160);
  m_view->setColumnWidth(WarningModel::TaskName, 180);
  m_view->setColumnWidth(WarningModel::Message, 480);
  const auto goToTask = [this](const QModelIndex& i) { emit taskActivated(i.data(TaskIdRole).toULongLong()); };
  connect(m_view, &QTableView::activated, this, goToTask);
  connect(m_view, &QTableView::clicked, this, goToTask);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_view);
}

QString WarningsPage::title() const {
  const Results* r = m_model->results().get();
  return !r || r->warnings.empty() ? tr("Warnings") : tr("Warnings (%1)").arg(r->warnings.size());
}

void WarningsPage::setResults(const ResultsPtr& results) { m_model->setResults(results); }

}  // namespace coroscope::viewer
