// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "pages/heappage.hpp"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "format.hpp"
#include "models/heapmodel.hpp"
#include "pages/resultstable.hpp"

namespace coroscope::viewer {

namespace {

/// The headline of a heap view: in-use, RSS, sampling interval and time.
QString heapSummary(const heap_view& heap) {
  QString text = HeapPage::tr("In use (sampled): %1 in %2 objects, %3 live sites")
                     .arg(formatBytes(std::int64_t(heap.inuse_bytes)))
                     .arg(heap.inuse_objects)
                     .arg(heap.total_sites);
  text += heap.process_rss_bytes
              ? HeapPage::tr(" · process RSS: %1").arg(formatBytes(std::int64_t(heap.process_rss_bytes)))
              : HeapPage::tr(" · process RSS: unknown");
  text += heap.sample_interval_bytes == 1
              ? HeapPage::tr(" · every allocation sampled")
              : HeapPage::tr(" · one sample per %1 allocated")
                    .arg(formatBytes(std::int64_t(heap.sample_interval_bytes)));
  text += HeapPage::tr(" · at %1").arg(formatTime(heap.time));
  return text;
}

/// The source row of `view`'s current index, or -1.
int currentSourceRow(const QTableView* view) {
  const auto* proxy = static_cast<const QSortFilterProxyModel*>(view->model());
  const QModelIndex current = view->currentIndex();
  return current.isValid() ? proxy->mapToSource(current).row() : -1;
}

}  // namespace

HeapPage::HeapPage(QWidget* parent)
    : ResultsPage(parent), m_siteModel(new HeapSiteModel(this)), m_leakModel(new LeakSuspectModel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_summary = new QLabel(this);
  m_summary->setWordWrap(true);
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_summary);

  // Each table with the stack of its selected row beside it.
  auto withStack = [this](QTableView* view, QPlainTextEdit*& stack) {
    auto* split = new QSplitter(Qt::Horizontal, this);
    stack = new QPlainTextEdit(this);
    stack->setReadOnly(true);
    stack->setLineWrapMode(QPlainTextEdit::NoWrap);
    stack->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    stack->setPlaceholderText(tr("Select a row to see its allocation stack"));
    split->addWidget(view);
    split->addWidget(stack);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    connect(view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { refreshStacks(); });
    return split;
  };
  m_siteView = sortedResultsTable(m_siteModel, this);
  m_siteView->setColumnWidth(HeapSiteModel::Function, 320);
  m_siteView->sortByColumn(HeapSiteModel::InUse, Qt::DescendingOrder);
  m_leakView = sortedResultsTable(m_leakModel, this);
  m_leakView->setColumnWidth(LeakSuspectModel::Kind, 160);
  m_leakView->setColumnWidth(LeakSuspectModel::Function, 280);

  auto* sites = new QWidget(this);
  auto* sitesLayout = new QVBoxLayout(sites);
  sitesLayout->setContentsMargins(0, 0, 0, 0);
  sitesLayout->addWidget(new QLabel(tr("Top live allocation sites"), sites));
  sitesLayout->addWidget(withStack(m_siteView, m_siteStack), 1);
  auto* leaks = new QWidget(this);
  auto* leaksLayout = new QVBoxLayout(leaks);
  leaksLayout->setContentsMargins(0, 0, 0, 0);
  leaksLayout->addWidget(new QLabel(tr("Leak suspects"), leaks));
  leaksLayout->addWidget(withStack(m_leakView, m_leakStack), 1);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(sites);
  split->addWidget(leaks);
  m_content = split;
  layout->addWidget(split, 1);
  refresh(nullptr);
}

QString HeapPage::title() const { return tr("Heap"); }

QString HeapPage::summaryText() const { return m_summary->text(); }
QString HeapPage::siteStackText() const { return m_siteStack->toPlainText(); }
QString HeapPage::leakSuspectStackText() const { return m_leakStack->toPlainText(); }

void HeapPage::setResults(const ResultsPtr& results) {
  m_siteModel->setResults(results);
  m_leakModel->setResults(results);
  refresh(results->heap.get());
}

void HeapPage::refresh(const heap_view* heap) {
  m_content->setVisible(heap != nullptr);
  if (!heap) {
    m_summary->setText(
        tr("Heap sampling is off. Link the program with coroscope::heap and set "
           "COROSCOPE_HEAP_PROFILE=path.pb.gz (COROSCOPE_HEAP_SAMPLE_BYTES sets the sampling "
           "interval) to see live allocation sites and leak suspects here."));
    m_siteStack->clear();
    m_leakStack->clear();
    return;
  }
  m_summary->setText(heapSummary(*heap));
  // Nothing selected yet: show the largest site, so the stack pane is never idle.
  if (!m_siteView->currentIndex().isValid() && m_siteView->model()->rowCount() > 0)
    m_siteView->setCurrentIndex(m_siteView->model()->index(0, 0));
  refreshStacks();
}

void HeapPage::refreshStacks() {
  const QString site = m_siteModel->stackText(currentSourceRow(m_siteView));
  if (m_siteStack->toPlainText() != site) m_siteStack->setPlainText(site);
  const QString leak = m_leakModel->stackText(currentSourceRow(m_leakView));
  if (m_leakStack->toPlainText() != leak) m_leakStack->setPlainText(leak);
}

}  // namespace coroscope::viewer
