// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <cstdint>
#include <memory>

namespace symtest {

/// This process's modules, reported once to a Dwfl of the test's own: the symbolizer's
/// parts (DWARF frames, the ELF symbol index) are tested with it, apart from the symbolizer.
class self_dwfl {
 public:
  self_dwfl() : dwfl_{dwfl_begin(&callbacks), &dwfl_end} {
    if (!dwfl_) return;
    dwfl_report_begin(dwfl_.get());
    dwfl_linux_proc_report(dwfl_.get(), getpid());
    dwfl_report_end(dwfl_.get(), nullptr, nullptr);
  }
  /// The module holding `pc`, or null.
  Dwfl_Module* module_at(std::uintptr_t pc) const { return dwfl_ ? dwfl_addrmodule(dwfl_.get(), pc) : nullptr; }

 private:
  // dwfl keeps a pointer to its callbacks: static storage.
  static constexpr Dwfl_Callbacks callbacks = {
      .find_elf = dwfl_linux_proc_find_elf,
      .find_debuginfo = dwfl_standard_find_debuginfo,
      .section_address = nullptr,
      .debuginfo_path = nullptr,
  };
  std::unique_ptr<Dwfl, decltype(&dwfl_end)> dwfl_;
};

}  // namespace symtest
