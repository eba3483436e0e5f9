// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "mainwindow.hpp"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include <map>

#include "consolebackend.hpp"
#include "dialogs.hpp"
#include "flamegraphwidget.hpp"
#include "format.hpp"
#include "launcher.hpp"
#include "models/awaitsitemodel.hpp"
#include "models/heapmodel.hpp"
#include "models/operationkindmodel.hpp"
#include "models/resourcemodel.hpp"
#include "models/slowawaitmodel.hpp"
#include "models/taskmodel.hpp"
#include "models/warningmodel.hpp"
#include "models/workermodel.hpp"
#include "replaysource.hpp"
#include "sparklinedelegate.hpp"
#include "taskdetailwidget.hpp"

namespace coroscope::viewer {

namespace {

/// A sortable table over `model` through a proxy sorting by SortRole.
QTableView* sortedTable(QAbstractItemModel* model, QWidget* parent) {
  auto* proxy = new QSortFilterProxyModel(parent);
  proxy->setSourceModel(model);
  proxy->setSortRole(SortRole);
  auto* view = new QTableView(parent);
  view->setModel(proxy);
  view->setSortingEnabled(true);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->verticalHeader()->hide();
  view->horizontalHeader()->setStretchLastSection(true);
  view->setAlternatingRowColors(true);
  view->setWordWrap(false);
  return view;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_backend(new ConsoleBackend(this)),
      m_taskModel(new TaskModel(this)),
      m_taskProxy(new TaskFilterProxy(this)),
      m_workerModel(new WorkerModel(this)),
      m_awaitModel(new AwaitSiteModel(this)),
      m_slowModel(new SlowAwaitModel(this)),
      m_warningModel(new WarningModel(this)),
      m_heapSiteModel(new HeapSiteModel(this)),
      m_leakModel(new LeakSuspectModel(this)),
      m_resourceModel(new ResourceModel(this)),
      m_operationKindModel(new OperationKindModel(this)),
      m_resourceProxy(new QSortFilterProxyModel(this)) {
  m_taskProxy->setSourceModel(m_taskModel);
  m_resourceProxy->setSourceModel(m_resourceModel);
  m_resourceProxy->setSortRole(SortRole);
  m_resourceProxy->setFilterRole(FilterRole);
  m_resourceProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
  connect(m_backend, &ConsoleBackend::resultsAvailable, this, &MainWindow::applyResults);
  connect(m_backend, &ConsoleBackend::connectionChanged, this, &MainWindow::onConnectionChanged);
  connect(m_backend, &ConsoleBackend::taskDetailsAvailable, this,
          [this](const TaskDetailsPtr& d) { m_detail->setDetails(*d); });
  connect(m_backend, &ConsoleBackend::errorReported, this,
          [this](const QString& m) { statusBar()->showMessage(m, 5000); });
  buildUi();
  buildActions();
  setWindowTitle(tr("coroscope console"));
  resize(1280, 800);
  onConnectionChanged(int(connection_state::stopped), {});
}

MainWindow::~MainWindow() {
  m_backend->disconnectFromProbe();
  if (m_launcher) m_launcher->stop(1000);
}

void MainWindow::buildUi() {
  m_tabs = new QTabWidget(this);
  m_tabs->addTab(buildTasksTab(), tr("Tasks"));
  m_tabs->addTab(buildWorkersTab(), tr("Workers"));
  m_resourcesTab = buildResourcesTab();
  m_tabs->addTab(m_resourcesTab, tr("Resources"));
  m_tabs->addTab(buildAwaitTab(), tr("Await sites"));
  m_warningsTab = buildWarningsTab();
  m_tabs->addTab(m_warningsTab, tr("Warnings"));
  m_tabs->addTab(buildFlameTab(), tr("Flamegraph"));
  m_tabs->addTab(buildHeapTab(), tr("Heap"));

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(m_tabs, 1);
  layout->addWidget(buildReplayBar());
  setCentralWidget(central);

  m_statusConnection = new QLabel(this);
  m_statusIdentity = new QLabel(this);
  m_statusDrops = new QLabel(this);
  statusBar()->addWidget(m_statusConnection);
  statusBar()->addWidget(m_statusIdentity, 1);
  statusBar()->addPermanentWidget(m_statusDrops);
}

QWidget* MainWindow::buildTasksTab() {
  auto* top = new QWidget(this);
  auto* layout = new QVBoxLayout(top);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  m_search = new QLineEdit(top);
  m_search->setPlaceholderText(tr("Search name, state or location…"));
  m_search->setClearButtonEnabled(true);
  connect(m_search, &QLineEdit::textChanged, m_taskProxy, &TaskFilterProxy::setSearchText);
  m_counts = new QLabel(top);
  bar->addWidget(m_search, 1);
  bar->addWidget(m_counts);
  layout->addLayout(bar);

  m_taskView = new QTreeView(top);
  m_taskView->setModel(m_taskProxy);
  m_taskView->setSortingEnabled(true);
  m_taskView->sortByColumn(TaskModel::Id, Qt::AscendingOrder);
  m_taskView->setRootIsDecorated(false);
  m_taskView->setUniformRowHeights(true);
  m_taskView->setAlternatingRowColors(true);
  m_taskView->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_taskView->header()->setStretchLastSection(true);
  m_taskView->setColumnWidth(TaskModel::Warnings, 50);
  m_taskView->setColumnWidth(TaskModel::Id, 60);
  m_taskView->setColumnWidth(TaskModel::State, 80);
  m_taskView->setColumnWidth(TaskModel::Name, 200);
  m_taskView->setColumnWidth(TaskModel::Location, 180);
  connect(m_taskView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          &MainWindow::onTaskSelected);
  // A reset (new tasks) loses the tree's expansion: the tree view shows everything open.
  connect(m_taskProxy, &QAbstractItemModel::modelReset, this, [this] {
    if (m_taskModel->treeMode()) m_taskView->expandAll();
  });
  layout->addWidget(m_taskView);

  m_detail = new TaskDetailWidget(this);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(top);
  split->addWidget(m_detail);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  return split;
}

QWidget* MainWindow::buildWorkersTab() {
  auto* view = sortedTable(m_workerModel, this);
  view->setItemDelegateForColumn(WorkerModel::Busy, new SparklineDelegate(view));
  view->setColumnWidth(WorkerModel::Worker, 140);
  view->setColumnWidth(WorkerModel::Busy, 260);
  view->verticalHeader()->setDefaultSectionSize(28);
  return view;
}

QWidget* MainWindow::buildAwaitTab() {
  auto* split = new QSplitter(Qt::Vertical, this);
  auto* sites = sortedTable(m_awaitModel, split);
  sites->setColumnWidth(AwaitSiteModel::Name, 320);
  sites->setColumnWidth(AwaitSiteModel::Location, 180);
  auto* logBox = new QWidget(split);
  auto* logLayout = new QVBoxLayout(logBox);
  logLayout->setContentsMargins(0, 0, 0, 0);
  logLayout->addWidget(new QLabel(tr("<b>Slow-await log</b> — each growth of a site's slow count"), logBox));
  auto* log = sortedTable(m_slowModel, logBox);
  log->setColumnWidth(SlowAwaitModel::Site, 320);
  logLayout->addWidget(log);
  split->addWidget(sites);
  split->addWidget(logBox);
  return split;
}

QWidget* MainWindow::buildWarningsTab() {
  auto* view = sortedTable(m_warningModel, this);
  view->setToolTip(tr("Click a warning to go to its task"));
  view->setColumnWidth(WarningModel::Lint, 160);
  view->setColumnWidth(WarningModel::TaskName, 180);
  view->setColumnWidth(WarningModel::Message, 480);
  connect(view, &QTableView::activated, this, [this](const QModelIndex& i) {
    goToTask(i.data(TaskIdRole).toULongLong());
  });
  connect(view, &QTableView::clicked, this, [this](const QModelIndex& i) {
    goToTask(i.data(TaskIdRole).toULongLong());
  });
  return view;
}

QWidget* MainWindow::buildResourcesTab() {
  auto* split = new QSplitter(Qt::Vertical, this);
  auto* top = new QWidget(split);
  auto* layout = new QVBoxLayout(top);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  auto* search = new QLineEdit(top);
  search->setPlaceholderText(tr("Search kind, handle, state or last task…"));
  search->setClearButtonEnabled(true);
  connect(search, &QLineEdit::textChanged, m_resourceProxy, &QSortFilterProxyModel::setFilterFixedString);
  m_resourceSummary = new QLabel(top);
  bar->addWidget(search, 1);
  bar->addWidget(m_resourceSummary);
  layout->addLayout(bar);

  m_resourceView = new QTableView(top);
  m_resourceView->setModel(m_resourceProxy);
  m_resourceView->setSortingEnabled(true);
  m_resourceView->sortByColumn(ResourceModel::TimedOps, Qt::DescendingOrder);
  m_resourceView->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_resourceView->verticalHeader()->hide();
  m_resourceView->horizontalHeader()->setStretchLastSection(true);
  m_resourceView->setAlternatingRowColors(true);
  m_resourceView->setWordWrap(false);
  m_resourceView->setColumnWidth(ResourceModel::Kind, 110);
  connect(m_resourceView, &QTableView::activated, this, [this](const QModelIndex& i) {
    if (const auto id = i.data(TaskIdRole).toULongLong()) goToTask(id);
  });
  layout->addWidget(m_resourceView, 1);

  auto* kinds = new QWidget(split);
  auto* kindsLayout = new QVBoxLayout(kinds);
  kindsLayout->setContentsMargins(0, 0, 0, 0);
  kindsLayout->addWidget(new QLabel(
      tr("<b>Operations by kind</b> — started by tasks; waits from start to completion, timed"), kinds));
  auto* kindView = sortedTable(m_operationKindModel, kinds);
  kindView->setColumnWidth(OperationKindModel::Kind, 160);
  kindView->sortByColumn(OperationKindModel::Started, Qt::DescendingOrder);
  kindsLayout->addWidget(kindView);
  split->addWidget(top);
  split->addWidget(kinds);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  return split;
}

void MainWindow::refreshResources() {
  if (!m_results) return;
  std::size_t closed = 0;
  for (const auto& r : m_results->resources) closed += r.closed;
  QString text = tr("%1 resources (%2 open, %3 closed)")
                     .arg(m_results->resources.size())
                     .arg(m_results->resources.size() - closed)
                     .arg(closed);
  if (m_results->counts.dropped_resources)
    text += tr(" · %1 forgotten by the probe to stay bounded").arg(m_results->counts.dropped_resources);
  m_resourceSummary->setText(text);
  m_tabs->setTabText(m_tabs->indexOf(m_resourcesTab),
                     m_results->resources.empty() ? tr("Resources")
                                                  : tr("Resources (%1)").arg(m_results->resources.size()));
}

QString MainWindow::resourceSummaryText() const { return m_resourceSummary->text(); }

QString MainWindow::taskCountsText() const { return m_counts->text(); }

QWidget* MainWindow::buildHeapTab() {
  auto* box = new QWidget(this);
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  m_heapSummary = new QLabel(box);
  m_heapSummary->setWordWrap(true);
  m_heapSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_heapSummary);

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
            [this] { refreshHeapStacks(); });
    return split;
  };
  m_heapSiteView = sortedTable(m_heapSiteModel, this);
  m_heapSiteView->setColumnWidth(HeapSiteModel::Function, 320);
  m_heapSiteView->sortByColumn(HeapSiteModel::InUse, Qt::DescendingOrder);
  m_leakView = sortedTable(m_leakModel, this);
  m_leakView->setColumnWidth(LeakSuspectModel::Kind, 160);
  m_leakView->setColumnWidth(LeakSuspectModel::Function, 280);

