// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Error lines about environment variables. A value is whatever the environment held: it
// may hold a newline (and so a line that looks like one of ours), terminal escapes, or
// 10 KB of anything. Every report of a bad value goes through here, so each stays one
// line of bounded length.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace coroscope::env {

/// Most bytes of a value a report shows; the rest is left out and its size given.
inline constexpr std::size_t kMaxShownValue = 256;
/// Longest report, `coroscope: ` and the newline included.
inline constexpr std::size_t kMaxLine = 1024;

/// `value` in double quotes, printable on one line: bytes below 0x20, 0x7f, `"` and `\`
/// become `\xNN`. A value longer than kMaxShownValue bytes is cut there (not inside a
/// UTF-8 character) and `... (N bytes)` follows the closing quote.
std::string quoted(std::string_view value);

/// The report of a bad value of variable `name`: `coroscope: NAME="VALUE" PROBLEM` and a
/// newline, VALUE as `quoted` shows it. PROBLEM says what is wrong and what is done
/// instead ("is not a byte count; using 524288").
std::string error_line(std::string_view name, std::string_view value, std::string_view problem);

/// `coroscope: TEXT` and a newline, for a report whose text was put together elsewhere
/// (an exception's message naming the variable, a list entry). Control bytes in `text`
/// become `\xNN` and a line longer than kMaxLine is cut, so text that quotes a value
/// without `quoted` still cannot break the line.
std::string error_line(std::string_view text);

/// Writes `error_line(name, value, problem)` to stderr, in one write.
void report(std::string_view name, std::string_view value, std::string_view problem);

/// Writes `error_line(text)` to stderr, in one write.
void report(std::string_view text);

}  // namespace coroscope::env
