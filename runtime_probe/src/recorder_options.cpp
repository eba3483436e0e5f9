// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// COROSCOPE_FLIGHT_RECORDER (`30s`, `64MiB`, `30s,64MiB`), COROSCOPE_TRACE_DIR and
// COROSCOPE_TRACE_ON_SIGUSR2.
#include "recorder_options.hpp"

#include <charconv>
#include <cstdint>

#include <coroscope/base/env_error_line.hpp>

namespace coroscope {
namespace {

constexpr std::size_t kDefaultBytes = std::size_t{64} << 20;
constexpr std::uint64_t kMaxSeconds = 24ULL * 60 * 60;
constexpr std::size_t kMinBytes = std::size_t{64} << 10;  // below this a window holds nothing useful
constexpr std::size_t kMaxBytes = std::size_t{16} << 30;

struct unit {
  std::string_view suffix;
  std::uint64_t scale;
};
// Longer suffixes first: "ms" before "s", "MiB" before "B".
constexpr unit kTimeUnits[] = {{"ms", 1'000'000}, {"s", 1'000'000'000}, {"m", 60'000'000'000}};
constexpr unit kByteUnits[] = {{"KiB", 1ULL << 10}, {"MiB", 1ULL << 20}, {"GiB", 1ULL << 30}, {"B", 1}};

/// `text` as an integer followed by one of `units`: the value times its scale.
std::optional<std::uint64_t> parse_with_unit(std::string_view text, const auto& units,
                                             bool& matched_unit) {
  for (const unit& u : units) {
    if (!text.ends_with(u.suffix)) continue;
    matched_unit = true;
    const std::string_view digits = text.substr(0, text.size() - u.suffix.size());
    std::uint64_t value = 0;
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
    if (value > ~std::uint64_t{0} / u.scale) return std::nullopt;
    return value * u.scale;
  }
  return std::nullopt;
}

}  // namespace

std::optional<recorder_bounds> parse_recorder_bounds(std::string_view text, std::string& error) {
  recorder_bounds bounds;
  if (text.empty() || text == "off" || text == "0") return bounds;
  bool has_time = false, has_bytes = false;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view part = env::trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    bool time_unit = false, byte_unit = false;
    if (auto bytes = parse_with_unit(part, kByteUnits, byte_unit)) {
      if (has_bytes || *bytes < kMinBytes || *bytes > kMaxBytes) {
        error = has_bytes ? "gives two sizes" : "has a size outside 64KiB..16GiB";
        return std::nullopt;
      }
      has_bytes = true;
      bounds.bytes = static_cast<std::size_t>(*bytes);
    } else if (byte_unit) {
      error = "has a bad size (e.g. 64MiB)";
      return std::nullopt;
    } else if (auto ns = parse_with_unit(part, kTimeUnits, time_unit)) {
      if (has_time || *ns < 1'000'000 || *ns > kMaxSeconds * 1'000'000'000) {
        error = has_time ? "gives two times" : "has a time outside 1ms..24h";
        return std::nullopt;
      }
      has_time = true;
      bounds.window = std::chrono::nanoseconds(static_cast<std::int64_t>(*ns));
    } else {
      error = "is not a time (30s, 500ms, 5m), a size (64MiB, 512KiB) or both (30s,64MiB)";
      return std::nullopt;
    }
  }
  if (!has_bytes) bounds.bytes = kDefaultBytes;
  return bounds;
}

namespace detail {

void resolve_recorder_options(const probe_options& in, const env::reader& env,
                              resolved_options& out) {
  const bool explicit_value = in.flight_recorder.has_value();
  const std::optional<std::string> text =
      explicit_value ? in.flight_recorder : env.trimmed("COROSCOPE_FLIGHT_RECORDER");
  if (text) {
    std::string error;
    if (auto bounds = parse_recorder_bounds(*text, error)) {
      out.flight_recorder_window = bounds->window;
      out.flight_recorder_bytes = bounds->bytes;
      // The window shows every poll: time them all while the recorder is on.
      if (bounds->bytes != 0) out.timing_interval = 1;
    } else {
      env.report(explicit_value ? "flight_recorder" : "COROSCOPE_FLIGHT_RECORDER", *text,
                 error + "; the flight recorder is off");
    }
  }
  out.trace_dir = in.trace_dir ? *in.trace_dir : env.trimmed("COROSCOPE_TRACE_DIR").value_or("");
  if (in.trace_on_sigusr2) {
    out.trace_on_sigusr2 = *in.trace_on_sigusr2;
  } else if (auto flag = env.trimmed("COROSCOPE_TRACE_ON_SIGUSR2")) {
    if (*flag == "1" || *flag == "true") {
      out.trace_on_sigusr2 = true;
    } else if (*flag != "0" && *flag != "false" && !flag->empty()) {
      env.report("COROSCOPE_TRACE_ON_SIGUSR2", *flag, "is not 1 or 0; SIGUSR2 writes no trace");
    }
  }
}

}  // namespace detail
}  // namespace coroscope
