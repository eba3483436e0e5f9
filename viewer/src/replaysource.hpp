// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

#include "coroscope/console_recording.hpp"
#include "results.hpp"
#include "resultsbuilder.hpp"
#include "timeline/timelineindex.hpp"

namespace coroscope::viewer {

/// Plays a recorded session (`--replay FILE`): `seek` rebuilds the results at a time
/// offset and emits them like a live backend would. Moving forward applies only the new
/// frames; moving back replays from the start (results carry history: the slow-await log,
/// worker sparklines). Lives on the GUI thread.
class ReplaySource : public QObject {
  Q_OBJECT
 public:
  explicit ReplaySource(ResultsBuilder::Options options = {}, QObject* parent = nullptr);
  ~ReplaySource() override;

  /// Opens `path`; false with a one-line `error` for a missing or foreign file.
  bool open(const QString& path, QString* error);
  QString path() const { return m_path; }
  std::size_t frameCount() const;
  std::chrono::nanoseconds duration() const;
  /// Results after every frame received up to `offset` from the first; emits them.
  ResultsPtr seek(std::chrono::nanoseconds offset);
  /// Results after frames [0, end); emits them.
  ResultsPtr seekFrame(std::size_t end);
  ResultsPtr current() const { return m_current; }

 signals:
  void resultsAvailable(const coroscope::viewer::ResultsPtr& results);
  void taskDetailsAvailable(const coroscope::viewer::TaskDetailsPtr& details);
  /// The latest timeline the recording holds up to the position (null: none yet), when
  /// it changed with a seek.
  void timelineAvailable(const coroscope::viewer::TimelineIndexPtr& index);
  void errorReported(const QString& message);

 private:
  ResultsBuilder::Options m_options;
  QString m_path;
  std::unique_ptr<session_reader> m_reader;
  console_state_builder m_state;
  ResultsBuilder m_results;
  std::size_t m_applied = 0;  ///< frames fed to the builders
  ResultsPtr m_current;
  std::shared_ptr<const timeline> m_timeline;  ///< the last timeline reply applied
};

}  // namespace coroscope::viewer
