// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include "pages/resultspage.hpp"

class QLabel;
class QPlainTextEdit;
class QTableView;

namespace coroscope::viewer {

class HeapSiteModel;
class LeakSuspectModel;

/// The Heap tab: a headline with the in-use and RSS figures (or why there is no heap
/// data), the top live allocation sites and the leak suspects, each table with the
/// allocation stack of its selected row beside it.
class HeapPage : public ResultsPage {
  Q_OBJECT
 public:
  explicit HeapPage(QWidget* parent = nullptr);

  void setResults(const ResultsPtr& results) override;
  QString title() const override;

  HeapSiteModel* siteModel() const { return m_siteModel; }
  LeakSuspectModel* leakSuspectModel() const { return m_leakModel; }
  QTableView* siteView() const { return m_siteView; }
  QTableView* leakSuspectView() const { return m_leakView; }
  /// The headline: in-use and RSS figures, or why there is no heap data.
  QString summaryText() const;
  /// The stack panes: of the selected site, of the selected suspect.
  QString siteStackText() const;
  QString leakSuspectStackText() const;

 private:
  void refresh(const heap_view* heap);
  void refreshStacks();

  HeapSiteModel* m_siteModel;
  LeakSuspectModel* m_leakModel;
  QLabel* m_summary;
  QWidget* m_content;
  QTableView* m_siteView;
  QTableView* m_leakView;
  QPlainTextEdit* m_siteStack = nullptr;
  QPlainTextEdit* m_leakStack = nullptr;
};

}  // namespace coroscope::viewer
