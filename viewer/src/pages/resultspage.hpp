// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QWidget>

#include "results.hpp"

namespace coroscope::viewer {

/// One tab of the console window over one part of the results. The page owns its models
/// and views; `MainWindow` hands every page each new results value and names the page's
/// tab with `title()`. Pages know nothing of the session (live, replay or launch) and
/// talk to the window only through their signals. GUI thread only.
class ResultsPage : public QWidget {
 public:
  using QWidget::QWidget;

  /// Shows `results` (never null) in the page's models and views.
  virtual void setResults(const ResultsPtr& results) = 0;
  /// The tab's text for the results shown last, e.g. "Warnings (2)".
  virtual QString title() const = 0;
};

}  // namespace coroscope::viewer
