// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "retry.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <string>

namespace coroscope::detail {
namespace {

// Anything beyond a day is someone's mistake; a day is as good as forever here.
constexpr std::chrono::seconds kMaxRetryAfter{86'400};

}  // namespace

bool is_retryable_status(unsigned status) noexcept {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;

  std::uint64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc{} && end == value.data() + value.size()) {
    return std::chrono::seconds(std::min<std::uint64_t>(seconds, kMaxRetryAfter.count()));
  }
  if (ec == std::errc::result_out_of_range) return kMaxRetryAfter;

  // IMF-fixdate, the form HTTP/1.1 servers must send (RFC 9110 5.6.7).
  const std::string text(value);
  std::tm tm{};
  const char* parsed = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (parsed == nullptr || *parsed != '\0') return std::nullopt;
  const std::time_t when = ::timegm(&tm);
  if (when == static_cast<std::time_t>(-1)) return std::nullopt;
  // In seconds first: a date centuries away does not fit in the clock's nanoseconds.
  const std::time_t now_seconds = std::chrono::system_clock::to_time_t(now);
  if (when < now_seconds) return std::chrono::milliseconds(0);
  if (when - now_seconds > kMaxRetryAfter.count()) return kMaxRetryAfter;
  const auto delay = std::chrono::system_clock::from_time_t(when) - now;
  if (delay <= std::chrono::system_clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::min<std::chrono::milliseconds>(std::chrono::ceil<std::chrono::milliseconds>(delay),
                                             kMaxRetryAfter);
}

std::chrono::milliseconds backoff_delay(unsigned attempt, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, std::mt19937_64& rng) {
  const unsigned doublings = std::min(attempt > 0 ? attempt - 1 : 0u, 30u);
  const auto full = std::min<std::int64_t>(initial.count() << doublings, max.count());
  if (full <= 1) return std::chrono::milliseconds(std::max<std::int64_t>(full, 0));
  std::uniform_int_distribution<std::int64_t> jitter(full / 2, full);
  return std::chrono::milliseconds(jitter(rng));
}

}  // namespace coroscope::detail
