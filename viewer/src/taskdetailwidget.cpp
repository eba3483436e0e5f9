// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "taskdetailwidget.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

#include "format.hpp"
#include "histogramchart.hpp"

namespace coroscope::viewer {

TaskDetailWidget::TaskDetailWidget(QWidget* parent)
    : QWidget(parent),
      m_title(new QLabel(this)),
      m_summary(new QLabel(this)),
      m_pollChart(new HistogramChart(tr("Poll times"), this)),
      m_schedChart(new HistogramChart(tr("Scheduled times"), this)),
      m_extras(new QTextBrowser(this)) {
  auto* layout = new QVBoxLayout(this);
  m_title->setTextFormat(Qt::RichText);
  m_summary->setTextFormat(Qt::RichText);
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_title);
  auto* top = new QHBoxLayout;
  top->addWidget(m_summary, 0);
  top->addWidget(m_pollChart, 1);
  top->addWidget(m_schedChart, 1);
  layout->addLayout(top, 2);
  layout->addWidget(m_extras, 1);
  showTask(nullptr, nullptr);
}

QString TaskDetailWidget::summaryText() const { return m_title->text() + '\n' + m_summary->text(); }

QString TaskDetailWidget::extrasText() const { return m_extras->toPlainText(); }

void TaskDetailWidget::showTask(const TaskRow* row, const Results* results) {
  if (!row) {
    m_taskId = 0;
    m_haveDetails = false;
    m_title->setText(tr("<i>Select a task to see its details.</i>"));
    m_summary->clear();
    m_pollChart->setHistogram({});
    m_schedChart->setHistogram({});
    m_extras->clear();
    m_operations.clear();
    return;
  }
  const task_info& t = row->info;
  if (t.id != m_taskId) m_haveDetails = false;
  m_taskId = t.id;
  m_title->setText(tr("<b>Task %1</b> — %2 <i>(%3%4)</i>")
                       .arg(t.id)
                       .arg(QString::fromStdString(t.name).toHtmlEscaped(), stateName(t.state),
                            t.failed ? tr(", failed") : QString()));
  const auto pct = [&](std::chrono::nanoseconds d) { return formatPercent(d, t.total); };
  const QString selfWakes =
      t.wakes ? QString::number(100.0 * double(t.self_wakes) / double(t.wakes), 'f', 1) + '%' : "-";
  QString html = QStringLiteral("<table cellspacing=2>");
  const auto rowHtml = [&](const QString& k, const QString& v) {
    html += QStringLiteral("<tr><td>%1</td><td align=right><b>%2</b></td></tr>").arg(k, v);
  };
  rowHtml(tr("Total"), formatDuration(t.total));
  rowHtml(tr("Busy"), formatDuration(t.busy) + " (" + pct(t.busy) + ")");
  rowHtml(tr("Scheduled"), formatDuration(t.scheduled) + " (" + pct(t.scheduled) + ")");
  rowHtml(tr("Idle"), formatDuration(t.idle) + " (" + pct(t.idle) + ")");
  rowHtml(tr("Polls"), QString::number(t.polls));
  rowHtml(tr("Slow polls"), QString::number(t.slow_polls));
  rowHtml(tr("First poll after"), formatDuration(t.first_poll_delay));
  rowHtml(tr("Wakes"), QString::number(t.wakes));
  rowHtml(tr("Self-wakes"), QString::number(t.self_wakes) + " (" + selfWakes + ")");
  rowHtml(tr("Migrations"), QString::number(t.migrations));
  rowHtml(tr("Parent"), t.parent_id ? QString::number(t.parent_id) : tr("none"));
  rowHtml(tr("Spawned at"), formatLocation(t.spawn_location.file, t.spawn_location.line).toHtmlEscaped());
  rowHtml(tr("Trace id"), t.trace_id.empty() ? tr("none") : QString::fromStdString(t.trace_id));
  rowHtml(tr("Span id"), t.span_id.empty() ? tr("none") : QString::fromStdString(t.span_id));
  html += QStringLiteral("</table>");
  m_summary->setText(html);

  // Until a details reply arrives, the stats' p50/p99 are what we know.
  if (!m_haveDetails) {
    m_pollChart->setHistogram(t.poll_times);
    m_schedChart->setHistogram(t.scheduled_times);
  }
  m_operations = t.operations;
  m_warnings.clear();
  if (results)
    for (const auto& w : results->warnings)
      if (w.task_id == t.id) m_warnings.push_back(w);
  renderExtras();
}

