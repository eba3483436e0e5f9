// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "dwarf_frames.hpp"

#include <dwarf.h>
#include <elfutils/libdw.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "function_name.hpp"

namespace coroscope::detail {
namespace {

// libdw hands out malloc'd scope arrays.
using scope_array = std::unique_ptr<Dwarf_Die, decltype(&std::free)>;

const char* string_attribute(Dwarf_Die* die, unsigned int name) {
  Dwarf_Attribute mem;
  // _integrate follows DW_AT_abstract_origin and DW_AT_specification: an inlined or
  // out-of-line instance keeps its names on the declaration.
  return dwarf_formstring(dwarf_attr_integrate(die, name, &mem));
}

std::string linkage_name(Dwarf_Die* die) {
  const char* name = string_attribute(die, DW_AT_linkage_name);
  if (name == nullptr) name = string_attribute(die, DW_AT_MIPS_linkage_name);
  return name != nullptr ? readable_function_name(name) : std::string{};
}

std::string plain_name(Dwarf_Die* die) { return readable_function_name(string_attribute(die, DW_AT_name)); }

// Where an inlined subroutine was called from: a position in its caller.
source_position call_site(Dwarf_Die* inlined, Dwarf_Files* files, std::size_t file_count) {
  source_position pos;
  Dwarf_Attribute mem;
  Dwarf_Word value = 0;
  if (files != nullptr && dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &mem), &value) == 0 &&
      value < file_count) {
    if (const char* file = dwarf_filesrc(files, value, nullptr, nullptr)) pos.file = file;
  }
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &mem), &value) == 0)
    pos.line = static_cast<std::uint32_t>(value);
  return pos;
}

// Scopes inside a function that can hold the pc on the way down to the innermost one.
bool is_code_scope(int tag) {
  return tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine || tag == DW_TAG_try_block ||
         tag == DW_TAG_catch_block;
}

// libdw's own walk: the innermost scope at `pc`, then its enclosing DIEs. dwarf_getscopes
// mixes in the abstract definition of an inlined function; dwarf_getscopes_die on the
// innermost DIE gives the plain chain of enclosing DIEs, which is the inline chain.
std::vector<Dwarf_Die> libdw_chain(Dwarf_Die* cu, Dwarf_Addr pc) {
  std::vector<Dwarf_Die> chain;
  Dwarf_Die innermost;
  {
    Dwarf_Die* raw = nullptr;
    int n = dwarf_getscopes(cu, pc, &raw);
    scope_array scopes{raw, &std::free};
    if (n <= 0) return chain;
    innermost = scopes.get()[0];
  }
  Dwarf_Die* raw = nullptr;
  int n = dwarf_getscopes_die(&innermost, &raw);
  scope_array scopes{raw, &std::free};
  if (n > 0) chain.assign(scopes.get(), scopes.get() + n);
  return chain;
}

}  // namespace

source_position line_at(Dwfl_Module* mod, Dwarf_Addr addr) {
  source_position pos;
  Dwfl_Line* line = dwfl_module_getsrc(mod, addr);
  if (line == nullptr) return pos;
  int lineno = 0;
  if (const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr)) pos.file = file;
  pos.line = lineno > 0 ? static_cast<std::uint32_t>(lineno) : 0;
  return pos;
}

const std::vector<dwarf_frame_finder::function_range>& dwarf_frame_finder::functions_of(Dwarf_Die* cu) {
  auto [it, inserted] = index_.try_emplace(cu->addr);
  if (!inserted) return it->second;
  std::vector<function_range>& functions = it->second;
  // Depth-first over the whole CU, into functions too: a function's DIE can hold the
  // definition of another (a member of a local class).
  std::vector<Dwarf_Die> pending;
  Dwarf_Die die;
  if (dwarf_child(cu, &die) == 0) pending.push_back(die);
  while (!pending.empty()) {
    die = pending.back();
    pending.pop_back();
    Dwarf_Die next;
    if (dwarf_siblingof(&die, &next) == 0) pending.push_back(next);
    if (dwarf_tag(&die) == DW_TAG_subprogram) {
      Dwarf_Addr base = 0;
      Dwarf_Addr low = 0;
      Dwarf_Addr high = 0;
      // A range at 0 is a copy the linker discarded (an inline function emitted in
      // several objects), not code.
      for (ptrdiff_t off = 0; (off = dwarf_ranges(&die, off, &base, &low, &high)) > 0;)
        if (low != 0 && low < high) functions.push_back({low, high, die});
    }
    if (dwarf_haschildren(&die) == 1 && dwarf_child(&die, &next) == 0) pending.push_back(next);
  }
  std::sort(functions.begin(), functions.end(),
            [](const function_range& a, const function_range& b) { return a.low < b.low; });
  return functions;
}

