// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <elfutils/libdwfl.h>

#include <unordered_map>
#include <vector>

namespace coroscope::detail {

/// The ELF symbol (function) holding a code address, per module.
///
/// dwfl_module_addrinfo scans the whole symbol table on every call (tens of thousands of
/// symbols in a service linked with Boost); so the first lookup in a module sorts its
/// function symbols by address once and later lookups search that. Addresses no sized symbol
/// covers fall back to dwfl_module_addrinfo.
///
/// Holds the modules' string tables: `clear()` whenever modules may have been removed.
class symbol_index {
 public:
  /// The raw (mangled) name of the function symbol holding run-time address `addr` in
  /// `mod`, or null; data symbols never name code. Among aliases at one address a global
  /// symbol wins over a weak one, and a weak one over a local one.
  const char* function_at(Dwfl_Module* mod, Dwarf_Addr addr);

  /// Forgets every table.
  void clear() noexcept { tables_.clear(); }

 private:
  struct symbol {
    Dwarf_Addr begin = 0;
    Dwarf_Addr end = 0;
    const char* name = nullptr;
  };
  const std::vector<symbol>& table_of(Dwfl_Module* mod);

  std::unordered_map<Dwfl_Module*, std::vector<symbol>> tables_;
};

}  // namespace coroscope::detail