  auto* sites = new QWidget(this);
  auto* sitesLayout = new QVBoxLayout(sites);
  sitesLayout->setContentsMargins(0, 0, 0, 0);
  sitesLayout->addWidget(new QLabel(tr("Top live allocation sites"), sites));
  sitesLayout->addWidget(withStack(m_heapSiteView, m_heapSiteStack), 1);
  auto* leaks = new QWidget(this);
  auto* leaksLayout = new QVBoxLayout(leaks);
  leaksLayout->setContentsMargins(0, 0, 0, 0);
  leaksLayout->addWidget(new QLabel(tr("Leak suspects"), leaks));
  leaksLayout->addWidget(withStack(m_leakView, m_leakStack), 1);
  auto* split = new QSplitter(Qt::Vertical, box);
  split->addWidget(sites);
  split->addWidget(leaks);
  m_heapContent = split;
  layout->addWidget(split, 1);
  refreshHeap();
  return box;
}

QWidget* MainWindow::buildFlameTab() {
  auto* box = new QWidget(this);
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  m_flameTask = new QComboBox(box);
  m_flameTask->addItem(tr("All tasks"), QVariant());
  m_flameTask->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  connect(m_flameTask, &QComboBox::currentIndexChanged, this, [this] { refreshFlamegraph(); });
  m_flameFullNames = new QCheckBox(tr("Full names"), box);
  m_flameFullNames->setObjectName(QStringLiteral("flameFullNames"));
  m_flameFullNames->setToolTip(
      tr("Name functions by their full signature (return type, parameters, template arguments) "
         "instead of the short 'scope::name<...>' form"));
  connect(m_flameFullNames, &QCheckBox::toggled, this, [this] { refreshFlamegraph(); });
  m_flameInfo = new QLabel(box);
  bar->addWidget(new QLabel(tr("Task:"), box));
  bar->addWidget(m_flameTask);
  bar->addWidget(m_flameFullNames);
  bar->addWidget(m_flameInfo, 1);
  layout->addLayout(bar);
  m_flamegraph = new FlamegraphWidget(box);
  m_flamegraph->setEmptyText(tr("No CPU samples yet (the probe sends them when its sampler runs)"));
  auto* scroll = new QScrollArea(box);
  scroll->setWidget(m_flamegraph);
  scroll->setWidgetResizable(true);
  layout->addWidget(scroll, 1);
  connect(m_flamegraph, &FlamegraphWidget::zoomChanged, this, [this](const QStringList& path) {
    m_flameInfo->setText(path.isEmpty() ? QString() : tr("zoomed: %1 (double-click or Esc to zoom out)")
                                                          .arg(path.back()));
  });
  return box;
}

