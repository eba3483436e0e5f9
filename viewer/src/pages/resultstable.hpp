// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

class QAbstractItemModel;
class QObject;
class QSortFilterProxyModel;
class QTableView;
class QWidget;

namespace coroscope::viewer {

/// A proxy over `source` that sorts by `SortRole` (the raw value, not the shown text).
QSortFilterProxyModel* sortingProxy(QAbstractItemModel* source, QObject* parent);
/// The table every page uses: sortable by a header click, whole rows selected, no row
/// numbers, alternating colours, the last column stretched.
QTableView* resultsTable(QAbstractItemModel* model, QWidget* parent);
/// `resultsTable` over a `sortingProxy` of `source`.
QTableView* sortedResultsTable(QAbstractItemModel* source, QWidget* parent);

}  // namespace coroscope::viewer
