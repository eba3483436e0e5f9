// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

#include <elfutils/libdwfl.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "coroscope/profile.hpp"

namespace coroscope::detail {

/// A source position; `line` 0 when unknown.
struct source_position {
  std::string file;
  std::uint32_t line = 0;
};

/// The line table's position of run-time address `addr` in `mod`, or an empty one.
source_position line_at(Dwfl_Module* mod, Dwarf_Addr addr);

/// Finds the DWARF frames (the inline chain) at code addresses.
///
/// libdw's dwarf_getscopes walks a compilation unit's whole DIE tree for every address
/// (about a millisecond per address in a CU that includes GoogleTest, measured here), and
/// misses functions defined inside functions (lambdas, local classes). So the first
/// address in a CU indexes all the CU's functions by address range once; later addresses
/// only walk the one function's subtree.
///
/// Holds DIEs of the modules' DWARF: `clear()` whenever modules may have been removed.
class dwarf_frame_finder {
 public:
  /// The frames DWARF gives for run-time address `addr` in `mod`: for code inlined into
  /// a function, [innermost inlined callee (its file:line), ..., the function (the line
  /// of the call that was inlined)]; for other code, the one function. Only `function`,
  /// `file` and `line` are set. Empty when the module has no DWARF scope for `addr`.
  ///
  /// The function's name is its DWARF linkage name (of the subprogram whose ranges hold
  /// `addr`, so hot and cold parts and clones get one name), else `elf_symbol` (may be
  /// null; clone suffixes dropped), else its DWARF name; an inlined callee's is its
  /// linkage name or DWARF name.
  ///
  /// `walk`: `indexed` (the default) or `libdw` (libdw's walk only; tests compare them).
  enum class scope_walk { indexed, libdw };
  std::vector<frame> frames(Dwfl_Module* mod, Dwarf_Addr addr, const char* elf_symbol,
                            scope_walk walk = scope_walk::indexed);

  /// The subprogram DIE of the function whose code holds run-time address `addr` in `mod`
  /// (a concrete, out-of-line function; not an inlined one), or false.
  bool function_at(Dwfl_Module* mod, Dwarf_Addr addr, Dwarf_Die* out);

  /// Forgets every index.
  void clear() noexcept { index_.clear(); }

 private:
  struct function_range {
    Dwarf_Addr low = 0;
    Dwarf_Addr high = 0;
    Dwarf_Die die{};
  };
  // The CU's functions with code, sorted by `low`; a function with several ranges (a
  // hot and a cold part) appears once per range. Functions do not overlap.
  const std::vector<function_range>& functions_of(Dwarf_Die* cu);
  // The function whose code holds `pc` (CU-relative), or null.
  const Dwarf_Die* function_of(Dwarf_Die* cu, Dwarf_Addr pc);
  // The DIEs from the innermost scope holding `pc` out to its function, or empty.
  std::vector<Dwarf_Die> indexed_chain(Dwarf_Die* cu, Dwarf_Addr pc);

  // Keyed by the CU DIE's position in the DWARF data.
  std::unordered_map<const void*, std::vector<function_range>> index_;
};

}  // namespace coroscope::detail
