// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Listen addresses come from the environment (COROSCOPE_CONSOLE, COROSCOPE_HTTP) and from
// embedders' options. Any bytes: either an address that prints back to itself, or one
// reason, never a crash.
#include <coroscope/base/host_port.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto parsed = coroscope::base::parse_host_port(text, error);
  if (!parsed) {
    if (error.empty() || error.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  if (parsed->host.empty()) std::abort();
  // The printed form (what resolve_options hands the console) parses to the same address.
  std::string again_error;
  const auto again = coroscope::base::parse_host_port(coroscope::base::to_string(*parsed), again_error);
  if (!again || *again != *parsed) std::abort();
  return 0;
}
