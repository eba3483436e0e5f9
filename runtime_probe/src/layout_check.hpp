// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

namespace coroscope::detail {

inline constexpr const char* kUnhookedAsioMessage =
    "coroscope: this program's Asio scheduler was compiled without coroscope's hooks: some "
    "translation unit that includes Asio lacks BOOST_ASIO_CUSTOM_HANDLER_TRACKING="
    "<coroscope/detail/asio_hooks.hpp> (link it with coroscope::coroscope, or see README, "
    "\"Libraries and translation units built without coroscope\"); the probe records "
    "nothing";

/// Runs one handler on a private io_context: false when the program's Asio scheduler code
/// was compiled without coroscope's hooks (the mismatch was reported on stderr).
bool asio_scheduler_has_hooks() noexcept;

}  // namespace coroscope::detail
