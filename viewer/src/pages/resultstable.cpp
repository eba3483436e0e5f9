// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/resultstable.hpp"

#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QTableView>

#include "models/tablemodel.hpp"

namespace coroscope::viewer {

QSortFilterProxyModel* sortingProxy(QAbstractItemModel* source, QObject* parent) {
  auto* proxy = new QSortFilterProxyModel(parent);
  proxy->setSourceModel(source);
  proxy->setSortRole(SortRole);
  return proxy;
}

QTableView* resultsTable(QAbstractItemModel* model, QWidget* parent) {
  auto* view = new QTableView(parent);
  view->setModel(model);
  view->setSortingEnabled(true);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->verticalHeader()->hide();
  view->horizontalHeader()->setStretchLastSection(true);
  view->setAlternatingRowColors(true);
  view->setWordWrap(false);
  return view;
}

QTableView* sortedResultsTable(QAbstractItemModel* source, QWidget* parent) {
  return resultsTable(sortingProxy(source, parent), parent);
}

}  // namespace coroscope::viewer
