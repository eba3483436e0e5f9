// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/awaitsitespage.hpp"

#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "models/awaitsitemodel.hpp"
#include "models/slowawaitmodel.hpp"
#include "pages/resultstable.hpp"

namespace coroscope::viewer {

AwaitSitesPage::AwaitSitesPage(QWidget* parent)
    : ResultsPage(parent), m_siteModel(new AwaitSiteModel(this)), m_slowModel(new SlowAwaitModel(this)) {
  auto* split = new QSplitter(Qt::Vertical, this);
  auto* sites = sortedResultsTable(m_siteModel, split);
  sites->setColumnWidth(AwaitSiteModel::Name, 320);
  sites->setColumnWidth(AwaitSiteModel::Location, 180);
  auto* logBox = new QWidget(split);
  auto* logLayout = new QVBoxLayout(logBox);
  logLayout->setContentsMargins(0, 0, 0, 0);
  logLayout->addWidget(new QLabel(tr("<b>Slow-await log</b> — each growth of a site's slow count"), logBox));
  auto* log = sortedResultsTable(m_slowModel, logBox);
  log->setColumnWidth(SlowAwaitModel::Site, 320);
  logLayout->addWidget(log);
  split->addWidget(sites);
  split->addWidget(logBox);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);
}

QString AwaitSitesPage::title() const { return tr("Await sites"); }

void AwaitSitesPage::setResults(const ResultsPtr& results) {
  m_siteModel->setResults(results);
  m_slowModel->setResults(results);
}

}  // namespace coroscope::viewer
