// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The service name (OTEL_SERVICE_NAME, probe_options::service_name) names the continuous
// profile files, and retention deletes by that name. Any two names, given as the input
// split at its first NUL: each file name stays inside the directory, reads back to its
// service, matches that service and no other.
#include "profile_files.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coroscope::detail;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto nul = in.find('\0');
  const std::string a(in.substr(0, nul));
  const std::string b(nul == in.npos ? std::string_view{} : in.substr(nul + 1));
  const std::chrono::system_clock::time_point t{std::chrono::milliseconds(1'700'000'000'123)};

  const std::string name = profile_file_name(a, t);
  if (name.find_first_of(std::string_view("/\0", 2)) != std::string::npos) std::abort();
  if (name == "." || name == "..") std::abort();
  const std::string encoded = file_safe_service(a);
  if (service_from_file_safe(encoded) != a) std::abort();  // reads back
  // Any text that reads back to a service is exactly what that service writes.
  if (const auto service = service_from_file_safe(b); service && file_safe_service(*service) != b)
    std::abort();
  if (!is_profile_file_of(name, a)) std::abort();
  if (is_profile_file_of(name, b) != (a == b)) std::abort();  // no other service's
  (void)is_profile_file_of(in, a);  // any directory entry may be looked at
  return 0;
}
