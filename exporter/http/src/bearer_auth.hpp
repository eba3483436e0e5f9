// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The debug server's optional bearer-token check (`COROSCOPE_HTTP_TOKEN`).
#pragma once

#include <string_view>

namespace coroscope::detail {

/// True when an `Authorization` header value carries `Bearer <token>` (compared in
/// constant time).
bool bearer_matches(std::string_view authorization, std::string_view token) noexcept;

}  // namespace coroscope::detail
