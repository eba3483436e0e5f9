// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string>

namespace coroscope::detail {

/// A symbol or DWARF linkage name as people read it: demangled when it is a mangled C++
/// name, and a coroutine's resume and destroy functions shown as the coroutine itself:
/// GCC 12's `ns::coro(ns::coro(int)::_ZN2ns4coroEi.Frame*) [clone .actor]` becomes
/// `ns::coro(int)`, and the ` [clone .actor]` / ` [clone .destroy]` suffixes (or
/// `.actor` / `.destroy` on a name that does not demangle) go. Other clone suffixes
/// (`.cold`, `.isra.0`) stay: they tell where the code came from.
std::string readable_function_name(const char* raw);

}  // namespace coroscope::detail
