// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "pages/resultspage.hpp"

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace coroscope::viewer {

class OperationKindModel;
class ResourceModel;

/// The Resources tab: the searchable table of I/O objects under a headline (how many,
/// open and closed, forgotten by the probe), and below it the operations by kind. Its
/// title counts the resources. Activating a resource asks for its last task with
/// `taskActivated`.
class ResourcesPage : public ResultsPage {
  Q_OBJECT
 public:
  explicit ResourcesPage(QWidget* parent = nullptr);

  void setResults(const ResultsPtr& results) override;
  QString title() const override;

  ResourceModel* model() const { return m_model; }
  /// The search box's filter and the sort, between `model()` and `view()`.
  QSortFilterProxyModel* proxy() const { return m_proxy; }
  QTableView* view() const { return m_view; }
  OperationKindModel* operationKindModel() const { return m_operationKindModel; }
  /// The headline: how many resources, open and closed, forgotten by the probe.
  QString summaryText() const;

 signals:
  /// A resource was activated: show its last task, `taskId`.
  void taskActivated(quint64 taskId);

 private:
  ResourceModel* m_model;
  QSortFilterProxyModel* m_proxy;
  OperationKindModel* m_operationKindModel;
  QLabel* m_summary;
  QTableView* m_view;
};

}  // namespace coroscope::viewer
