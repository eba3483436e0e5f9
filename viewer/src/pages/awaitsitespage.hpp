// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "pages/resultspage.hpp"

namespace coroscope::viewer {

class AwaitSiteModel;
class SlowAwaitModel;

/// The Await sites tab: every `TIMED_AWAIT` site with its waits, and below it the
/// slow-await log (each growth of a site's slow count).
class AwaitSitesPage : public ResultsPage {
  Q_OBJECT
 public:
  explicit AwaitSitesPage(QWidget* parent = nullptr);

  void setResults(const ResultsPtr& results) override;
  QString title() const override;

  AwaitSiteModel* siteModel() const { return m_siteModel; }
  SlowAwaitModel* slowAwaitModel() const { return m_slowModel; }

 private:
  AwaitSiteModel* m_siteModel;
  SlowAwaitModel* m_slowModel;
};

}  // namespace coroscope::viewer
