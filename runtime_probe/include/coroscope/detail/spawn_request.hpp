// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <algorithm>
#include <cstring>
#include <string_view>

#include "coroscope/detail/thread_state.hpp"

namespace coroscope::detail {

/// Asks that the next task this thread spawns (the co_spawn inside `coroscope::co_spawn`,
/// now, or when a deferred token such as use_awaitable starts it) be named `name`, with
/// `location` as its spawn site. Consumed by the spawn hook. `Location` is
/// std::source_location; a template, so that this header (which the hooks include) does
/// not need <source_location>, which clang before 16 cannot use with libstdc++ 12.
template <typename Location>
void request_spawn_name(std::string_view name, const Location& location) noexcept {
  spawn_request& r = t_state.pending_spawn;
  r.name_size = std::min(name.size(), sizeof(r.name));
  std::memcpy(r.name, name.data(), r.name_size);
  r.where = {location.file_name(), location.line(), location.function_name()};
  r.pending = true;
}

}  // namespace coroscope::detail
