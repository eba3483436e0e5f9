// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "consolebackend.hpp"

#include <QMetaObject>
#include <QPointer>

namespace coroscope::viewer {

ConsoleBackend::ConsoleBackend(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ResultsPtr>();
  qRegisterMetaType<TaskDetailsPtr>();
}

ConsoleBackend::~ConsoleBackend() { disconnectFromProbe(); }

void ConsoleBackend::connectTo(const QString& host, quint16 port, const QString& token) {
  disconnectFromProbe();
  console_client_options options;
  options.host = host.toStdString();
  options.port = port;
  options.token = token.toStdString();
  options.max_backoff = m_maxBackoff;
  m_retainNs.store(m_builderOptions.retainCompleted.count());
  m_address = QStringLiteral("%1:%2").arg(host).arg(port);

  // Owned by the callbacks, so only the client thread touches it.
  auto builder = std::make_shared<ResultsBuilder>(m_builderOptions);
  console_client_callbacks callbacks;
  callbacks.on_state = [this, builder](std::shared_ptr<const console_state> state) {
    if (state->sequence == 0 && state->tasks.empty() && state->workers.empty()) return;  // hello only
    builder->setRetainCompleted(std::chrono::nanoseconds(m_retainNs.load()));
    m_mailbox.store(builder->add(*state));
    if (!m_wakePending.exchange(true))
      QMetaObject::invokeMethod(this, &ConsoleBackend::deliverResults, Qt::QueuedConnection);
  };
  callbacks.on_connection = [this](connection_state s, const std::string& detail) {
    QMetaObject::invokeMethod(
        this,
        [this, s, d = QString::fromStdString(detail)] {
          if (s != connection_state::connected) m_timelinePending = false;  // no reply will come
          emit connectionChanged(int(s), d);
        },
        Qt::QueuedConnection);
  };
  callbacks.on_task_details = [this](const task_details& d) {
    auto p = std::make_shared<const task_details>(d);
    QMetaObject::invokeMethod(this, [this, p] { emit taskDetailsAvailable(p); },
                              Qt::QueuedConnection);
  };
  callbacks.on_timeline = [this](std::shared_ptr<const timeline> t) {
    // Sorting a million polls takes a while: here, not on the GUI thread.
    TimelineIndexPtr index = t ? std::make_shared<const TimelineIndex>(std::move(t)) : nullptr;
    QMetaObject::invokeMethod(
        this,
        [this, index] {
          m_timelinePending = false;
          if (index)
            emit timelineAvailable(index);
          else
            emit timelineUnavailable(tr("The probe records no timeline: start it with "
                                        "COROSCOPE_FLIGHT_RECORDER (e.g. 30s) to see one here."));
        },
        Qt::QueuedConnection);
  };
  callbacks.on_trace_written = [this](const trace_written& t) {
    QMetaObject::invokeMethod(
        this,
        [this, path = QString::fromStdString(t.path), bytes = quint64{t.bytes},
         error = QString::fromStdString(t.error)] { emit traceWritten(path, bytes, error); },
        Qt::QueuedConnection);
  };
  callbacks.on_error = [this](const std::string& message) {
    QMetaObject::invokeMethod(
        this, [this, m = QString::fromStdString(message)] { emit errorReported(m); },
        Qt::QueuedConnection);
  };
  m_client = std::make_unique<console_client>(std::move(options), std::move(callbacks));
  m_client->start();
  if (m_paused) m_client->pause();
}

void ConsoleBackend::setRetainCompleted(std::chrono::nanoseconds d) {
  m_builderOptions.retainCompleted = d;
  m_retainNs.store(d.count());
}

void ConsoleBackend::disconnectFromProbe() {
  if (!m_client) return;
  m_client->stop();  // joins the client thread: no callback runs after this
  m_client.reset();
  m_recording = false;
  m_timelinePending = false;
  m_mailbox.store(nullptr);
}

void ConsoleBackend::deliverResults() {
  m_wakePending.store(false);
  if (auto results = m_mailbox.exchange(nullptr)) emit resultsAvailable(results);
}

void ConsoleBackend::setPaused(bool paused) {
  m_paused = paused;
  if (!m_client) return;
  if (paused)
    m_client->pause();
  else
    m_client->resume();
}

bool ConsoleBackend::startRecording(const QString& path, QString* error) {
  if (!m_client) {
    if (error) *error = tr("Not connected: nothing to record.");
    return false;
  }
  std::string why;
  if (!m_client->start_recording(path.toStdString(), why)) {
    if (error) *error = QString::fromStdString(why);
    return false;
  }
  m_recording = true;
  return true;
}

void ConsoleBackend::stopRecording() {
  if (m_client) m_client->stop_recording();
  m_recording = false;
}

void ConsoleBackend::requestTaskDetails(quint64 taskId) {
  if (m_client) m_client->request_task_details(taskId);
}

void ConsoleBackend::requestTimeline() {
  if (!m_client || m_client->connection() != connection_state::connected || m_timelinePending) return;
  if (!m_client->state()->identity.serves_timeline) {
    emit timelineUnavailable(tr("This probe does not serve timelines: it is older than this console."));
    return;
  }
  m_timelinePending = true;
  m_client->request_timeline();
}

void ConsoleBackend::requestTrace() {
  if (!m_client || m_client->connection() != connection_state::connected) {
    emit traceWritten({}, 0, tr("Not connected to a probe: a trace is written by the probe."));
    return;
  }
  if (!m_client->state()->identity.serves_trace) {
    emit traceWritten({}, 0, tr("This probe cannot write traces on request: it is older than this console."));
    return;
  }
  m_client->request_trace();
}

connection_state ConsoleBackend::connectionState() const {
  return m_client ? m_client->connection() : connection_state::stopped;
}

console_client_stats ConsoleBackend::clientStats() const {
  return m_client ? m_client->stats() : console_client_stats{};
}

}  // namespace coroscope::viewer
