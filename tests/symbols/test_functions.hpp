// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>

// The functions the symbolizer tests look up, all defined in test_functions.cpp. noipa
// keeps GCC from inlining, cloning or folding them, so each has its own symbol and code.
namespace symtest {

/// A global the tests take the address of: data, not code.
extern volatile int sink;

/// Lines just before and after `plain_function`'s definition.
extern const unsigned plain_first_line;
extern const unsigned plain_last_line;
__attribute__((noipa)) int plain_function(int x);

/// Its caller's return address.
__attribute__((noipa)) std::uintptr_t return_address_of_call();

/// The return address of a call it makes; `call_line` is that call's line.
__attribute__((noipa)) std::uintptr_t caller_function(unsigned& call_line);

/// The return address of a call made in an always_inline function inlined here:
/// `inner_line` is the call's line in the inlined function, `outer_line` the line where
/// it was inlined.
__attribute__((noipa)) std::uintptr_t outer_with_inline(unsigned& inner_line, unsigned& outer_line);

/// The return address of a call made in a lambda defined in this function (its DWARF
/// lives inside this function's); `call_line` is that call's line.
__attribute__((noipa)) std::uintptr_t lambda_caller(unsigned& call_line);

/// This executable's code: the first executable segment of the main program.
struct code_range {
  std::uintptr_t begin = 0;
  std::uintptr_t end = 0;
};
code_range executable_text();

/// A minimal C++20 coroutine type: suspends at start and end, the owner destroys it.
struct simple_task {
  struct promise_type {
    simple_task get_return_object() {
      return simple_task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  explicit simple_task(std::coroutine_handle<promise_type> h) : handle{h} {}
  simple_task(const simple_task&) = delete;
  simple_task& operator=(const simple_task&) = delete;
  ~simple_task() {
    if (handle) handle.destroy();
  }
  std::coroutine_handle<promise_type> handle;
};

/// Adds 1 to `*out` at its first resumption and again at its second.
simple_task counting_coroutine(int* out);

}  // namespace symtest
