// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string>

namespace coroscope::detail {

/// A symbol or DWARF linkage name as people read it: the source function's name.
/// Demangled when it is a mangled C++ name; a coroutine's resume and destroy functions
/// shown as the coroutine itself (GCC 12's
/// `ns::coro(ns::coro(int)::_ZN2ns4coroEi.Frame*) [clone .actor]` becomes
/// `ns::coro(int)`); and the parts GCC cloned or split off a function named as that
/// function: ` [clone .constprop.0]`, ` [clone .isra.0]`, ` [clone .part.0]`,
/// ` [clone .cold]` (or `.cold`, `.part.0`, ... on a name that does not demangle) go, so
/// the hot and cold parts of a function are one function in profiles.
std::string readable_function_name(const char* raw);

}  // namespace coroscope::detail