QWidget* MainWindow::buildReplayBar() {
  m_replayBar = new QWidget(this);
  auto* layout = new QHBoxLayout(m_replayBar);
  layout->setContentsMargins(0, 0, 0, 0);
  m_play = new QPushButton(tr("Play"), m_replayBar);
  m_play->setCheckable(true);
  connect(m_play, &QPushButton::toggled, this, &MainWindow::togglePlay);
  m_slider = new QSlider(Qt::Horizontal, m_replayBar);
  m_slider->setTracking(true);
  connect(m_slider, &QSlider::valueChanged, this, &MainWindow::onSliderMoved);
  m_replayTime = new QLabel(m_replayBar);
  layout->addWidget(m_play);
  layout->addWidget(m_slider, 1);
  layout->addWidget(m_replayTime);
  m_playTimer = new QTimer(this);
  m_playTimer->setInterval(100);
  connect(m_playTimer, &QTimer::timeout, this, [this] {
    if (m_slider->value() >= m_slider->maximum()) {
      m_play->setChecked(false);
      return;
    }
    m_slider->setValue(std::min(m_slider->maximum(), m_slider->value() + 100));
  });
  m_replayBar->hide();
  return m_replayBar;
}

void MainWindow::buildActions() {
  auto* bar = addToolBar(tr("Console"));
  bar->setObjectName(QStringLiteral("consoleToolbar"));
  bar->addAction(tr("Connect…"), this, &MainWindow::connectDialog);
  bar->addAction(tr("Launch…"), this, &MainWindow::launchDialog);
  bar->addSeparator();
  m_pauseAction = bar->addAction(tr("Pause"));
  m_pauseAction->setCheckable(true);
  m_pauseAction->setShortcut(Qt::Key_Space);
  m_pauseAction->setToolTip(tr("Stop receiving updates (the probe keeps collecting)"));
  connect(m_pauseAction, &QAction::toggled, this, [this](bool on) {
    m_backend->setPaused(on);
    m_pauseAction->setText(on ? tr("Resume") : tr("Pause"));
    refreshStatus();
  });
  m_recordAction = bar->addAction(tr("Record…"));
  m_recordAction->setCheckable(true);
  connect(m_recordAction, &QAction::triggered, this, &MainWindow::toggleRecording);
  bar->addSeparator();
  m_treeAction = bar->addAction(tr("Task tree"));
  m_treeAction->setCheckable(true);
  m_treeAction->setToolTip(tr("Show tasks under the task that spawned them"));
  connect(m_treeAction, &QAction::toggled, this, [this](bool on) {
    m_taskModel->setTreeMode(on);
    m_taskView->setRootIsDecorated(on);
    if (on) m_taskView->expandAll();
  });
  bar->addSeparator();
  bar->addWidget(new QLabel(tr(" Keep completed for "), bar));
  m_retainSpin = new QSpinBox(bar);
  m_retainSpin->setRange(0, 3600);
  m_retainSpin->setSuffix(tr(" s"));
  m_retainSpin->setValue(int(m_retain.count()));
  connect(m_retainSpin, &QSpinBox::valueChanged, this,
          [this](int s) { setRetainCompleted(std::chrono::seconds(s)); });
  bar->addWidget(m_retainSpin);
}

