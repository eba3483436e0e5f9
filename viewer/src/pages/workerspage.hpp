// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "pages/resultspage.hpp"

namespace coroscope::viewer {

class WorkerModel;

/// The Workers tab: one row per worker thread, its busy ratio drawn as a sparkline.
class WorkersPage : public ResultsPage {
  Q_OBJECT
 public:
  explicit WorkersPage(QWidget* parent = nullptr);

  void setResults(const ResultsPtr& results) override;
  QString title() const override;

  WorkerModel* model() const { return m_model; }

 private:
  WorkerModel* m_model;
};

}  // namespace coroscope::viewer