const Dwarf_Die* dwarf_frame_finder::function_of(Dwarf_Die* cu, Dwarf_Addr pc) {
  const auto& functions = functions_of(cu);
  auto after = std::upper_bound(functions.begin(), functions.end(), pc,
                                [](Dwarf_Addr a, const function_range& f) { return a < f.low; });
  if (after == functions.begin() || pc >= std::prev(after)->high) return nullptr;
  return &std::prev(after)->die;
}

bool dwarf_frame_finder::function_at(Dwfl_Module* mod, Dwarf_Addr addr, Dwarf_Die* out) {
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(mod, addr, &bias);
  const Dwarf_Die* function = cu != nullptr ? function_of(cu, addr - bias) : nullptr;
  if (function == nullptr) return false;
  *out = *function;
  return true;
}

std::vector<Dwarf_Die> dwarf_frame_finder::indexed_chain(Dwarf_Die* cu, Dwarf_Addr pc) {
  std::vector<Dwarf_Die> chain;
  const Dwarf_Die* function = function_of(cu, pc);
  if (function == nullptr) return chain;
  // Down from the function through the scopes that hold the pc; innermost first after.
  chain.push_back(*function);
  for (bool deeper = true; deeper;) {
    deeper = false;
    Dwarf_Die child;
    if (dwarf_child(&chain.back(), &child) != 0) break;
    do {
      if (is_code_scope(dwarf_tag(&child)) && dwarf_haspc(&child, pc) == 1) {
        chain.push_back(child);
        deeper = true;
        break;
      }
    } while (dwarf_siblingof(&child, &child) == 0);
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

std::vector<frame> dwarf_frame_finder::frames(Dwfl_Module* mod, Dwarf_Addr addr, const char* elf_symbol,
                                              scope_walk walk) {
  std::vector<frame> frames;
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(mod, addr, &bias);
  if (cu == nullptr) return frames;
  std::vector<Dwarf_Die> chain =
      walk == scope_walk::indexed ? indexed_chain(cu, addr - bias) : libdw_chain(cu, addr - bias);
  if (chain.empty()) return frames;

  Dwarf_Files* files = nullptr;
  std::size_t file_count = 0;
  if (dwarf_getsrcfiles(cu, &files, &file_count) != 0) files = nullptr;

  source_position pos = line_at(mod, addr);
  for (Dwarf_Die& die : chain) {
    int tag = dwarf_tag(&die);
    if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram) continue;
    frame f;
    f.file = pos.file;
    f.line = pos.line;
    if (tag == DW_TAG_inlined_subroutine) {
      f.function = linkage_name(&die);
      if (f.function.empty()) f.function = plain_name(&die);
      frames.push_back(std::move(f));
      pos = call_site(&die, files, file_count);
      continue;
    }
    // The source function: DWARF's subprogram holds every part GCC split or cloned off it
    // (`.cold`, `.part.0`, `.constprop.0`), so its linkage name names them all alike. GCC
    // gives none to functions with internal linkage and to coroutine actors: then the ELF
    // symbol, which is qualified (its clone suffix dropped), before the bare DWARF name.
    f.function = linkage_name(&die);
    if (f.function.empty()) f.function = readable_function_name(elf_symbol);
    if (f.function.empty()) f.function = plain_name(&die);
    frames.push_back(std::move(f));
    break;
  }
  return frames;
}

}  // namespace coroscope::detail