void MainWindow::setRetainCompleted(std::chrono::seconds retain) {
  m_retain = retain;
  m_backend->setRetainCompleted(retain);
  if (m_retainSpin && m_retainSpin->value() != int(retain.count())) m_retainSpin->setValue(int(retain.count()));
}

void MainWindow::connectTo(const QString& host, quint16 port, const QString& token) {
  m_lastHost = host;
  m_lastPort = port;
  m_replayBar->hide();
  m_backend->connectTo(host, port, token);
}

bool MainWindow::openReplay(const QString& path, QString* error) {
  m_backend->disconnectFromProbe();
  if (!m_replay) {
    ResultsBuilder::Options options;
    options.retainCompleted = m_retain;
    m_replay = new ReplaySource(options, this);
    connect(m_replay, &ReplaySource::resultsAvailable, this, &MainWindow::applyResults);
    connect(m_replay, &ReplaySource::taskDetailsAvailable, this,
            [this](const TaskDetailsPtr& d) { m_detail->setDetails(*d); });
    connect(m_replay, &ReplaySource::errorReported, this,
            [this](const QString& m) { statusBar()->showMessage(m, 5000); });
  }
  if (!m_replay->open(path, error)) return false;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(m_replay->duration()).count();
  m_pauseAction->setEnabled(false);
  m_recordAction->setEnabled(false);
  m_replayBar->show();
  m_slider->setRange(0, int(std::min<long long>(ms, INT_MAX)));
  m_connectionText = tr("replay of %1 (%2 frames)").arg(path).arg(m_replay->frameCount());
  // Start at the end: the whole session, as it was when recording stopped.
  m_slider->blockSignals(true);
  m_slider->setValue(m_slider->maximum());
  m_slider->blockSignals(false);
  onSliderMoved(m_slider->maximum());
  return true;
}

