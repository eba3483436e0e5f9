// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QTimer>

#include <memory>

#include "coroscope/timeline.hpp"
#include "pages/resultspage.hpp"
#include "timeline/timelineindex.hpp"

class QLabel;

namespace coroscope::viewer {

class TimelineView;

/// The Timeline tab: the flight recorder's window as workers by time (TimelineView),
/// with a line saying what the window holds. While the tab is visible it asks for a
/// fresh window with `timelineWanted` once per `refreshInterval` (live sessions answer;
/// replay hands the recorded one to `setTimeline`). A click on a poll selects its task
/// here (its wake arrows) and asks the window to select it with `taskActivated`.
class TimelinePage : public ResultsPage {
  Q_OBJECT
 public:
  explicit TimelinePage(QWidget* parent = nullptr);

  /// Results carry no timeline: the page keeps what `setTimeline` gave it.
  void setResults(const ResultsPtr& results) override;
  QString title() const override;

  /// Shows a window (null: none yet).
  void setTimeline(std::shared_ptr<const timeline> t);
  /// The same with the index built already (the live backend builds it on its thread).
  void setIndex(TimelineIndexPtr index);
  /// Says why there is no window (e.g. the probe records none); clears the view.
  void setUnavailable(const QString& why);
  /// How often a visible page asks for a window; 0 stops asking.
  void setRefreshInterval(int ms);

  /// True while the page asks for windows (visible, with an interval).
  bool isRefreshing() const { return m_refresh.isActive(); }
  TimelineView* view() const { return m_view; }
  QString infoText() const;

 signals:
  void timelineWanted();
  void taskActivated(quint64 taskId);

 protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  TimelineView* m_view;
  QLabel* m_info;
  QTimer m_refresh;
};

}  // namespace coroscope::viewer
