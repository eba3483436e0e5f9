// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <QString>

#include <chrono>
#include <cstdint>

#include "coroscope/snapshot.hpp"
#include "results.hpp"

namespace coroscope::viewer {

/// "850ns", "12.3µs", "4.56ms", "1.20s", "2m05s": three significant digits.
QString formatDuration(std::chrono::nanoseconds d);
/// `offset` as an axis label among ticks `step` apart: in the unit `formatDuration` picks
/// for it, with as many decimals as tell neighbouring ticks apart ("296.5ms", not "297ms").
QString formatOffset(std::chrono::nanoseconds offset, std::chrono::nanoseconds step);
/// "running", "scheduled", "idle", "completed".
QString stateName(task_state s);
/// "file.cpp:42" with the directories dropped; empty when unknown.
QString formatLocation(const std::string& file, std::uint32_t line);
/// Local wall-clock time "hh:mm:ss.zzz".
QString formatTime(TimePoint t);
/// "42%" of part/whole; "-" when whole is zero.
QString formatPercent(std::chrono::nanoseconds part, std::chrono::nanoseconds whole);
/// "850 B", "12.3 KiB", "4.56 MiB", "1.20 GiB": three significant digits; "-12.0 KiB".
QString formatBytes(std::int64_t bytes);

}  // namespace coroscope::viewer
