// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <string>
#include <string_view>

/// The names people read: a frame's function is held as its full demangled signature
/// (`frame::function`, pprof `Function.system_name`); reports, flamegraphs, the console and
/// pprof/OTLP `Function.name` show a short form of it unless asked for full names.
namespace coroscope {

/// Which form of a function's name to show.
enum class name_style {
  short_names,  ///< `short_function_name`: scope and name, no return type or parameters
  full_names,   ///< the full demangled signature, as the symbolizer gives it
};

/// The short form of a demangled C++ function name, as pprof's and hotspot's display names
/// do: the qualified name without the return type and the parameter list (nor `const`,
/// `&`, `noexcept` after it), each template argument list collapsed to `<...>`, the
/// parameter lists inside local names (`f(int)::{lambda(long)#1}`) to `(...)`,
/// `(anonymous namespace)::` and ABI tags (`[abi:cxx11]`) dropped, and GCC's clone
/// suffixes (` [clone .cold]`) removed. For example
///
///     boost::asio::awaitable<void, boost::asio::any_io_executor>
///       (anonymous namespace)::handle_request<boost::asio::awaitable<...> (*)(unsigned long)>(
///       unsigned long, ...)                                 -> handle_request<...>
///     std::vector<int, std::allocator<int> >::push_back(int const&)
///                                                           -> std::vector<...>::push_back
///     ns::S::operator()(int) const                          -> ns::S::operator()
///     main::{lambda(long)#1}::operator()(long) const        -> main::{lambda(...)#1}::operator()
///
/// Operator names (`operator<`, `operator()`, `operator new[]`, conversions) are kept as
/// they are. Names that are not C++ signatures (C and Go functions, `module+0x1f`, task
/// names) come back unchanged, and so does anything that would shorten to nothing.
/// Never throws for any input except `std::bad_alloc`.
std::string short_function_name(std::string_view full);

/// The last scope component of a demangled function name, without return type,
/// parameters or template arguments ("do_session", "operator()").
std::string bare_function_name(std::string_view full);

/// The name a task is given after its coroutine function, from that function's full
/// demangled name: no return type, parameters, template arguments or scope ("do_session"
/// for `boost::asio::awaitable<void> (anonymous namespace)::do_session(tcp::socket)`).
/// Empty for the coroutine Asio's `use_awaitable` makes of one operation (its
/// `async_result<use_awaitable_t<...>>::initiate`), which is no function of the user's,
/// and for empty input.
std::string coroutine_task_name(std::string_view full);

/// Whether `full` is that coroutine of one operation (see coroutine_task_name).
bool is_operation_coroutine(std::string_view full);

/// `full` in `style`: itself for `full_names`, else `short_function_name(full)`.
std::string function_name_in(std::string_view full, name_style style);

/// The function a profile's `Function` (pprof or OTLP) stands for, from its `name` and
/// `system_name`. coroscope writes the short form as the name and the full one as the
/// system name: then the system name. Otherwise the name: other tools' profiles (Go's
/// have both equal, perf_data_converter's a mangled system name) and ours from before.
std::string function_from_profile(std::string_view name, std::string_view system_name);

}  // namespace coroscope
