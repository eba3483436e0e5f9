// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QMainWindow>

#include <chrono>
#include <optional>

#include "results.hpp"

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSlider;
class QSortFilterProxyModel;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTimer;
class QTreeView;

namespace coroscope::viewer {

class AwaitSiteModel;
class ConsoleBackend;
class FlamegraphWidget;
class HeapSiteModel;
class LeakSuspectModel;
class Launcher;
class OperationKindModel;
class ReplaySource;
class ResourceModel;
class SlowAwaitModel;
class TaskDetailWidget;
class TaskFilterProxy;
class TaskModel;
class WarningModel;
class WorkerModel;

/// The console window: one model per view, all fed from the same `Results` value by
/// `applyResults` (from a live `ConsoleBackend` or a `ReplaySource`). GUI thread only.
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

  /// Shows `results` in every view.
  void applyResults(const ResultsPtr& results);
  /// Shows the view named `name` (tasks, workers, resources, await-sites, warnings,
  /// flamegraph, heap, output).
  void showTab(const QString& name);
  /// Selects task `id` in the tasks view (clearing a filter that hides it).
  bool goToTask(std::uint64_t id);

  // For tests and the screenshot mode.
  TaskModel* taskModel() const { return m_taskModel; }
  TaskFilterProxy* taskProxy() const { return m_taskProxy; }
  WorkerModel* workerModel() const { return m_workerModel; }
  AwaitSiteModel* awaitSiteModel() const { return m_awaitModel; }
  SlowAwaitModel* slowAwaitModel() const { return m_slowModel; }
  WarningModel* warningModel() const { return m_warningModel; }
  FlamegraphWidget* flamegraph() const { return m_flamegraph; }
  HeapSiteModel* heapSiteModel() const { return m_heapSiteModel; }
  LeakSuspectModel* leakSuspectModel() const { return m_leakModel; }
  ResourceModel* resourceModel() const { return m_resourceModel; }
  /// The resources table's search and sort.
  QSortFilterProxyModel* resourceProxy() const { return m_resourceProxy; }
  QTableView* resourceView() const { return m_resourceView; }
  OperationKindModel* operationKindModel() const { return m_operationKindModel; }
  /// The resources tab's headline: how many, open and closed, forgotten by the probe.
  QString resourceSummaryText() const;
  /// The counts beside the task search box, with the "(no task)" bucket.
  QString taskCountsText() const;
  QTableView* heapSiteView() const { return m_heapSiteView; }
  QTableView* leakSuspectView() const { return m_leakView; }
  /// The heap tab's headline: in-use and RSS figures, or why there is no heap data.
  QString heapSummaryText() const;
  /// The stack panes of the heap tab (selected site, selected suspect).
  QString heapSiteStackText() const;
  QString leakSuspectStackText() const;
  TaskDetailWidget* taskDetail() const { return m_detail; }
  ConsoleBackend* backend() const { return m_backend; }
  ReplaySource* replay() const { return m_replay; }
  QSlider* replaySlider() const { return m_slider; }
  QTreeView* taskView() const { return m_taskView; }
  QTabWidget* tabs() const { return m_tabs; }
  QString connectionText() const;
  /// The launched program's output panel text (empty without launch).
  QString outputText() const;
  const ResultsPtr& results() const { return m_results; }

 signals:
  void resultsApplied();

 private:
  void buildUi();
  void buildActions();
  QWidget* buildTasksTab();
  QWidget* buildWorkersTab();
  QWidget* buildAwaitTab();
  QWidget* buildWarningsTab();
  QWidget* buildFlameTab();
  QWidget* buildHeapTab();
  QWidget* buildResourcesTab();
  void refreshResources();
  void refreshHeap();
  void refreshHeapStacks();
  QWidget* buildReplayBar();
  void onConnectionChanged(int state, const QString& detail);
  void onTaskSelected();
  void refreshDetail();
  void refreshFlamegraph();
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

  TaskModel* m_taskModel;
  TaskFilterProxy* m_taskProxy;
  WorkerModel* m_workerModel;
  AwaitSiteModel* m_awaitModel;
  SlowAwaitModel* m_slowModel;
  WarningModel* m_warningModel;
  HeapSiteModel* m_heapSiteModel;
  LeakSuspectModel* m_leakModel;
  ResourceModel* m_resourceModel;
  OperationKindModel* m_operationKindModel;
  QSortFilterProxyModel* m_resourceProxy;

  QTabWidget* m_tabs = nullptr;
  QWidget* m_resourcesTab = nullptr;
  QWidget* m_warningsTab = nullptr;
  QLabel* m_resourceSummary = nullptr;
  QTableView* m_resourceView = nullptr;
  QTreeView* m_taskView = nullptr;
  QLineEdit* m_search = nullptr;
  QLabel* m_counts = nullptr;
  TaskDetailWidget* m_detail = nullptr;
  FlamegraphWidget* m_flamegraph = nullptr;
  QComboBox* m_flameTask = nullptr;
  QCheckBox* m_flameFullNames = nullptr;
  QLabel* m_flameInfo = nullptr;
  QLabel* m_heapSummary = nullptr;
  QWidget* m_heapContent = nullptr;
  QTableView* m_heapSiteView = nullptr;
  QTableView* m_leakView = nullptr;
  QPlainTextEdit* m_heapSiteStack = nullptr;
  QPlainTextEdit* m_leakStack = nullptr;
  QPlainTextEdit* m_output = nullptr;
  QWidget* m_outputTab = nullptr;
  QWidget* m_replayBar = nullptr;
  QSlider* m_slider = nullptr;
  QPushButton* m_play = nullptr;
  QLabel* m_replayTime = nullptr;
  QTimer* m_playTimer = nullptr;
  QLabel* m_statusConnection = nullptr;
  QLabel* m_statusIdentity = nullptr;
  QLabel* m_statusDrops = nullptr;
  QAction* m_pauseAction = nullptr;
  QAction* m_recordAction = nullptr;
  QAction* m_treeAction = nullptr;
  QSpinBox* m_retainSpin = nullptr;
  std::uint64_t m_requestedDetailsFor = 0;
};

}  // namespace coroscope::viewer
