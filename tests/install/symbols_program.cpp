// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::symbols alone: the symbolizer names a function of this program, with its
// source file and line, module and build id.
#include <cstdint>
#include <string>

#include <coroscope/symbolizer.hpp>

#include "check.hpp"

using install_test::check;

namespace install_symbols {

[[gnu::noinline]] int known_function(int x) {
  asm volatile("" : "+r"(x));
  return x * 3 + 1;
}

}  // namespace install_symbols

int main() {
  coroscope::symbolizer symbols;
  const auto pc = reinterpret_cast<std::uintptr_t>(&install_symbols::known_function);
  const auto frames = symbols.symbolize(pc, false);  // a copy: the next call rewrites it
  check(!frames.empty(), "the address resolves to frames");
  const coroscope::frame& f = frames.back();
  check(f.function.find("install_symbols::known_function") != std::string::npos,
        "function is install_symbols::known_function (" + f.function + ")");
  check(f.file.ends_with("symbols_program.cpp"), "file is symbols_program.cpp (" + f.file + ")");
  check(f.line > 0, "line is known (" + std::to_string(f.line) + ")");
  check(f.module.ends_with("symbols_program"), "module is this executable (" + f.module + ")");
  check(!f.build_id.empty(), "the build id is known");
  check(install_symbols::known_function(1) == 4, "the function still works");
  return install_test::finish("symbols_program");
}
