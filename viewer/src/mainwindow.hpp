// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QMainWindow>

#include <chrono>
#include <cstdint>
#include <vector>

#include "results.hpp"

class QAction;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTabWidget;
class QTimer;

namespace coroscope::viewer {

class AwaitSitesPage;
class ConsoleBackend;
class FlamegraphPage;
class HeapPage;
class Launcher;
class OutputPage;
class ReplaySource;
class ResourcesPage;
class ResultsPage;
class TasksPage;
class TimelinePage;
class WarningsPage;
class WorkersPage;

/// The console window: the session (a live `ConsoleBackend`, a `ReplaySource` with its
/// time slider, or a launched program), the toolbar actions, the status bar and one tab
/// per page. Each results value the session delivers goes to every page through
/// `applyResults`; the pages own the models and views. GUI thread only.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Watches a live probe (reconnecting on loss).
  void connectTo(const QString& host, quint16 port, const QString& token = {});
  /// Replays a recording; shows the time slider. False with a one-line `error`.
  bool openReplay(const QString& path, QString* error);
  /// Starts `program` with the console on a free loopback port and connects to it.
  bool launch(const QString& program, const QStringList& arguments, QString* error,
              const QString& workingDirectory = {});
  /// Starts recording the live session.
  bool startRecording(const QString& path, QString* error);
  void setRetainCompleted(std::chrono::seconds retain);

  /// Shows `results` in every page.
  void applyResults(const ResultsPtr& results);
  /// Shows the page named `name` (tasks, workers, resources, await-sites, warnings,
  /// flamegraph, heap, output).
  void showTab(const QString& name);
  /// Shows task `id` in the tasks page (clearing a search that hides it); false, with a
  /// status-bar message, when it is no longer listed.
  bool goToTask(std::uint64_t id);

  /// The pages, in tab order.
  TasksPage* tasksPage() const { return m_tasks; }
  WorkersPage* workersPage() const { return m_workers; }
  ResourcesPage* resourcesPage() const { return m_resources; }
  AwaitSitesPage* awaitSitesPage() const { return m_awaitSites; }
  WarningsPage* warningsPage() const { return m_warnings; }
  FlamegraphPage* flamegraphPage() const { return m_flamegraph; }
  HeapPage* heapPage() const { return m_heap; }
  TimelinePage* timelinePage() const { return m_timeline; }
  /// The launched program's output; null until `launch`.
  OutputPage* outputPage() const { return m_output; }
  /// The tabs holding the pages (the output page last, once there is one).
  QTabWidget* tabs() const { return m_tabs; }

  /// The session: the live client, the replay (null until `openReplay`) and its slider.
  ConsoleBackend* backend() const { return m_backend; }
  ReplaySource* replay() const { return m_replay; }
  QSlider* replaySlider() const { return m_slider; }
  /// The connection part of the status bar, without "(paused)" and "recording".
  QString connectionText() const { return m_connectionText; }
  /// The results shown last (null before the first).
  const ResultsPtr& results() const { return m_results; }

 signals:
  void resultsApplied();

 private:
  void buildUi();
  void buildActions();
  QWidget* buildReplayBar();
  void addPage(ResultsPage* page, const char* name);
  void onConnectionChanged(int state, const QString& detail);
  void refreshStatus();
  void appendOutput(const QString& text, bool isStderr);
  void showOutputTab();
  void onSliderMoved(int value);
  void togglePlay(bool play);
  void connectDialog();
  void launchDialog();
  void toggleRecording(bool on);

  ConsoleBackend* m_backend;
  ReplaySource* m_replay = nullptr;
  Launcher* m_launcher = nullptr;
  ResultsPtr m_results;
  std::chrono::seconds m_retain{30};
  QString m_connectionText;
  QString m_lastHost;
  quint16 m_lastPort = 6669;

  QTabWidget* m_tabs = nullptr;
  std::vector<ResultsPage*> m_pages;  ///< every page but the output, in tab order
  TasksPage* m_tasks = nullptr;
  WorkersPage* m_workers = nullptr;
  ResourcesPage* m_resources = nullptr;
  AwaitSitesPage* m_awaitSites = nullptr;
  WarningsPage* m_warnings = nullptr;
  FlamegraphPage* m_flamegraph = nullptr;
  HeapPage* m_heap = nullptr;
  TimelinePage* m_timeline = nullptr;
  OutputPage* m_output = nullptr;

  QWidget* m_replayBar = nullptr;
  QSlider* m_slider = nullptr;
  QPushButton* m_play = nullptr;
  QLabel* m_replayTime = nullptr;
  QTimer* m_playTimer = nullptr;
  QLabel* m_statusConnection = nullptr;
  QLabel* m_statusIdentity = nullptr;
  QLabel* m_statusDrops = nullptr;
  QLabel* m_statusSelf = nullptr;  // coroscope's own cost (objectName "selfCost")
  QAction* m_pauseAction = nullptr;
  QAction* m_recordAction = nullptr;
  QAction* m_treeAction = nullptr;
  QSpinBox* m_retainSpin = nullptr;
};

}  // namespace coroscope::viewer
