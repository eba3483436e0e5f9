// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/continuous.hpp>

#include <coroscope/base/env_error_line.hpp>
#include "http_post.hpp"

#include <charconv>
#include <stdexcept>

namespace coroscope {

std::chrono::seconds parse_retention(std::string_view text) {
  auto bad = [&](const char* why) -> std::chrono::seconds {
    throw std::invalid_argument(env::quoted(text) + ": " + why +
                                " (expected a positive whole number and a unit s, m, h or d, e.g. 36h, 7d)");
  };
  if (text.size() < 2) return bad("too short");
  std::int64_t value = 0;
  const char* first = text.data();
  const char* unit = text.data() + text.size() - 1;
  auto [end, ec] = std::from_chars(first, unit, value);
  if (ec == std::errc::result_out_of_range) return bad("too large");
  if (ec != std::errc{} || end != unit) return bad("not a number");
  if (value <= 0) return bad("must be positive");
  std::int64_t scale = 0;
  switch (*unit) {
    case 's': scale = 1; break;
    case 'm': scale = 60; break;
    case 'h': scale = 3600; break;
    case 'd': scale = 86400; break;
    default: return bad("unknown unit");
  }
  constexpr std::int64_t max_seconds = std::int64_t{100} * 366 * 86400;  // a century
  if (value > max_seconds / scale) return bad("too large");
  return std::chrono::seconds(value * scale);
}

continuous_options continuous_options::from_environment(std::string service_name, std::ostream& err,
                                                        const env::reader& env) {
  continuous_options o;
  if (!service_name.empty()) o.service_name = std::move(service_name);
  if (auto url = env.raw("COROSCOPE_PYROSCOPE_URL"); url && !url->empty()) {
    try {
      (void)detail::parse_base_url(*url);
      o.pyroscope_url = *url;
    } catch (const std::invalid_argument& e) {
      err << env::error_line(std::string(e.what()) + "; Pyroscope push is off");
    }
  }
  if (auto dir = env.raw("COROSCOPE_PROFILE_DIR")) o.profile_dir = *dir;
  if (auto retention = env.raw("COROSCOPE_PROFILE_RETENTION"); retention && !retention->empty()) {
    try {
      o.retention = parse_retention(*retention);
    } catch (const std::invalid_argument& e) {
      err << env::error_line("COROSCOPE_PROFILE_RETENTION=" + std::string(e.what()) + "; keeping " +
                             std::to_string(o.retention.count() / 86400) + "d");
    }
  }
  return o;
}

}  // namespace coroscope
