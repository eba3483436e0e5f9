// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "profile_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <system_error>

namespace coroscope::detail {

namespace fs = std::filesystem;

std::string file_safe_service(std::string_view service) {
  // '%' itself is encoded, so the mapping is one-to-one; '/' and NUL never appear.
  return boost::urls::encode(service, boost::urls::unreserved_chars);
}

std::optional<std::string> service_from_file_safe(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '%') {
      if (!boost::urls::unreserved_chars(c)) return std::nullopt;
      out += c;
      continue;
    }
    if (text.size() - i < 3) return std::nullopt;  // a '%' needs two digits after it
    const int high = hex(text[i + 1]), low = hex(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    const char decoded = static_cast<char>(high * 16 + low);
    if (boost::urls::unreserved_chars(decoded)) return std::nullopt;  // never encoded
    out += decoded;
    i += 2;
  }
  return out;
}

std::string profile_file_name(std::string_view service, std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  ::gmtime_r(&secs, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03lldZ", static_cast<long long>(ms % 1000));
  return "cpu-" + file_safe_service(service) + "-" + stamp + millis + ".pb.gz";
}

bool is_profile_file_of(std::string_view name, std::string_view service) {
  const std::string prefix = "cpu-" + file_safe_service(service) + "-";
  constexpr std::string_view suffix = "Z.pb.gz";
  if (!name.starts_with(prefix) || !name.ends_with(suffix)) return false;
  std::string_view stamp = name.substr(prefix.size());
  stamp.remove_suffix(suffix.size());
  constexpr std::string_view layout = "ddddddddTdddddd.ddd";  // YYYYMMDD T HHMMSS . mmm, d = digit
  if (stamp.size() != layout.size()) return false;
  for (std::size_t i = 0; i < layout.size(); ++i) {
    const char c = stamp[i];
    if (layout[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(c)) : c != layout[i]) return false;
  }
  return true;
}

retention_result remove_expired_profiles(const std::string& dir, std::string_view service,
                                         std::chrono::seconds retention,
                                         std::chrono::system_clock::time_point now) {
  retention_result result;
  const auto cutoff = std::chrono::system_clock::to_time_t(now - retention);
  std::error_code ec;
  fs::directory_iterator it{dir, ec};
  if (ec) {
    result.error = "cannot list " + dir + ": " + ec.message();
    return result;
  }
  for (; it != fs::directory_iterator{}; it.increment(ec)) {
    const fs::path& path = it->path();
    if (!is_profile_file_of(path.filename().native(), service)) continue;
    struct ::stat st {};
    // lstat: a symlink with our name is not followed, and not a regular file.
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (st.st_uid != ::geteuid()) continue;  // another user's file, whatever its name
    if (st.st_mtim.tv_sec >= cutoff) continue;
    if (fs::remove(path, ec)) {
      ++result.removed;
    } else if (ec && result.error.empty()) {
      result.error = "cannot remove " + path.native() + ": " + ec.message();
    }
  }
  if (ec && result.error.empty()) result.error = "cannot list " + dir + ": " + ec.message();
  return result;
}

}  // namespace coroscope::detail
