// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// A real probe with tasks, served by console_server; the viewer's backend connects and
// the window's pages show the tasks. Then the recorded session replays to the same
// model contents.
//
// The probe's headers come first: they declare a function `emit`, which Qt's `emit`
// macro would otherwise rewrite.
#include "coroscope/console_server.hpp"
#include "coroscope/coroscope.hpp"

#include <atomic>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "consolebackend.hpp"
#include "mainwindow.hpp"
#include "models/taskmodel.hpp"
#include "models/workermodel.hpp"
#include "pages/outputpage.hpp"
#include "pages/taskspage.hpp"
#include "pages/workerspage.hpp"
#include "replaysource.hpp"

namespace coroscope::viewer {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// A probe running a ticking task and a parent that spawned a child, on one worker.
class LiveProbe {
 public:
  LiveProbe() : probe_(io_, {.service_name = "e2e-service"}) {
    asio::co_spawn(probe_.executor("ticker"), tick(), asio::detached);
    asio::co_spawn(probe_.executor("parent"), parent(), asio::detached);
    console_options options;
    options.port = 0;
    options.publish_interval = 100ms;
    server_.emplace(make_console_source(probe_), options);
    thread_ = std::thread([this] { probe_.run(1); });
  }
  ~LiveProbe() {
    stop_ = true;
    server_->stop();
    work_.reset();
    thread_.join();
  }
  quint16 port() const { return server_->port(); }