void TaskDetailWidget::setDetails(const task_details& details) {
  if (details.task.id != m_taskId || m_taskId == 0) return;
  m_details = details;
  m_haveDetails = true;
  m_pollChart->setHistogram(details.task.poll_times);
  m_schedChart->setHistogram(details.task.scheduled_times);
  if (!details.warnings.empty()) m_warnings = details.warnings;
  renderExtras();
}

void TaskDetailWidget::renderExtras() {
  QString html;
  // What the probe saw without annotations: the operations the task started, most first.
  std::vector<const operation_count*> ops;
  std::uint64_t total = 0;
  for (const auto& op : m_operations)
    if (op.count) {
      ops.push_back(&op);
      total += op.count;
    }
  std::stable_sort(ops.begin(), ops.end(),
                   [](const operation_count* a, const operation_count* b) { return a->count > b->count; });
  html += tr("<h4>Operations (%1)</h4>").arg(total);
  if (ops.empty()) {
    html += tr("<i>none started</i>");
  } else {
    html += tr("<table cellspacing=4><tr><th align=left>operation</th><th>count</th><th>share</th></tr>");
    for (const auto* op : ops)
      html += QStringLiteral("<tr><td><code>%1</code></td><td align=right>%2</td><td align=right>%3%</td></tr>")
                  .arg(QString::fromStdString(op->kind).toHtmlEscaped())
                  .arg(op->count)
                  .arg(QString::number(100.0 * double(op->count) / double(total), 'f', 1));
    html += QStringLiteral("</table>");
  }
  html += tr("<h4>Async stack</h4>");
  if (m_haveDetails && m_details.awaiting) {
    const auto& a = *m_details.awaiting;
    html += tr("<p>in TIMED_AWAIT <code>%1</code> <small>%2</small> for %3</p>")
                .arg(QString::fromStdString(a.name).toHtmlEscaped(), formatLocation(a.file, a.line).toHtmlEscaped(),
                     formatDuration(a.waited));
  }
  if (!m_haveDetails || m_details.async_stack.empty()) {
    html += m_haveDetails ? tr("<i>not known (the task is not suspended in a coroutine the probe can walk)</i>")
                          : tr("<i>waiting for the probe's details…</i>");
  } else {
    html += QStringLiteral("<ol start=0>");
    for (const auto& f : m_details.async_stack)
      html += QStringLiteral("<li><code>%1</code> <small>%2</small></li>")
                  .arg(QString::fromStdString(f.function).toHtmlEscaped(),
                       formatLocation(f.file, f.line).toHtmlEscaped());
    html += QStringLiteral("</ol>");
    if (m_details.async_stack_cut) html += tr("<i>… cut: the rest could not be read</i>");
  }
  html += tr("<h4>Await sites of this task</h4>");
  if (!m_haveDetails || m_details.await_sites.empty()) {
    html += tr("<i>none known</i>");
  } else {
    html += tr("<table cellspacing=4><tr><th align=left>site</th><th>count</th><th>slow</th>"
               "<th>total</th><th>max</th><th>p99</th></tr>");
    for (const auto& s : m_details.await_sites)
      html += QStringLiteral("<tr><td><code>%1</code> <small>%2</small></td><td align=right>%3</td>"
                             "<td align=right>%4</td><td align=right>%5</td><td align=right>%6</td>"
                             "<td align=right>%7</td></tr>")
                  .arg(QString::fromStdString(s.name).toHtmlEscaped(),
                       formatLocation(s.file, s.line).toHtmlEscaped())
                  .arg(s.count)
                  .arg(s.slow_count)
                  .arg(formatDuration(s.total), formatDuration(s.max), formatDuration(s.durations.p99));
    html += QStringLiteral("</table>");
  }
  html += tr("<h4>Warnings</h4>");
  if (m_warnings.empty()) html += tr("<i>none</i>");
  for (const auto& w : m_warnings)
    html += QStringLiteral("<p><b>%1</b> ×%2: %3</p>")
                .arg(QString::fromStdString(w.lint).toHtmlEscaped())
                .arg(w.occurrences)
                .arg(QString::fromStdString(w.message).toHtmlEscaped());
  m_extras->setHtml(html);
}

}  // namespace coroscope::viewer
