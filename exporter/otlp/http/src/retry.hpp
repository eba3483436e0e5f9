// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace coroscope::detail {

/// OTLP/HTTP: 429, 502, 503 and 504 are worth retrying; other statuses are final.
bool is_retryable_status(unsigned status) noexcept;

/// The delay a `Retry-After` value asks for: delta-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, relative to `now`; a past date is 0). Nothing when
/// the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

/// Exponential backoff with jitter: attempt 1 waits about `initial`, each further attempt
/// twice as long, capped at `max`; the wait is drawn uniformly from [delay/2, delay] so
/// that many clients do not retry in lockstep.
std::chrono::milliseconds backoff_delay(unsigned attempt, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, std::mt19937_64& rng);

}  // namespace coroscope::detail
