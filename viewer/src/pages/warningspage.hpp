// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "pages/resultspage.hpp"

class QTableView;

namespace coroscope::viewer {

class WarningModel;

/// The Warnings tab: the probe's lint findings; its title counts them. Clicking a
/// warning asks for its task with `taskActivated`.
class WarningsPage : public ResultsPage {
  Q_OBJECT
 public:
  explicit WarningsPage(QWidget* parent = nullptr);

  void setResults(const ResultsPtr& results) override;
  QString title() const override;

  WarningModel* model() const { return m_model; }
  QTableView* view() const { return m_view; }

 signals:
  /// A warning was clicked or activated: show task `taskId`.
  void taskActivated(quint64 taskId);

 private:
  WarningModel* m_model;
  QTableView* m_view;
};

}  // namespace coroscope::viewer