bool MainWindow::launch(const QString& program, const QStringList& arguments, QString* error,
                        const QString& workingDirectory) {
  if (!m_launcher) {
    m_launcher = new Launcher(this);
    connect(m_launcher, &Launcher::consoleAddress, this,
            [this](const QString& host, quint16 port) { connectTo(host, port); });
    connect(m_launcher, &Launcher::output, this, &MainWindow::appendOutput);
    connect(m_launcher, &Launcher::finished, this, [this](const QString& status, int) {
      appendOutput(QStringLiteral("\n== %1 ==\n").arg(status), true);
      statusBar()->showMessage(status);
      m_connectionText = status;
      refreshStatus();
    });
  }
  m_backend->setMaxBackoff(std::chrono::milliseconds(500));  // the program is starting up
  showOutputTab();
  if (!m_launcher->start(program, arguments, error, workingDirectory)) return false;
  appendOutput(tr("== started %1 with COROSCOPE_CONSOLE=127.0.0.1:%2 ==\n")
                   .arg(m_launcher->commandLine())
                   .arg(m_launcher->port()),
               false);
  return true;
}

bool MainWindow::startRecording(const QString& path, QString* error) {
  if (!m_backend->startRecording(path, error)) return false;
  m_recordAction->setChecked(true);
  m_recordAction->setText(tr("Stop recording"));
  m_recordAction->setToolTip(tr("Recording to %1").arg(path));
  refreshStatus();
  return true;
}

