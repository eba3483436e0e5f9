// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "timeline/timelineview.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "format.hpp"

namespace coroscope::viewer {

namespace {

constexpr std::uint64_t kMinSpan = 1000;  // 1 µs: below that boxes are wider than polls

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser: neighbouring ids, far hues
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

TimelineView::TimelineView(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(false);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

QColor TimelineView::taskColor(std::uint64_t task) {
  if (task == 0) return QColor(150, 150, 150);
  const std::uint64_t h = mix(task);
  return QColor::fromHsv(int(h % 360), 110 + int((h >> 16) % 90), 185 + int((h >> 32) % 50));
}

QSize TimelineView::sizeHint() const { return {900, 300}; }
QSize TimelineView::minimumSizeHint() const { return {kLabelWidth + 100, kAxisHeight + kRowHeight}; }

void TimelineView::setTimeline(std::shared_ptr<const timeline> t) {
  setIndex(t ? std::make_shared<const TimelineIndex>(std::move(t)) : nullptr);
}

void TimelineView::setIndex(TimelineIndexPtr index) {
  const bool hadData = m_index != nullptr;
  const auto oldT0 = m_t0, oldT1 = m_t1;
  const bool wholeWindow = !hadData || (m_t0 == m_index->begin() && m_t1 == m_index->end());
  m_index = std::move(index);
  if (!m_index) {
    m_arrows.clear();
    update();
    return;
  }
  if (wholeWindow || oldT0 < m_index->begin() || oldT1 > m_index->end()) {
    showAll();
  } else {
    setVisibleRange(oldT0, oldT1);
  }
  m_arrows = m_selected ? wakeArrowsOf(*m_index, m_selected) : std::vector<WakeArrow>{};
  update();
}

void TimelineView::setVisibleRange(std::uint64_t t0, std::uint64_t t1) {
  if (!m_index) return;
  const std::uint64_t lo = m_index->begin(), hi = m_index->end();
  const std::uint64_t span = std::clamp<std::uint64_t>(t1 > t0 ? t1 - t0 : 0, std::min(kMinSpan, hi - lo), hi - lo);
  t0 = std::clamp<std::uint64_t>(t0, lo, hi - span);
  m_t0 = t0;
  m_t1 = t0 + span;
  update();
  emit visibleRangeChanged();
}

void TimelineView::showAll() {
  if (m_index) setVisibleRange(m_index->begin(), m_index->end());
}

void TimelineView::zoomBy(double factor, std::uint64_t anchor) {
  if (!m_index || factor <= 0) return;
  anchor = std::clamp(anchor, m_t0, m_t1);
  const double left = double(anchor - m_t0) / factor;
  const double right = double(m_t1 - anchor) / factor;
  const double t0 = std::max(0.0, double(anchor) - left);
  setVisibleRange(std::uint64_t(t0), std::uint64_t(double(anchor) + right));
}

void TimelineView::panBy(double dx) {
  if (!m_index) return;
  const double dt = dx * double(m_t1 - m_t0) / plotWidth();
  const double t0 = std::max(0.0, double(m_t0) + dt);
  setVisibleRange(std::uint64_t(t0), std::uint64_t(t0) + (m_t1 - m_t0));
}

double TimelineView::plotWidth() const { return std::max(1, width() - kLabelWidth); }

double TimelineView::timeToX(std::uint64_t t) const {
  return kLabelWidth + (double(t) - double(m_t0)) * plotWidth() / double(m_t1 - m_t0);
}

std::uint64_t TimelineView::xToTime(double x) const {
  const double t = double(m_t0) + (x - kLabelWidth) * double(m_t1 - m_t0) / plotWidth();
  return std::uint64_t(std::max(0.0, t));
}

int TimelineView::rowTop(std::size_t row) const { return kAxisHeight + int(row) * (kRowHeight + kRowGap) + kRowGap; }

std::vector<TimelineView::Box> TimelineView::layout(const IntervalRow& row, bool merge) const {
  std::vector<Box> out;
  const auto [first, last] = row.overlapping(m_t0, m_t1);
  const double scale = plotWidth() / double(m_t1 - m_t0);
  const double left = kLabelWidth, right = kLabelWidth + plotWidth();
  const auto timeAtPixel = [&](int px) { return m_t0 + std::uint64_t(double(px - kLabelWidth) / scale); };
  for (std::size_t i = first; i < last; ++i) {
    if (row.end[i] <= m_t0) continue;  // ended before the view (a longer one kept it in range)
    const double x0 = std::max(left, left + (double(row.begin[i]) - double(m_t0)) * scale);
    const double x1 = std::min(right, left + (double(row.end[i]) - double(m_t0)) * scale);
    const int px0 = int(std::floor(x0));
    const int px1 = std::max(px0 + 1, int(std::ceil(x1)));
    const bool subPixel = x1 - x0 < 1.0;
    if (merge && subPixel && !out.empty() && px0 < out.back().x1 && out.back().x1 - out.back().x0 == 1) {
      // Joins the open one-pixel box of its column. When nothing up to the column's last
      // poll reaches past the column, the rest of the column joins it at once: at full
      // zoom-out a paint costs a binary search per pixel, not a step per poll.
      Box& b = out.back();
      const std::uint64_t columnEnd = timeAtPixel(b.x1);
      auto j = std::size_t(std::lower_bound(row.begin.begin() + std::ptrdiff_t(i),
                                            row.begin.begin() + std::ptrdiff_t(last), columnEnd) -
                           row.begin.begin());
      // The column's last poll often runs into the next column: it takes the slow path.
      if (j > i + 1 && row.maxEnd[j - 1] > columnEnd) --j;
      if (j > i + 1 && row.maxEnd[j - 1] <= columnEnd) {
        b.polls += std::uint32_t(j - i);
        i = j - 1;
      } else {
        ++b.polls;
      }
      continue;
    }
    out.push_back({px0, px1, row.task[i], 1});
  }
  return out;
}

std::vector<TimelineView::Box> TimelineView::boxes(std::size_t row) const {
  if (!m_index || row >= m_index->rowCount()) return {};
  return layout(m_index->polls(row), true);
}

std::vector<TimelineView::Box> TimelineView::parkBoxes(std::size_t row) const {
  if (!m_index || row >= m_index->rowCount()) return {};
  auto out = layout(m_index->parks(row), true);
  for (auto& b : out) b.task = 0;
  return out;
}

std::optional<std::uint64_t> TimelineView::taskAt(QPoint pos) const {
  if (!m_index || pos.x() < kLabelWidth) return std::nullopt;
  std::optional<std::size_t> row;
  for (std::size_t r = 0; r < m_index->rowCount(); ++r) {
    if (pos.y() >= rowTop(r) && pos.y() < rowTop(r) + kRowHeight) row = r;
  }
  if (!row) return std::nullopt;
  const IntervalRow& polls = m_index->polls(*row);
  const std::uint64_t t = xToTime(pos.x() + 0.5);
  const std::uint64_t slack = std::uint64_t(2.0 * double(m_t1 - m_t0) / plotWidth());
  const auto [first, last] = polls.overlapping(t > slack ? t - slack : 0, t + slack + 1);
  std::optional<std::size_t> best;
  std::uint64_t bestDistance = UINT64_MAX;
  for (std::size_t i = first; i < last; ++i) {
    const std::uint64_t d = t < polls.begin[i] ? polls.begin[i] - t : t > polls.end[i] ? t - polls.end[i] : 0;
    // Ties go to the later begin: the innermost of nested polls.
    if (d <= bestDistance && d <= slack) {
      bestDistance = d;
      best = i;
    }
  }
  if (!best) return std::nullopt;
  return polls.task[*best];
}

void TimelineView::selectTask(std::uint64_t task) {
  m_selected = task;
  m_arrows = m_index && task ? wakeArrowsOf(*m_index, task) : std::vector<WakeArrow>{};
  update();
}

void TimelineView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  if (!m_index) return;
  // Each row's boxes go into a one-pixel-high strip that is then stretched to the row's
  // height: at full zoom-out a row is a thousand one-pixel boxes, and one image draw is
  // far cheaper than a thousand rectangle fills.
  const int plotW = int(plotWidth());
  QImage strip(plotW, 1, QImage::Format_ARGB32_Premultiplied);
  const auto fill = [&](const std::vector<Box>& boxes, auto colorOf) {
    strip.fill(Qt::transparent);
    auto* line = reinterpret_cast<QRgb*>(strip.scanLine(0));
    for (const Box& b : boxes) {
      const QRgb c = colorOf(b);
      for (int x = std::max(0, b.x0 - kLabelWidth), end = std::min(plotW, b.x1 - kLabelWidth); x < end; ++x) {
        line[x] = c;
      }
    }
  };
  const QRgb parked = qPremultiply(qRgba(120, 120, 120, 110));
  for (std::size_t r = 0; r < m_index->rowCount(); ++r) {
    const int top = rowTop(r);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(4, top, kLabelWidth - 8, kRowHeight), Qt::AlignVCenter | Qt::AlignLeft,
               QString::fromStdString(m_index->rowName(r)));
    p.fillRect(QRect(kLabelWidth, top, plotW, kRowHeight), palette().alternateBase());
    fill(parkBoxes(r), [&](const Box&) { return parked; });
    p.drawImage(QRect(kLabelWidth, top + kRowHeight / 3, plotW, kRowHeight / 3), strip);
    const auto boxes = this->boxes(r);
    fill(boxes, [&](const Box& b) {
      QColor c = taskColor(b.task);
      if (m_selected && b.task != m_selected) c = c.lighter(125);
      return c.rgba();  // opaque: premultiplied is the same
    });
    p.drawImage(QRect(kLabelWidth, top, plotW, kRowHeight), strip);
    for (const Box& b : boxes) {
      if (b.x1 - b.x0 < 3) continue;
      if (m_selected && b.task == m_selected) {
        p.setPen(QPen(palette().color(QPalette::Text), 1));
        p.drawRect(QRect(b.x0, top, b.x1 - b.x0 - 1, kRowHeight - 1));
      }
      if (b.polls == 1 && b.x1 - b.x0 > 40) {  // a label when the box has room for it
        p.setPen(Qt::black);
        p.drawText(QRect(b.x0 + 3, top, b.x1 - b.x0 - 6, kRowHeight), Qt::AlignVCenter | Qt::AlignLeft,
                   QString::fromStdString(m_index->taskName(b.task)));
      }
    }
  }
  paintAxis(p);
  paintArrows(p);
}

void TimelineView::paintAxis(QPainter& p) const {
  p.fillRect(QRect(0, 0, width(), kAxisHeight), palette().window());
  p.setPen(palette().color(QPalette::WindowText));
  // A tick step of 1, 2 or 5 times a power of ten, about every 100 px.
  const double span = double(m_t1 - m_t0);
  const double raw = span * 100.0 / plotWidth();
  const double mag = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (mag * m >= raw) {
      step = mag * m;
      break;
    }
  }
  const std::uint64_t origin = m_index->begin();
  const auto stepNs = std::max<std::uint64_t>(1, std::uint64_t(step));
  std::uint64_t t = origin + ((m_t0 - origin) + stepNs - 1) / stepNs * stepNs;
  for (; t <= m_t1; t += stepNs) {
    const int x = int(timeToX(t));
    p.drawLine(x, kAxisHeight - 6, x, kAxisHeight);
    p.drawText(QRect(x + 3, 0, 100, kAxisHeight - 4), Qt::AlignBottom | Qt::AlignLeft,
               "+" + formatOffset(std::chrono::nanoseconds(t - origin),
                                  std::chrono::nanoseconds(stepNs)));
  }
  p.drawLine(kLabelWidth, kAxisHeight - 1, width(), kAxisHeight - 1);
}

