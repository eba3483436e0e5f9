// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "format.hpp"

#include <QDateTime>

namespace coroscope::viewer {

namespace {

// The unit of a duration from 1 µs to under a minute: microseconds, milliseconds, seconds.
struct unit {
  double ns;
  const char* name;
};
unit unitOf(double ns) {
  if (ns < 1e6) return {1e3, "µs"};
  if (ns < 1e9) return {1e6, "ms"};
  return {1e9, "s"};
}

QString inUnit(double ns, unit u, int decimals) {
  return QString::number(ns / u.ns, 'f', decimals) + QString::fromUtf8(u.name);
}

}  // namespace

QString formatDuration(std::chrono::nanoseconds d) {
  const double ns = double(d.count());
  if (ns < 1e3) return QString::number(d.count()) + QStringLiteral("ns");
  if (ns < 60e9) {
    const unit u = unitOf(ns);
    const double v = ns / u.ns;
    return inUnit(ns, u, v < 10 ? 2 : v < 100 ? 1 : 0);  // three significant digits
  }
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 3600) return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1h%2m").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
}

QString formatOffset(std::chrono::nanoseconds offset, std::chrono::nanoseconds step) {
  const double ns = double(offset.count());
  if (ns < 1e3 || ns >= 60e9) return formatDuration(offset);
  const unit u = unitOf(ns);
  // Enough decimals for the step: 0.5 ms needs one, 20 µs (0.02 ms) two.
  int decimals = 0;
  for (double resolved = 1; decimals < 6 && double(step.count()) / u.ns < resolved; resolved /= 10)
    ++decimals;
  return inUnit(ns, u, decimals);
}

QString stateName(task_state s) {
  // Not coroscope::to_string: that lives in the probe library, which the console never links.
  switch (s) {
    case task_state::running: return QStringLiteral("running");
    case task_state::scheduled: return QStringLiteral("scheduled");
    case task_state::idle: return QStringLiteral("idle");
    case task_state::completed: return QStringLiteral("completed");
  }
  return QStringLiteral("?");
}

QString formatLocation(const std::string& file, std::uint32_t line) {
  if (file.empty()) return {};
  const auto slash = file.find_last_of('/');
  const QString name = QString::fromStdString(slash == std::string::npos ? file : file.substr(slash + 1));
  return line ? QStringLiteral("%1:%2").arg(name).arg(line) : name;
}

QString formatTime(TimePoint t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("hh:mm:ss.zzz"));
}

QString formatPercent(std::chrono::nanoseconds part, std::chrono::nanoseconds whole) {
  if (whole.count() <= 0) return QStringLiteral("-");
  return QString::number(100.0 * double(part.count()) / double(whole.count()), 'f', 1) +
         QLatin1Char('%');
}

QString formatBytes(std::int64_t bytes) {
  const QString sign = bytes < 0 ? QStringLiteral("-") : QString();
  double v = bytes < 0 ? -double(bytes) : double(bytes);
  if (v < 1024) return sign + QString::number(v, 'f', 0) + QStringLiteral(" B");
  static const char* const units[] = {"KiB", "MiB", "GiB", "TiB"};
  int unit = -1;
  while (v >= 1024 && unit < 3) {
    v /= 1024;
    ++unit;
  }
  const int decimals = v < 10 ? 2 : v < 100 ? 1 : 0;
  return sign + QString::number(v, 'f', decimals) + QLatin1Char(' ') + QLatin1String(units[unit]);
}

}  // namespace coroscope::viewer
