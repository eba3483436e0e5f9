// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace coroscope::detail {

/// The service name as it appears in file names: percent-encoded, keeping only RFC 3986
/// unreserved characters (letters, digits, '-', '.', '_', '~'), so "echo server" is
/// "echo%20server". Distinct names give distinct file names, and the name can be read
/// back: retention never mistakes another service's files for its own.
std::string file_safe_service(std::string_view service);

/// The service that `file_safe_service` turned into `text`; nothing when no service
/// gives `text` (a '%' without two upper-case hex digits after it, an encoded character
/// that needs no encoding, or one that does left plain).
std::optional<std::string> service_from_file_safe(std::string_view text);

/// `cpu-<service>-<YYYYMMDDTHHMMSS.mmm>Z.pb.gz` for time `t` (UTC); the service is
/// made file-safe. Names sort by time.
std::string profile_file_name(std::string_view service, std::chrono::system_clock::time_point t);

/// True when `file_name` is exactly of the form `profile_file_name(service, some time)`.
bool is_profile_file_of(std::string_view file_name, std::string_view service);

/// What a retention pass did.
struct retention_result {
  std::size_t removed = 0;
  std::string error;  ///< the first failure (listing the directory, or removing a file)
};

/// Removes the regular files in `dir` (not below it) that `is_profile_file_of(service)`,
/// belong to this process's user and were last modified before `now - retention`.
/// Never touches any other file: not another service's (names are exact), not another
/// user's, not a symlink or a directory.
retention_result remove_expired_profiles(const std::string& dir, std::string_view service,
                                         std::chrono::seconds retention,
                                         std::chrono::system_clock::time_point now);

}  // namespace coroscope::detail
