// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QTimer>

#include <memory>

#include "coroscope/timeline.hpp"
#include "pages/resultspage.hpp"
#include "timeline/timelineindex.hpp"

class QLabel;
class QPushButton;

namespace coroscope::viewer {

class TimelineView;

/// The Timeline tab: the flight recorder's window as workers by time (TimelineView),
/// with a line saying what the window holds. While the tab is visible it asks for a
/// fresh window with `timelineWanted` once per `refreshInterval` (live sessions answer;
/// replay hands the recorded one to `setTimeline`). A click on a poll selects its task
/// here (its wake arrows) and asks the window to select it with `taskActivated`. "Write
/// trace" asks the probe to write its window (with CPU samples and counters, which the
/// tab leaves out) as a Perfetto trace file on its host (`traceWanted`).
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
  /// Says where the probe wrote the trace the "Write trace" button asked for, or why not.
  void setTraceWritten(const QString& path, quint64 bytes, const QString& error);
  /// How often a visible page asks for a window; 0 stops asking.
  void setRefreshInterval(int ms);

  /// True while the page asks for windows (visible, with an interval).
  bool isRefreshing() const { return m_refresh.isActive(); }
  TimelineView* view() const { return m_view; }
  QString infoText() const;
  QString traceText() const;
  QPushButton* writeTraceButton() const { return m_writeTrace; }

 signals:
  void timelineWanted();
  /// The "Write trace" button: the probe should write its window as a trace file.
  void traceWanted();
  void taskActivated(quint64 taskId);

 protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  TimelineView* m_view;
  QLabel* m_info;
  QPushButton* m_writeTrace;
  QLabel* m_trace;  ///< where the last trace was written
  QTimer m_refresh;
};

}  // namespace coroscope::viewer