void TimelineView::paintArrows(QPainter& p) const {
  p.setRenderHint(QPainter::Antialiasing);
  for (const WakeArrow& a : m_arrows) {
    if (a.toTime < m_t0 && a.fromTime < m_t0) continue;
    if (a.toTime > m_t1 && a.fromTime > m_t1) continue;
    const QPointF from(timeToX(a.fromTime), rowTop(a.fromRow) + (a.fromRow == a.toRow ? 2 : kRowHeight / 2));
    const QPointF to(timeToX(a.toTime), rowTop(a.toRow) + kRowHeight / 2);
    const QColor c = a.kind == timeline::waker_kind::task ? QColor(200, 30, 30) : QColor(30, 90, 200);
    p.setPen(QPen(c, 1.5));
    p.drawLine(from, to);
    // The head: a small triangle pointing along the line at the wakee's poll.
    const QPointF d = to - from;
    const double len = std::hypot(d.x(), d.y());
    if (len < 1) continue;
    const QPointF u = d / len, n(-u.y(), u.x());
    QPainterPath head;
    head.moveTo(to);
    head.lineTo(to - u * 7 + n * 3.5);
    head.lineTo(to - u * 7 - n * 3.5);
    head.closeSubpath();
    p.fillPath(head, c);
  }
}

