// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/flamegraphpage.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "flamegraphwidget.hpp"

namespace coroscope::viewer {

namespace {

/// Samples per task id (tasks with samples only, by id) and the total, `task_id` 0
/// (no task) counting only in the total.
struct TaskSampleCounts {
  std::map<std::uint64_t, std::uint64_t> perTask;
  std::uint64_t total = 0;
};

TaskSampleCounts countSamplesByTask(const std::vector<cpu_stack_sample>& samples) {
  TaskSampleCounts counts;
  for (const auto& s : samples) {
    counts.total += s.count;
    if (s.task_id) counts.perTask[s.task_id] += s.count;
  }
  return counts;
}

}  // namespace

FlamegraphPage::FlamegraphPage(QWidget* parent) : ResultsPage(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  m_task = new QComboBox(this);
  m_task->addItem(tr("All tasks"), QVariant());
  m_task->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  connect(m_task, &QComboBox::currentIndexChanged, this, [this] { refreshTree(); });
  m_fullNames = new QCheckBox(tr("Full names"), this);
  m_fullNames->setObjectName(QStringLiteral("flameFullNames"));
  m_fullNames->setToolTip(
      tr("Name functions by their full signature (return type, parameters, template arguments) "
         "instead of the short 'scope::name<...>' form"));
  connect(m_fullNames, &QCheckBox::toggled, this, [this] { refreshTree(); });
  m_info = new QLabel(this);
  bar->addWidget(new QLabel(tr("Task:"), this));
  bar->addWidget(m_task);
  bar->addWidget(m_fullNames);
  bar->addWidget(m_info, 1);
  layout->addLayout(bar);
  m_flamegraph = new FlamegraphWidget(this);
  m_flamegraph->setEmptyText(tr("No CPU samples yet (the probe sends them when its sampler runs)"));
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(m_flamegraph);
  scroll->setWidgetResizable(true);
  layout->addWidget(scroll, 1);
  connect(m_flamegraph, &FlamegraphWidget::zoomChanged, this, [this](const QStringList& path) {
    m_info->setText(path.isEmpty() ? QString() : tr("zoomed: %1 (double-click or Esc to zoom out)")
                                                     .arg(path.back()));
  });
}

QString FlamegraphPage::title() const { return tr("Flamegraph"); }

void FlamegraphPage::setResults(const ResultsPtr& results) {
  m_results = results;
  refreshTaskFilter();
  refreshTree();
}

void FlamegraphPage::refreshTaskFilter() {
  const TaskSampleCounts counts = countSamplesByTask(m_results->cpuSamples);
  const QVariant selected = m_task->currentData();
  m_task->blockSignals(true);
  m_task->clear();
  m_task->addItem(tr("All tasks (%1 samples)").arg(counts.total), QVariant());
  for (const auto& [id, count] : counts.perTask) {
    const int i = m_results->taskIndex(id);
    const QString name = i >= 0 ? QString::fromStdString(m_results->tasks[std::size_t(i)].info.name) : QString();
    m_task->addItem(tr("%1 %2 (%3 samples)").arg(id).arg(name).arg(count), qulonglong(id));
  }
  // The chosen task stays chosen while it has samples.
  const int keep = selected.isValid() ? m_task->findData(selected) : 0;
  m_task->setCurrentIndex(keep < 0 ? 0 : keep);
  m_task->blockSignals(false);
}

void FlamegraphPage::refreshTree() {
  if (!m_results) return;
  const QVariant task = m_task->currentData();
  m_flamegraph->setTree(FlameTree::fromSamples(
      m_results->cpuSamples,
      task.isValid() ? std::optional<std::uint64_t>(task.toULongLong()) : std::nullopt,
      m_fullNames->isChecked() ? name_style::full_names : name_style::short_names));
}

}  // namespace coroscope::viewer
