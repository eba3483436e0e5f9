// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "bearer_auth.hpp"

#include <coroscope/base/constant_time.hpp>

namespace coroscope::detail {

bool bearer_matches(std::string_view authorization, std::string_view token) noexcept {
  // The scheme is case-insensitive (RFC 9110 11.1); the credentials are not.
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  std::string_view credentials = authorization.substr(scheme.size());
  while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
  while (!credentials.empty() && credentials.back() == ' ') credentials.remove_suffix(1);
  return base::constant_time_equal(credentials, token);
}

}  // namespace coroscope::detail
