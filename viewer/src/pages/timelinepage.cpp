// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/timelinepage.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <chrono>

#include "format.hpp"
#include "timeline/timelineview.hpp"

namespace coroscope::viewer {

TimelinePage::TimelinePage(QWidget* parent)
    : ResultsPage(parent),
      m_view(new TimelineView(this)),
      m_info(new QLabel(this)),
      m_writeTrace(new QPushButton(tr("Write trace"), this)),
      m_trace(new QLabel(this)) {
  m_info->setText(tr("No timeline yet: the probe sends one when its flight recorder runs "
                     "(COROSCOPE_FLIGHT_RECORDER)."));
  m_info->setWordWrap(true);
  auto* hint = new QLabel(tr("Wheel or +/- to zoom, drag or arrows to pan, 0 to see all; "
                             "click a poll to select its task and show its wakes."), this);
  hint->setEnabled(false);
  m_writeTrace->setToolTip(tr("The probe writes its flight recorder's window, CPU samples "
                              "included, as a Perfetto trace file on its host "
                              "(COROSCOPE_TRACE_DIR, or a private directory under its temporary directory)"));
  m_trace->setTextInteractionFlags(Qt::TextSelectableByMouse);
  connect(m_writeTrace, &QPushButton::clicked, this, [this] {
    m_trace->setText(tr("Writing a trace…"));
    emit traceWanted();
  });
  auto* top = new QHBoxLayout;
  top->addWidget(m_info, 1);
  top->addWidget(m_trace);
  top->addWidget(m_writeTrace);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(top);
  layout->addWidget(m_view, 1);
  layout->addWidget(hint);
  m_refresh.setInterval(1000);
  connect(&m_refresh, &QTimer::timeout, this, &TimelinePage::timelineWanted);
  connect(m_view, &TimelineView::taskClicked, this, &TimelinePage::taskActivated);
}

void TimelinePage::setResults(const ResultsPtr&) {}

QString TimelinePage::title() const { return tr("Timeline"); }

void TimelinePage::setTimeline(std::shared_ptr<const timeline> t) {
  setIndex(t ? std::make_shared<const TimelineIndex>(std::move(t)) : nullptr);
}

void TimelinePage::setIndex(TimelineIndexPtr index) {
  if (index) {
    const timeline* t = &index->data();
    const auto span = std::chrono::nanoseconds(t->end_ns > t->begin_ns ? t->end_ns - t->begin_ns : 0);
    QString text = tr("Window of %1: %2 workers, %3 tasks, %4 polls, %5 wakes")
                       .arg(formatDuration(span))
                       .arg(index->rowCount())
                       .arg(t->tasks.size())
                       .arg(t->polls.size())
                       .arg(t->wakes.size());
    if (t->dropped_events) text += tr(", %1 events dropped").arg(t->dropped_events);
    m_info->setText(text);
  }
  m_view->setIndex(std::move(index));
}

void TimelinePage::setUnavailable(const QString& why) {
  m_info->setText(why);
  m_view->setTimeline(nullptr);
}

void TimelinePage::setRefreshInterval(int ms) {
  m_refresh.setInterval(ms);
  if (ms <= 0) m_refresh.stop();
}

QString TimelinePage::infoText() const { return m_info->text(); }

QString TimelinePage::traceText() const { return m_trace->text(); }

void TimelinePage::setTraceWritten(const QString& path, quint64 bytes, const QString& error) {
  if (path.isEmpty())
    m_trace->setText(tr("No trace written: %1").arg(error));
  else
    m_trace->setText(tr("Trace written on the probe's host: %1 (%2)")
                         .arg(path, formatBytes(static_cast<std::int64_t>(bytes))));
}

void TimelinePage::showEvent(QShowEvent* event) {
  ResultsPage::showEvent(event);
  if (m_refresh.interval() > 0) {
    emit timelineWanted();  // at once, then at the bounded rate
    m_refresh.start();
  }
}

void TimelinePage::hideEvent(QHideEvent* event) {
  ResultsPage::hideEvent(event);
  m_refresh.stop();
}

}  // namespace coroscope::viewer