void MainWindow::toggleRecording(bool on) {
  if (!on) {
    m_backend->stopRecording();
    m_recordAction->setText(tr("Record…"));
    refreshStatus();
    return;
  }
  m_recordAction->setChecked(false);
  const QString path = QFileDialog::getSaveFileName(this, tr("Record the session to"),
                                                    QStringLiteral("session.cscope"),
                                                    tr("Console recordings (*.cscope);;All files (*)"));
  if (path.isEmpty()) return;
  QString error;
  if (!startRecording(path, &error)) QMessageBox::warning(this, tr("Cannot record"), error);
}

void MainWindow::connectDialog() {
  ConnectDialog d(this);
  d.setAddress(m_lastHost.isEmpty() ? QStringLiteral("127.0.0.1") : m_lastHost, m_lastPort);
  if (d.exec() == QDialog::Accepted) connectTo(d.host(), d.port(), d.token());
}

void MainWindow::launchDialog() {
  LaunchDialog d(this);
  if (d.exec() != QDialog::Accepted || d.program().isEmpty()) return;
  QString error;
  if (!launch(d.program(), d.arguments(), &error, d.workingDirectory()))
    QMessageBox::warning(this, tr("Cannot launch"), error);
}

void MainWindow::showOutputTab() {
  if (m_outputTab) return;
  m_output = new QPlainTextEdit(this);
  m_output->setReadOnly(true);
  m_output->setMaximumBlockCount(20000);
  m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  m_outputTab = m_output;
  m_tabs->addTab(m_outputTab, tr("Output"));
}

void MainWindow::appendOutput(const QString& text, bool isStderr) {
  showOutputTab();
  m_output->moveCursor(QTextCursor::End);
  QTextCharFormat format;
  format.setForeground(isStderr ? QColor(0xa0, 0x20, 0x20) : palette().color(QPalette::Text));
  m_output->textCursor().insertText(text, format);
  m_output->moveCursor(QTextCursor::End);
}

void MainWindow::onSliderMoved(int value) {
  if (!m_replay) return;
  const auto t = std::chrono::milliseconds(value);
  m_replay->seek(t);
  m_replayTime->setText(tr("%1 / %2")
                            .arg(formatDuration(t), formatDuration(m_replay->duration())));
}

void MainWindow::togglePlay(bool play) {
  m_play->setText(play ? tr("Stop") : tr("Play"));
  if (play && m_slider->value() >= m_slider->maximum()) m_slider->setValue(0);
  if (play)
    m_playTimer->start();
  else
    m_playTimer->stop();
}

void MainWindow::onConnectionChanged(int state, const QString& detail) {
  const auto s = connection_state(state);
  QString text = QString::fromLatin1(to_string(s));
  if (!m_backend->address().isEmpty()) text += QStringLiteral(" ") + m_backend->address();
  if (!detail.isEmpty()) text += QStringLiteral(" — ") + detail;
  m_connectionText = text;
  refreshStatus();
}

QString MainWindow::connectionText() const { return m_connectionText; }

QString MainWindow::outputText() const { return m_output ? m_output->toPlainText() : QString(); }