 private:
  asio::awaitable<void> tick() {
    asio::steady_timer t(co_await asio::this_coro::executor);
    while (!stop_) {
      t.expires_after(20ms);
      co_await t.async_wait(asio::use_awaitable);
    }
  }
  asio::awaitable<void> parent() {
    coroscope::co_spawn(co_await asio::this_coro::executor, "child", tick(), asio::detached);
    co_await tick();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  coroscope::probe probe_;
  std::optional<console_server> server_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

bool hasPolledTask(const TaskModel& m, const QString& name) {
  for (int r = 0; r < m.rowCount(); ++r) {
    const QModelIndex i = m.index(r, TaskModel::Name);
    if (i.data().toString() == name &&
        m.index(r, TaskModel::Polls).data(SortRole).toULongLong() > 0)
      return true;
  }
  return false;
}

/// Every cell's text, for comparing two models.
QStringList contents(const QAbstractItemModel& m) {
  QStringList out;
  for (int r = 0; r < m.rowCount(); ++r)
    for (int c = 0; c < m.columnCount(); ++c) out << m.index(r, c).data().toString();
  return out;
}

TEST(EndToEnd, LiveTasksReachTheModelsAndReplayReproducesThem) {
  LiveProbe live;
  QTemporaryDir dir;
  const QString recording = dir.filePath("e2e.cscope");

  MainWindow window;
  QAbstractItemModelTester tester(window.tasksPage()->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
  window.connectTo(QStringLiteral("127.0.0.1"), live.port());
  QString error;
  ASSERT_TRUE(window.startRecording(recording, &error)) << error.toStdString();

  ASSERT_TRUE(QTest::qWaitFor([&] { return hasPolledTask(*window.tasksPage()->model(), "ticker") &&
                                           hasPolledTask(*window.tasksPage()->model(), "child"); },
                              20000))
      << "connection: " << window.connectionText().toStdString();
  EXPECT_TRUE(window.connectionText().startsWith("connected")) << window.connectionText().toStdString();
  EXPECT_EQ(window.results()->identity.service_name, "e2e-service");
  EXPECT_EQ(window.results()->identity.pid, std::uint32_t(QCoreApplication::applicationPid()));
  EXPECT_GE(window.workersPage()->model()->rowCount(), 1);

  // The child hangs under its parent in tree mode.
  window.tasksPage()->model()->setTreeMode(true);
  const QModelIndex child = [&] {
    for (const auto& row : window.results()->tasks)
      if (row.info.name == "child") return window.tasksPage()->model()->indexOfTask(row.info.id);
    return QModelIndex();
  }();
  ASSERT_TRUE(child.isValid());
  EXPECT_EQ(child.parent().siblingAtColumn(TaskModel::Name).data().toString(), "parent");
  window.tasksPage()->model()->setTreeMode(false);

  // Freeze the live window, then replay the recording up to the same update.
  window.backend()->disconnectFromProbe();
  const ResultsPtr shown = window.results();
  MainWindow replayed;
  ASSERT_TRUE(replayed.openReplay(recording, &error)) << error.toStdString();
  std::size_t end = 0;
  while (end <= replayed.replay()->frameCount() &&
         !(replayed.replay()->seekFrame(end)->sequence == shown->sequence))
    ++end;
  ASSERT_LE(end, replayed.replay()->frameCount()) << "update " << shown->sequence << " not recorded";
  EXPECT_EQ(contents(*replayed.tasksPage()->model()), contents(*window.tasksPage()->model()));
  EXPECT_EQ(contents(*replayed.workersPage()->model()), contents(*window.workersPage()->model()));
}

TEST(EndToEnd, BackendReportsALostProbe) {
  ConsoleBackend backend;
  std::vector<int> states;
  QObject::connect(&backend, &ConsoleBackend::connectionChanged, &backend,
                   [&](int s, const QString&) { states.push_back(s); });
  {
    LiveProbe live;
    backend.connectTo(QStringLiteral("127.0.0.1"), live.port());
    ASSERT_TRUE(QTest::qWaitFor([&] { return backend.connectionState() == connection_state::connected; }, 20000));
  }
  // The probe is gone: the backend notices and keeps trying.
  ASSERT_TRUE(QTest::qWaitFor([&] {
    const auto s = backend.connectionState();
    return s == connection_state::disconnected || s == connection_state::connecting;
  }, 20000));
  ASSERT_TRUE(QTest::qWaitFor([&] {
    return std::find(states.begin(), states.end(), int(connection_state::disconnected)) != states.end();
  }, 20000));
  backend.disconnectFromProbe();
  EXPECT_EQ(backend.connectionState(), connection_state::stopped);
}

TEST(EndToEnd, LaunchModeStartsTheServiceShowsItsTasksAndItsExit) {
  MainWindow window;
  QString error;
  ASSERT_TRUE(window.launch(QStringLiteral(COROSCOPE_VIEWER_DEMO), {QStringLiteral("--seconds"), QStringLiteral("3")},
                            &error))
      << error.toStdString();
  const auto output = [&] { return window.outputPage()->text(); };
  ASSERT_TRUE(QTest::qWaitFor([&] { return hasPolledTask(*window.tasksPage()->model(), "session") &&
                                           hasPolledTask(*window.tasksPage()->model(), "cruncher"); },
                              20000))
      << window.connectionText().toStdString() << "\n" << output().toStdString();
  EXPECT_EQ(window.results()->identity.service_name, "console-demo");
  EXPECT_TRUE(output().contains("demo: console on 127.0.0.1:")) << output().toStdString();
  ASSERT_TRUE(QTest::qWaitFor([&] { return output().contains("exited with status"); }, 20000))
      << output().toStdString();
  EXPECT_TRUE(output().contains("exited with status 0"));
  EXPECT_TRUE(output().contains("demo: done"));
}

TEST(EndToEnd, LaunchingAMissingProgramReportsIt) {
  MainWindow window;
  QString error;
  ASSERT_TRUE(window.launch(QStringLiteral("/nonexistent/program"), {}, &error));
  const auto output = [&] { return window.outputPage()->text(); };
  ASSERT_TRUE(QTest::qWaitFor([&] { return output().contains("failed to start"); }, 10000))
      << output().toStdString();
}

}  // namespace
}  // namespace coroscope::viewer
