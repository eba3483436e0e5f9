// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "symbol_index.hpp"

#include <algorithm>
#include <tuple>

namespace coroscope::detail {
namespace {

// Lower is preferred among aliases at one address.
int binding_rank(unsigned char info) {
  switch (GELF_ST_BIND(info)) {
    case STB_GLOBAL:
    case STB_GNU_UNIQUE: return 0;
    case STB_WEAK: return 1;
    default: return 2;
  }
}

}  // namespace

const std::vector<symbol_index::symbol>& symbol_index::table_of(Dwfl_Module* mod) {
  auto [it, inserted] = tables_.try_emplace(mod);
  if (!inserted) return it->second;
  struct candidate {
    symbol sym;
    int rank = 0;
    int index = 0;
  };
  std::vector<candidate> candidates;
  int count = dwfl_module_getsymtab(mod);
  for (int i = 1; i < count; ++i) {
    GElf_Sym sym{};
    GElf_Addr addr = 0;
    GElf_Word section = 0;
    const char* name = dwfl_module_getsym_info(mod, i, &sym, &addr, &section, nullptr, nullptr);
    int type = GELF_ST_TYPE(sym.st_info);
    if (name == nullptr || *name == '\0' || (type != STT_FUNC && type != STT_GNU_IFUNC) ||
        section == SHN_UNDEF || sym.st_size == 0)
      continue;
    candidates.push_back({{addr, addr + sym.st_size, name}, binding_rank(sym.st_info), i});
  }
  std::sort(candidates.begin(), candidates.end(), [](const candidate& a, const candidate& b) {
    return std::tie(a.sym.begin, a.rank, a.index) < std::tie(b.sym.begin, b.rank, b.index);
  });
  std::vector<symbol>& table = it->second;
  table.reserve(candidates.size());
  for (const candidate& c : candidates)
    if (table.empty() || table.back().begin != c.sym.begin) table.push_back(c.sym);
  return table;
}

const char* symbol_index::function_at(Dwfl_Module* mod, Dwarf_Addr addr) {
  const auto& table = table_of(mod);
  auto after = std::upper_bound(table.begin(), table.end(), addr,
                                [](Dwarf_Addr a, const symbol& s) { return a < s.begin; });
  if (after != table.begin() && addr < std::prev(after)->end) return std::prev(after)->name;
  // Sizeless symbols, or one symbol inside another: libdw's own scan, which also
  // answers data symbols; those do not name code.
  GElf_Off offset = 0;
  GElf_Sym sym{};
  const char* name = dwfl_module_addrinfo(mod, addr, &offset, &sym, nullptr, nullptr, nullptr);
  int type = GELF_ST_TYPE(sym.st_info);
  return name != nullptr && (type == STT_FUNC || type == STT_GNU_IFUNC || type == STT_NOTYPE) ? name : nullptr;
}

}  // namespace coroscope::detail
