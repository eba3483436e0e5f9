// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "coroscope/console_client.hpp"
#include "results.hpp"
#include "resultsbuilder.hpp"
#include "timeline/timelineindex.hpp"

namespace coroscope::viewer {

/// The GUI's side of one live connection: wraps `coroscope::console_client`.
///
/// Threading: the client's own thread receives frames, merges them and, in the client's
/// `on_state` callback, turns each state into `Results` with a `ResultsBuilder` that only
/// that thread touches. The newest results wait in a one-slot mailbox; the GUI thread is
/// woken once per slot fill (a queued call) and emits `resultsAvailable` there, so a GUI
/// that falls behind sees the latest results, never a backlog. Every other signal is
/// also emitted on the GUI thread. Public functions are for the GUI thread.
class ConsoleBackend : public QObject {
  Q_OBJECT
 public:
  explicit ConsoleBackend(QObject* parent = nullptr);
  ~ConsoleBackend() override;

  /// Options for the next `connectTo` (reconnect backoff, retention of completed tasks).
  void setBuilderOptions(const ResultsBuilder::Options& options) { m_builderOptions = options; }
  void setMaxBackoff(std::chrono::milliseconds backoff) { m_maxBackoff = backoff; }
  /// How long completed tasks stay listed; applies from the next update on.
  void setRetainCompleted(std::chrono::nanoseconds d);

  /// Drops any current connection and connects to `host:port`; reconnects on loss.
  void connectTo(const QString& host, quint16 port, const QString& token = {});
  /// Stops the client. Idempotent.
  void disconnectFromProbe();
  bool isActive() const { return m_client != nullptr; }
  QString address() const { return m_address; }

  void setPaused(bool paused);
  bool isPaused() const { return m_paused; }
  /// Records the session to `path` (see coroscope::session_recorder).
  bool startRecording(const QString& path, QString* error);
  void stopRecording();
  bool isRecording() const { return m_recording; }
  void requestTaskDetails(quint64 taskId);
  /// Asks the probe for its recorded window, unless an earlier request is unanswered
  /// (so a slow probe is never asked faster than it answers). The reply comes as
  /// `timelineAvailable` (the index built on the client's thread) or
  /// `timelineUnavailable`.
  void requestTimeline();
  /// Asks the probe to write its flight recorder's window as a Perfetto trace file on its
  /// host; the answer comes as `traceWritten`.
  void requestTrace();

  /// Current connection state (as `coroscope::connection_state`).
  connection_state connectionState() const;
  /// Statistics of the client (frames, bytes, reconnects).
  console_client_stats clientStats() const;

 signals:
  void resultsAvailable(const coroscope::viewer::ResultsPtr& results);
  void connectionChanged(int state, const QString& detail);
  void taskDetailsAvailable(const coroscope::viewer::TaskDetailsPtr& details);
  void errorReported(const QString& message);
  void timelineAvailable(const coroscope::viewer::TimelineIndexPtr& index);
  /// Why there is no window: the probe records none, or is too old to send one.
  void timelineUnavailable(const QString& why);
  /// Where the probe wrote the trace `requestTrace` asked for (on its host), or why not
  /// (`path` empty, `error` says).
  void traceWritten(const QString& path, quint64 bytes, const QString& error);

 private:
  void deliverResults();

  ResultsBuilder::Options m_builderOptions;
  std::chrono::milliseconds m_maxBackoff{2000};
  std::unique_ptr<console_client> m_client;
  QString m_address;
  bool m_paused = false;
  bool m_recording = false;
  // The mailbox between the client thread (writer) and the GUI thread (reader).
  std::atomic<std::shared_ptr<const Results>> m_mailbox;
  std::atomic<bool> m_wakePending{false};
  bool m_timelinePending = false;  ///< GUI thread
  std::atomic<std::int64_t> m_retainNs{0};  ///< written by the GUI, read by the client thread
};

}  // namespace coroscope::viewer
