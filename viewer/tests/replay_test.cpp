// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "coroscope/console/v1/console.pb.h"
#include "coroscope/console_recording.hpp"
#include "mainwindow.hpp"
#include "models/operationkindmodel.hpp"
#include "models/resourcemodel.hpp"
#include "models/taskmodel.hpp"
#include "pages/resourcespage.hpp"
#include "pages/taskspage.hpp"
#include "replaysource.hpp"

namespace coroscope::viewer {
namespace {

namespace pb = coroscope::console::v1;
using namespace std::chrono_literals;

std::string hello() {
  pb::ServerMessage m;
  auto* h = m.mutable_hello();
  h->set_protocol_version(1);
  h->set_service_name("recorded");
  h->set_pid(4242);
  h->set_host("box");
  h->set_instance_id("rec-1");
  return m.SerializeAsString();
}

void addTask(pb::Update* u, std::uint64_t id, const char* name, std::uint64_t polls) {
  auto* t = u->add_new_tasks();
  t->set_id(id);
  t->set_name(name);
  t->mutable_spawn_location()->set_file("svc.cpp");
  t->mutable_spawn_location()->set_line(std::uint32_t(id));
  t->mutable_stats()->set_id(id);
  t->mutable_stats()->set_state(pb::TASK_STATE_IDLE);
  t->mutable_stats()->set_polls(polls);
}

std::string update(std::uint64_t seq, bool full, std::initializer_list<std::uint64_t> newIds,
                   std::uint64_t changedId = 0, std::uint64_t changedPolls = 0,
                   std::uint64_t removedId = 0) {
  pb::ServerMessage m;
  auto* u = m.mutable_update();
  u->set_sequence(seq);
  u->set_full_state(full);
  u->set_time_unix_nano(1'700'000'000'000'000'000ULL + seq * 1'000'000'000ULL);
  for (auto id : newIds) addTask(u, id, id == 1 ? "accept-loop" : "session", id);
  if (changedId) {
    auto* s = u->add_changed_tasks();
    s->set_id(changedId);
    s->set_state(pb::TASK_STATE_RUNNING);
    s->set_polls(changedPolls);
  }
  if (removedId) u->add_removed_task_ids(removedId);
  auto* w = u->add_workers();
  w->set_index(0);
  w->set_polls(seq * 10);
  return m.SerializeAsString();
}

/// hello + full state (tasks 1, 2) at 0 s; task 3 at 1 s; task 2 polled at 2 s;
/// task 1 retired at 3 s.
std::string writeRecording(const QTemporaryDir& dir) {
  const std::string path = dir.filePath("session.cscope").toStdString();
  std::string error;
  auto rec = session_recorder::create(path, error);
  EXPECT_TRUE(rec) << error;
  const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  rec->write(t0, recorded_kind::hello, hello());
  rec->write(t0, recorded_kind::full_state, update(1, true, {1, 2}));
  rec->write(t0 + 1s, recorded_kind::delta, update(2, false, {3}));
  rec->write(t0 + 2s, recorded_kind::delta, update(3, false, {}, 2, 77));
  rec->write(t0 + 3s, recorded_kind::delta, update(4, false, {}, 0, 0, 1));
  return path;
}

std::vector<std::uint64_t> ids(const ResultsPtr& r) {
  std::vector<std::uint64_t> out;
  for (const auto& t : r->tasks) out.push_back(t.info.id);
  return out;
}

TEST(ReplaySource, SeeksForwardAndBack) {
  QTemporaryDir dir;
  const auto path = writeRecording(dir);
  ReplaySource replay;
  QString error;
  ASSERT_TRUE(replay.open(QString::fromStdString(path), &error)) << error.toStdString();
  EXPECT_EQ(replay.frameCount(), 5u);
  EXPECT_EQ(replay.duration(), 3s);
  QSignalSpy spy(&replay, &ReplaySource::resultsAvailable);

  auto r = replay.seek(0s);
  EXPECT_EQ(ids(r), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(r->identity.service_name, "recorded");
  r = replay.seek(2500ms);
  EXPECT_EQ(ids(r), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(r->tasks[1].info.polls, 77u);
  r = replay.seek(3s);
  ASSERT_EQ(r->tasks.size(), 3u);  // task 1 retired but retained as completed
  EXPECT_TRUE(r->tasks[0].retained);
  r = replay.seek(1s);  // back: rebuilt from the start
  EXPECT_EQ(ids(r), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(r->tasks[1].info.polls, 2u);
  EXPECT_FALSE(r->tasks[0].retained);
  EXPECT_EQ(spy.count(), 4);
}

TEST(ReplaySource, RefusesForeignFiles) {
  QTemporaryDir dir;
  ReplaySource replay;
  QString error;
  EXPECT_FALSE(replay.open(dir.filePath("missing.cscope"), &error));
  EXPECT_FALSE(error.isEmpty());
  QFile f(dir.filePath("junk"));
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write("this is not a recording at all");
  f.close();
  EXPECT_FALSE(replay.open(f.fileName(), &error));
  EXPECT_TRUE(error.contains("not a coroscope console recording")) << error.toStdString();
}

TEST(ReplayWindow, TheTimeSliderDrivesTheModels) {
  QTemporaryDir dir;
  const auto path = writeRecording(dir);
  MainWindow window;
  QAbstractItemModelTester tester(window.tasksPage()->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
  QString error;
  ASSERT_TRUE(window.openReplay(QString::fromStdString(path), &error)) << error.toStdString();
  QSlider* slider = window.replaySlider();
  EXPECT_EQ(slider->maximum(), 3000);
  EXPECT_EQ(window.tasksPage()->model()->rowCount(), 3);  // opens at the end
  slider->setValue(0);
  EXPECT_EQ(window.tasksPage()->model()->rowCount(), 2);
  slider->setValue(2000);
  ASSERT_EQ(window.tasksPage()->model()->rowCount(), 3);
  const QModelIndex two = window.tasksPage()->model()->indexOfTask(2);
  EXPECT_EQ(two.siblingAtColumn(TaskModel::Polls).data().toString(), "77");
  EXPECT_EQ(two.siblingAtColumn(TaskModel::State).data().toString(), "running");
  slider->setValue(1000);
  EXPECT_EQ(window.tasksPage()->model()->indexOfTask(2).siblingAtColumn(TaskModel::Polls).data().toString(), "2");
  EXPECT_TRUE(window.connectionText().contains("replay"));
}

/// An update with the "(no task)" bucket at `noTaskPolls`, resources `add` (new or
/// changed: id, timed operations) and `remove`.
std::string resourceUpdate(std::uint64_t seq, bool full, std::uint64_t noTaskPolls,
                           std::initializer_list<std::pair<std::uint64_t, std::uint64_t>> add,
                           std::initializer_list<std::uint64_t> remove = {}) {
  pb::ServerMessage m;
  auto* u = m.mutable_update();
  u->set_sequence(seq);
  u->set_full_state(full);
  u->set_time_unix_nano(1'700'000'000'000'000'000ULL + seq * 1'000'000'000ULL);
  if (full) addTask(u, 1, "accept-loop", 1);
  u->mutable_no_task()->set_polls(noTaskPolls);
  auto* kind = u->add_operation_kinds();
  kind->set_kind("socket_read");
  kind->set_count(seq * 10);
  for (const auto& [id, timed] : add) {
    auto* r = u->add_resources();
    r->set_id(id);
    r->set_kind("socket");
    r->set_native_handle(std::int64_t(id) + 10);
    r->set_timed_operations(timed);
  }
  for (auto id : remove) u->add_removed_resource_ids(id);
  return m.SerializeAsString();
}

TEST(ReplayWindow, ResourcesOperationsAndTheNoTaskBucketFollowTheSlider) {
  QTemporaryDir dir;
  const std::string path = dir.filePath("resources.cscope").toStdString();
  {
    std::string error;
    auto rec = session_recorder::create(path, error);
    ASSERT_TRUE(rec) << error;
    const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
    rec->write(t0, recorded_kind::hello, hello());
    rec->write(t0, recorded_kind::full_state, resourceUpdate(1, true, 3, {{1, 5}, {2, 1}}));
    rec->write(t0 + 1s, recorded_kind::delta, resourceUpdate(2, false, 4, {{1, 9}, {3, 1}}));
    rec->write(t0 + 2s, recorded_kind::delta, resourceUpdate(3, false, 6, {}, {1}));
  }
  MainWindow window;
  ResourcesPage* resources = window.resourcesPage();
  QAbstractItemModelTester tester(resources->proxy(), QAbstractItemModelTester::FailureReportingMode::Fatal);
  QString error;
  ASSERT_TRUE(window.openReplay(QString::fromStdString(path), &error)) << error.toStdString();
  auto* model = resources->model();
  const auto timedOf = [&](int row) { return model->index(row, ResourceModel::TimedOps).data().toString(); };
  const auto startedOfFirstKind = [&] {
    return resources->operationKindModel()->index(0, OperationKindModel::Started).data().toString();
  };
  const auto counts = [&] { return window.tasksPage()->countsText(); };
  ASSERT_EQ(model->rowCount(), 2);  // opens at the end: 1 removed
  EXPECT_EQ(model->index(0, ResourceModel::Id).data().toString(), "2");
  EXPECT_TRUE(counts().contains("(no task): 6 polls")) << counts().toStdString();
  EXPECT_EQ(startedOfFirstKind(), "30");
  window.replaySlider()->setValue(0);
  ASSERT_EQ(model->rowCount(), 2);
  EXPECT_EQ(timedOf(0), "5");
  EXPECT_TRUE(counts().contains("(no task): 3 polls"));
  window.replaySlider()->setValue(1000);
  ASSERT_EQ(model->rowCount(), 3);
  EXPECT_EQ(timedOf(0), "9");
  EXPECT_EQ(model->index(2, ResourceModel::Handle).data().toString(), "13");
  EXPECT_EQ(startedOfFirstKind(), "20");
}

}  // namespace
}  // namespace coroscope::viewer