void MainWindow::refreshStatus() {
  QString c = m_connectionText;
  if (m_backend->isPaused()) c += tr(" (paused)");
  if (m_backend->isRecording()) c += tr(" ● recording");
  m_statusConnection->setText(c);
  if (!m_results) return;
  const auto& id = m_results->identity;
  const QString start = formatTime(id.process_start);
  const QString who = tr("%1 — pid %2 on %3, started %4, up %5")
                          .arg(QString::fromStdString(id.service_name))
                          .arg(id.pid)
                          .arg(QString::fromStdString(id.host), start, formatDuration(m_results->uptime));
  m_statusIdentity->setText(who);
  setWindowTitle(tr("%1 (pid %2) — coroscope console").arg(QString::fromStdString(id.service_name)).arg(id.pid));
  const auto& k = m_results->counts;
  m_statusDrops->setText(tr("dropped events: %1  untracked spawns: %2  dropped samples: %3")
                             .arg(k.dropped_events)
                             .arg(k.untracked_spawns)
                             .arg(k.dropped_cpu_samples));
  QString counts = tr("%1 running, %2 scheduled, %3 idle, %4 completed")
                       .arg(m_results->running)
                       .arg(m_results->scheduled)
                       .arg(m_results->idle)
                       .arg(m_results->completed);
  // Handlers no task started: shown with the tasks, never dropped.
  const no_task_info& none = m_results->noTask;
  if (none.polls || none.busy.count())
    counts += tr(" · (no task): %1 polls, %2 busy").arg(none.polls).arg(formatDuration(none.busy));
  m_counts->setText(counts);
  m_counts->setToolTip(tr("(no task): handlers that ran outside any task, such as callbacks of "
                          "operations that main() or a plain thread started"));
}

void MainWindow::applyResults(const ResultsPtr& results) {
  if (!results) return;
  m_results = results;
  m_taskModel->setResults(results);
  m_workerModel->setResults(results);
  m_awaitModel->setResults(results);
  m_slowModel->setResults(results);
  m_warningModel->setResults(results);
  m_heapSiteModel->setResults(results);
  m_leakModel->setResults(results);
  m_resourceModel->setResults(results);
  m_operationKindModel->setResults(results);
  m_tabs->setTabText(m_tabs->indexOf(m_warningsTab),
                     results->warnings.empty() ? tr("Warnings")
                                               : tr("Warnings (%1)").arg(results->warnings.size()));
  // With nothing selected, select the first task: the detail pane is never idle.
  if (!m_taskView->currentIndex().isValid() && m_taskProxy->rowCount() > 0)
    m_taskView->setCurrentIndex(m_taskProxy->index(0, 0));
  refreshFlamegraph();
  refreshHeap();
  refreshResources();
  refreshDetail();
  refreshStatus();
  emit resultsApplied();
}

void MainWindow::onTaskSelected() {
  m_requestedDetailsFor = 0;
  refreshDetail();
}

void MainWindow::refreshDetail() {
  const QModelIndex current = m_taskProxy->mapToSource(m_taskView->currentIndex());
  const TaskRow* row = m_taskModel->taskAt(current);
  m_detail->showTask(row, m_results.get());
  if (!row) return;
  // Live: ask again each update while the task runs; once for a finished one.
  if (!row->isCompleted() || m_requestedDetailsFor != row->info.id) {
    if (!row->retained) m_backend->requestTaskDetails(row->info.id);
    m_requestedDetailsFor = row->info.id;
  }
}

void MainWindow::refreshFlamegraph() {
  if (!m_results) return;
  // The task list of the filter: tasks with samples, busiest first.
  std::map<std::uint64_t, std::uint64_t> perTask;
  std::uint64_t total = 0;
  for (const auto& s : m_results->cpuSamples) {
    total += s.count;
    if (s.task_id) perTask[s.task_id] += s.count;
  }
  const QVariant selected = m_flameTask->currentData();
  m_flameTask->blockSignals(true);
  m_flameTask->clear();
  m_flameTask->addItem(tr("All tasks (%1 samples)").arg(total), QVariant());
  for (const auto& [id, count] : perTask) {
    const int i = m_results->taskIndex(id);
    const QString name = i >= 0 ? QString::fromStdString(m_results->tasks[std::size_t(i)].info.name) : QString();
    m_flameTask->addItem(tr("%1 %2 (%3 samples)").arg(id).arg(name).arg(count), qulonglong(id));
  }
  const int keep = selected.isValid() ? m_flameTask->findData(selected) : 0;
  m_flameTask->setCurrentIndex(keep < 0 ? 0 : keep);
  m_flameTask->blockSignals(false);
  const QVariant task = m_flameTask->currentData();
  m_flamegraph->setTree(FlameTree::fromSamples(
      m_results->cpuSamples,
      task.isValid() ? std::optional<std::uint64_t>(task.toULongLong()) : std::nullopt,
      m_flameFullNames->isChecked() ? name_style::full_names : name_style::short_names));
}

