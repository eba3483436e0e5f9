// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "mainwindow.hpp"

#include <QAction>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

#include "consolebackend.hpp"
#include "dialogs.hpp"
#include "format.hpp"
#include "launcher.hpp"
#include "pages/awaitsitespage.hpp"
#include "pages/flamegraphpage.hpp"
#include "pages/heappage.hpp"
#include "pages/outputpage.hpp"
#include "pages/resourcespage.hpp"
#include "pages/taskspage.hpp"
#include "pages/timelinepage.hpp"
#include "pages/warningspage.hpp"
#include "pages/workerspage.hpp"
#include "replaysource.hpp"

namespace coroscope::viewer {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_backend(new ConsoleBackend(this)) {
  connect(m_backend, &ConsoleBackend::resultsAvailable, this, &MainWindow::applyResults);
  connect(m_backend, &ConsoleBackend::connectionChanged, this, &MainWindow::onConnectionChanged);
  connect(m_backend, &ConsoleBackend::errorReported, this,
          [this](const QString& m) { statusBar()->showMessage(m, 5000); });
  buildUi();
  connect(m_backend, &ConsoleBackend::taskDetailsAvailable, this,
          [this](const TaskDetailsPtr& d) { m_tasks->setTaskDetails(*d); });
  connect(m_tasks, &TasksPage::taskDetailsWanted, m_backend, &ConsoleBackend::requestTaskDetails);
  connect(m_warnings, &WarningsPage::taskActivated, this, &MainWindow::goToTask);
  connect(m_resources, &ResourcesPage::taskActivated, this, &MainWindow::goToTask);
  // The timeline asks for the recorder's window while visible; a click on a poll selects
  // its task in the task list (and its details) without leaving the timeline.
  connect(m_timeline, &TimelinePage::timelineWanted, m_backend, &ConsoleBackend::requestTimeline);
  connect(m_backend, &ConsoleBackend::timelineAvailable, m_timeline, &TimelinePage::setIndex);
  connect(m_backend, &ConsoleBackend::timelineUnavailable, m_timeline, &TimelinePage::setUnavailable);
  connect(m_timeline, &TimelinePage::traceWanted, m_backend, &ConsoleBackend::requestTrace);
  connect(m_backend, &ConsoleBackend::traceWritten, m_timeline, &TimelinePage::setTraceWritten);
  connect(m_timeline, &TimelinePage::taskActivated, this, [this](quint64 id) { m_tasks->selectTask(id); });
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
  // The names are what showTab and --tab take.
  addPage(m_tasks = new TasksPage(m_tabs), "tasks");
  addPage(m_workers = new WorkersPage(m_tabs), "workers");
  addPage(m_resources = new ResourcesPage(m_tabs), "resources");
  addPage(m_awaitSites = new AwaitSitesPage(m_tabs), "await-sites");
  addPage(m_warnings = new WarningsPage(m_tabs), "warnings");
  addPage(m_flamegraph = new FlamegraphPage(m_tabs), "flamegraph");
  addPage(m_heap = new HeapPage(m_tabs), "heap");
  addPage(m_timeline = new TimelinePage(m_tabs), "timeline");

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(m_tabs, 1);
  layout->addWidget(buildReplayBar());
  setCentralWidget(central);

  m_statusConnection = new QLabel(this);
  m_statusIdentity = new QLabel(this);
  m_statusDrops = new QLabel(this);
  m_statusSelf = new QLabel(this);
  m_statusSelf->setObjectName(QStringLiteral("selfCost"));
  statusBar()->addWidget(m_statusConnection);
  statusBar()->addWidget(m_statusIdentity, 1);
  statusBar()->addPermanentWidget(m_statusDrops);
  statusBar()->addPermanentWidget(m_statusSelf);
}

void MainWindow::addPage(ResultsPage* page, const char* name) {
  page->setObjectName(QString::fromLatin1(name));
  m_tabs->addTab(page, page->title());
  m_pages.push_back(page);
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
  connect(m_treeAction, &QAction::toggled, m_tasks, &TasksPage::setTreeMode);
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
            [this](const TaskDetailsPtr& d) { m_tasks->setTaskDetails(*d); });
    connect(m_replay, &ReplaySource::timelineAvailable, m_timeline, &TimelinePage::setIndex);
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
  if (m_output) return;
  m_output = new OutputPage(m_tabs);
  m_output->setObjectName(QStringLiteral("output"));
  m_tabs->addTab(m_output, tr("Output"));
}

void MainWindow::appendOutput(const QString& text, bool isStderr) {
  showOutputTab();
  m_output->append(text, isStderr);
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
  const self_cost& own = m_results->self;
  m_statusSelf->setText(tr("coroscope: %1 ns/poll, CPU %2%, memory %3")
                            .arg(own.ns_per_poll, 0, 'f', 0)
                            .arg(own.cpu_ratio * 100, 0, 'f', 2)
                            .arg(formatBytes(static_cast<std::int64_t>(own.ring_bytes + own.recorder_bytes +
                                                                        own.table_bytes))));
  m_statusSelf->setToolTip(
      tr("coroscope's own cost since the probe started\n"
         "%1 polls, %2 events at %3 each on the hot path\n"
         "collector CPU %4, sampler CPU %5 (%11% of one core)\n"
         "rings %6, recorder %7, tables %8\n"
         "taken from the recorder's window by its bounds: %9 events, %10 CPU samples")
          .arg(own.polls)
          .arg(own.events)
          .arg(formatDuration(own.event_cost), formatDuration(own.collector_cpu), formatDuration(own.sampler_cpu),
               formatBytes(static_cast<std::int64_t>(own.ring_bytes)),
               own.recorder_bytes ? formatBytes(static_cast<std::int64_t>(own.recorder_bytes)) : tr("none"),
               formatBytes(static_cast<std::int64_t>(own.table_bytes)))
          .arg(own.recorder_lost_events)
          .arg(own.recorder_lost_samples)
          .arg(m_results->uptime.count() > 0 ? 100.0 * double(own.sampler_cpu.count()) /
                                                   double(m_results->uptime.count())
                                             : 0.0,
               0, 'f', 2));
}

void MainWindow::applyResults(const ResultsPtr& results) {
  if (!results) return;
  m_results = results;
  for (ResultsPage* page : m_pages) {
    page->setResults(results);
    const int tab = m_tabs->indexOf(page);
    const QString title = page->title();
    if (m_tabs->tabText(tab) != title) m_tabs->setTabText(tab, title);
  }
  refreshStatus();
  emit resultsApplied();
}

void MainWindow::showTab(const QString& name) {
  // "output" exists only once a program was launched.
  for (int i = 0; i < m_tabs->count(); ++i)
    if (m_tabs->widget(i)->objectName() == name) m_tabs->setCurrentIndex(i);
}

bool MainWindow::goToTask(std::uint64_t id) {
  if (!m_tasks->selectTask(id)) {
    statusBar()->showMessage(tr("Task %1 is no longer listed").arg(id), 4000);
    return false;
  }
  m_tabs->setCurrentWidget(m_tasks);
  return true;
}

}  // namespace coroscope::viewer
