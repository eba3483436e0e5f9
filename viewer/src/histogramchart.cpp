// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "histogramchart.hpp"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QValueAxis>

namespace coroscope::viewer {

HistogramChart::HistogramChart(const QString& title, QWidget* parent)
    : QChartView(parent), m_title(title) {
  auto* chart = new QChart;
  chart->setTitle(title);
  chart->legend()->hide();
  chart->setMargins(QMargins(2, 2, 2, 2));
  chart->setAnimationOptions(QChart::NoAnimation);
  m_set = new QBarSet(title);
  m_set->setColor(QColor(70, 130, 180));
  auto* series = new QBarSeries;
  series->append(m_set);
  chart->addSeries(series);
  auto* axisX = new QBarCategoryAxis;
  axisX->append({QStringLiteral("p10"), QStringLiteral("p25"), QStringLiteral("p50"),
                 QStringLiteral("p75"), QStringLiteral("p90"), QStringLiteral("p95"),
                 QStringLiteral("p99"), QStringLiteral("max")});
  chart->addAxis(axisX, Qt::AlignBottom);
  series->attachAxis(axisX);
  m_axisY = new QValueAxis;
  m_axisY->setLabelFormat(QStringLiteral("%.3g"));
  chart->addAxis(m_axisY, Qt::AlignLeft);
  series->attachAxis(m_axisY);
  setChart(chart);
  setRenderHint(QPainter::Antialiasing);
  setMinimumHeight(160);
  setHistogram({});
}

void HistogramChart::setHistogram(const duration_histogram& h) {
  m_values = {h.p10.count(), h.p25.count(), h.p50.count(), h.p75.count(),
              h.p90.count(), h.p95.count(), h.p99.count(), h.max.count()};
  const qint64 top = *std::max_element(m_values.begin(), m_values.end());
  double div = 1;
  QString unit = QStringLiteral("ns");
  if (top >= 1'000'000'000) div = 1e9, unit = QStringLiteral("s");
  else if (top >= 1'000'000) div = 1e6, unit = QStringLiteral("ms");
  else if (top >= 1'000) div = 1e3, unit = QStringLiteral("µs");
  QList<qreal> bars;
  for (qint64 v : m_values) bars << double(v) / div;
  if (m_set->count() == bars.size())
    for (qsizetype i = 0; i < bars.size(); ++i) m_set->replace(int(i), bars[i]);
  else {
    m_set->remove(0, m_set->count());
    m_set->append(bars);
  }
  m_axisY->setRange(0, top > 0 ? double(top) / div * 1.1 : 1.0);
  m_axisY->setTitleText(unit);
  chart()->setTitle(tr("%1 (%n sample(s))", nullptr, int(std::min<std::uint64_t>(h.count, INT_MAX)))
                        .arg(m_title));
}

}  // namespace coroscope::viewer