void MainWindow::refreshHeap() {
  const heap_view* heap = m_results ? m_results->heap.get() : nullptr;
  m_heapContent->setVisible(heap != nullptr);
  if (!heap) {
    m_heapSummary->setText(
        tr("Heap sampling is off. Link the program with coroscope::heap and set "
           "COROSCOPE_HEAP_PROFILE=path.pb.gz (COROSCOPE_HEAP_SAMPLE_BYTES sets the sampling "
           "interval) to see live allocation sites and leak suspects here."));
    m_heapSiteStack->clear();
    m_leakStack->clear();
    return;
  }
  QString text = tr("In use (sampled): %1 in %2 objects, %3 live sites")
                     .arg(formatBytes(std::int64_t(heap->inuse_bytes)))
                     .arg(heap->inuse_objects)
                     .arg(heap->total_sites);
  text += heap->process_rss_bytes ? tr(" · process RSS: %1").arg(formatBytes(std::int64_t(heap->process_rss_bytes)))
                                  : tr(" · process RSS: unknown");
  text += heap->sample_interval_bytes == 1
              ? tr(" · every allocation sampled")
              : tr(" · one sample per %1 allocated").arg(formatBytes(std::int64_t(heap->sample_interval_bytes)));
  text += tr(" · at %1").arg(formatTime(heap->time));
  m_heapSummary->setText(text);
  // Nothing selected yet: show the largest site, so the stack pane is never idle.
  if (!m_heapSiteView->currentIndex().isValid() && m_heapSiteView->model()->rowCount() > 0)
    m_heapSiteView->setCurrentIndex(m_heapSiteView->model()->index(0, 0));
  refreshHeapStacks();
}

void MainWindow::refreshHeapStacks() {
  auto sourceRow = [](QTableView* view) {
    const auto* proxy = static_cast<const QSortFilterProxyModel*>(view->model());
    const QModelIndex current = view->currentIndex();
    return current.isValid() ? proxy->mapToSource(current).row() : -1;
  };
  const QString site = m_heapSiteModel->stackText(sourceRow(m_heapSiteView));
  if (m_heapSiteStack->toPlainText() != site) m_heapSiteStack->setPlainText(site);
  const QString leak = m_leakModel->stackText(sourceRow(m_leakView));
  if (m_leakStack->toPlainText() != leak) m_leakStack->setPlainText(leak);
}

QString MainWindow::heapSummaryText() const { return m_heapSummary->text(); }
QString MainWindow::heapSiteStackText() const { return m_heapSiteStack->toPlainText(); }
QString MainWindow::leakSuspectStackText() const { return m_leakStack->toPlainText(); }

void MainWindow::showTab(const QString& name) {
  // In the order of the tabs; "output" exists only once a launched program wrote.
  static const QStringList names = {"tasks",      "workers", "resources", "await-sites", "warnings",
                                    "flamegraph", "heap",    "output"};
  const int i = int(names.indexOf(name));
  if (i >= 0 && i < m_tabs->count()) m_tabs->setCurrentIndex(i);
}

bool MainWindow::goToTask(std::uint64_t id) {
  QModelIndex source = m_taskModel->indexOfTask(id);
  if (!source.isValid()) {
    statusBar()->showMessage(tr("Task %1 is no longer listed").arg(id), 4000);
    return false;
  }
  QModelIndex proxied = m_taskProxy->mapFromSource(source);
  if (!proxied.isValid()) {
    m_search->clear();
    m_taskProxy->setSearchText(QString());
    proxied = m_taskProxy->mapFromSource(source);
  }
  m_tabs->setCurrentIndex(0);
  m_taskView->setCurrentIndex(proxied);
  m_taskView->scrollTo(proxied);
  return proxied.isValid();
}

}  // namespace coroscope::viewer
