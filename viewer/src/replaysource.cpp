// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "replaysource.hpp"

#include <stdexcept>

namespace coroscope::viewer {

ReplaySource::ReplaySource(ResultsBuilder::Options options, QObject* parent)
    : QObject(parent), m_options(options), m_results(options) {
  qRegisterMetaType<ResultsPtr>();
  qRegisterMetaType<TaskDetailsPtr>();
}

ReplaySource::~ReplaySource() = default;

bool ReplaySource::open(const QString& path, QString* error) {
  std::string why;
  auto reader = session_reader::open(path.toStdString(), why);
  if (!reader) {
    if (error) *error = QString::fromStdString(why);
    return false;
  }
  if (reader->size() == 0) {
    if (error) *error = tr("%1 holds no frames").arg(path);
    return false;
  }
  m_reader = std::move(reader);
  m_path = path;
  m_state.reset();
  m_results.reset();
  m_applied = 0;
  m_current.reset();
  return true;
}

std::size_t ReplaySource::frameCount() const { return m_reader ? m_reader->size() : 0; }

std::chrono::nanoseconds ReplaySource::duration() const {
  return m_reader ? m_reader->duration() : std::chrono::nanoseconds{0};
}

ResultsPtr ReplaySource::seek(std::chrono::nanoseconds offset) {
  return m_reader ? seekFrame(m_reader->seek(offset)) : nullptr;
}

ResultsPtr ReplaySource::seekFrame(std::size_t end) {
  if (!m_reader) return nullptr;
  end = std::min(end, m_reader->size());
  if (end < m_applied) {
    m_state.reset();
    m_results.reset();
    m_applied = 0;
    m_current.reset();
    m_timeline.reset();
  }
  const auto timelineBefore = m_timeline;
  try {
    for (; m_applied < end; ++m_applied) {
      const auto frame = m_reader->read(m_applied);
      const auto r = m_state.apply(frame.payload);
      if (r.kind == console_state_builder::result::update)
        m_current = m_results.add(m_state.state());
      else if (r.kind == console_state_builder::result::task_details && r.details)
        emit taskDetailsAvailable(std::make_shared<const task_details>(*r.details));
      else if (r.kind == console_state_builder::result::timeline && r.window)
        m_timeline = r.window;
    }
  } catch (const std::exception& e) {
    emit errorReported(QString::fromUtf8(e.what()));
  }
  if (m_timeline != timelineBefore)
    emit timelineAvailable(m_timeline ? std::make_shared<const TimelineIndex>(m_timeline) : nullptr);
  if (!m_current) m_current = std::make_shared<const Results>();
  emit resultsAvailable(m_current);
  return m_current;
}

}  // namespace coroscope::viewer