void TimelineView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps != 0) zoomBy(std::pow(1.25, steps), xToTime(event->position().x()));
  event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
  m_dragFrom = event->position().toPoint();
  m_dragged = false;
}

void TimelineView::mouseMoveEvent(QMouseEvent* event) {
  if (!m_dragFrom) return;
  const QPoint now = event->position().toPoint();
  if (!m_dragged && (now - *m_dragFrom).manhattanLength() < 4) return;
  m_dragged = true;
  panBy(m_dragFrom->x() - now.x());
  m_dragFrom = now;
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || !m_dragFrom) return QWidget::mouseReleaseEvent(event);
  const bool click = !m_dragged;
  m_dragFrom.reset();
  if (!click) return;
  if (const auto task = taskAt(event->position().toPoint())) {
    selectTask(*task);
    emit taskClicked(*task);
  }
}

void TimelineView::keyPressEvent(QKeyEvent* event) {
  const std::uint64_t centre = m_t0 + (m_t1 - m_t0) / 2;
  switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomBy(1.5, centre); break;
    case Qt::Key_Minus: zoomBy(1 / 1.5, centre); break;
    case Qt::Key_Left: panBy(-plotWidth() / 10); break;
    case Qt::Key_Right: panBy(plotWidth() / 10); break;
    case Qt::Key_0:
    case Qt::Key_Home: showAll(); break;
    default: return QWidget::keyPressEvent(event);
  }
  event->accept();
}

}  // namespace coroscope::viewer
