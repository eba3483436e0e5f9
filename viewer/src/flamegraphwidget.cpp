// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "flamegraphwidget.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace coroscope::viewer {

namespace {

/// Warm colours for native frames, cool ones for a task's coroutine frames; the same
/// name always gets the same colour.
QColor colorFor(const FlameNode& n) {
  const auto h = qHash(n.name);
  if (n.taskFrame) return QColor::fromHsv(200 + int(h % 30), 90 + int((h >> 8) % 60), 230);
  return QColor::fromHsv(int(h % 45), 120 + int((h >> 8) % 80), 240);
}

}  // namespace

FlamegraphWidget::FlamegraphWidget(QWidget* parent)
    : QWidget(parent), m_emptyText(tr("No CPU samples yet")) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

QSize FlamegraphWidget::sizeHint() const {
  return {600, int(kRowHeight * (m_tree.depth() + 2))};
}

void FlamegraphWidget::setEmptyText(const QString& text) {
  m_emptyText = text;
  update();
}

void FlamegraphWidget::setTree(FlameTree tree) {
  m_tree = std::move(tree);
  if (!m_tree.find(m_zoomPath)) m_zoomPath.clear();  // the zoomed frame is gone
  setMinimumHeight(int(kRowHeight * (m_tree.depth() + 1)));
  relayout();
}

bool FlamegraphWidget::zoomTo(const QStringList& path) {
  if (!m_tree.find(path)) return false;
  if (path != m_zoomPath) {
    m_zoomPath = path;
    relayout();
    emit zoomChanged(m_zoomPath);
  }
  return true;
}

void FlamegraphWidget::relayout() {
  const FlameNode* zoom = m_zoomPath.isEmpty() ? nullptr : m_tree.find(m_zoomPath);
  m_boxes = layoutFlamegraph(m_tree.root(), zoom, width(), kRowHeight);
  update();
}

const FlameBox* FlamegraphWidget::boxAt(QPointF pos) const {
  for (const auto& b : m_boxes)
    if (b.rect.contains(pos)) return &b;
  return nullptr;
}

void FlamegraphWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  if (m_tree.root().value == 0) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter, m_emptyText);
    return;
  }
  const QFontMetrics fm = p.fontMetrics();
  for (const auto& b : m_boxes) {
    const QRectF r = b.rect.adjusted(0, 0, -1, -1);
    p.fillRect(r, b.depth == 0 ? QColor(0xdd, 0xdd, 0xdd) : colorFor(*b.node));
    if (r.width() < 3 * fm.averageCharWidth()) continue;
    p.setPen(Qt::black);
    const QString label = b.depth == 0
                              ? tr("all (%1 samples)").arg(m_tree.root().value)
                              : b.node->name;
    p.drawText(r.adjusted(3, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft,
               fm.elidedText(label, Qt::ElideRight, int(r.width()) - 5));
  }
}

void FlamegraphWidget::resizeEvent(QResizeEvent*) { relayout(); }

void FlamegraphWidget::mouseMoveEvent(QMouseEvent* event) {
  const FlameBox* b = boxAt(event->position());
  if (!b) {
    QToolTip::hideText();
    return;
  }
  const double total = double(m_tree.root().value);
  QToolTip::showText(event->globalPosition().toPoint(),
                     tr("%1%6\n%2 samples (%3% of all), %4 in the frame itself%5")
                         .arg(b->node->name)
                         .arg(b->node->value)
                         .arg(100.0 * double(b->node->value) / total, 0, 'f', 1)
                         .arg(b->node->self)
                         .arg(b->node->taskFrame ? tr("\ncoroutine frame of a task") : QString())
                         .arg(b->node->fullName.isEmpty() ? QString() : "\n" + b->node->fullName),
                     this);
}

void FlamegraphWidget::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::RightButton) {
    zoomTo({});
    return;
  }
  if (const FlameBox* b = boxAt(event->position())) zoomTo(b->node->path());
}

void FlamegraphWidget::mouseDoubleClickEvent(QMouseEvent*) { zoomTo({}); }

void FlamegraphWidget::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Escape)
    zoomTo({});
  else
    QWidget::keyPressEvent(event);
}

}  // namespace coroscope::viewer
