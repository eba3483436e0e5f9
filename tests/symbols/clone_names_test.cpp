// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Functions GCC cloned or split (clone_functions.cpp) are named by their source function,
// and the hot and cold parts of one function are one function: the same name and file.
#include <coroscope/symbolizer.hpp>

#include <elfutils/libdwfl.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "clone_functions.hpp"
#include "dwarf_frames.hpp"
#include "self_dwfl.hpp"
#include "symbol_index.hpp"

namespace {

using coroscope::symbolizer;
namespace clones = symtest::clones;

using symtest::self_dwfl;

// The raw ELF symbol holding the code of return address `ra`.
std::string elf_symbol_at(std::uintptr_t ra) {
  self_dwfl self;
  Dwfl_Module* mod = self.module_at(ra - 1);
  if (mod == nullptr) return {};
  coroscope::detail::symbol_index index;
  const char* name = index.function_at(mod, ra - 1);
  return name != nullptr ? name : "";
}

// The sanitizer builds instrument these functions, and GCC then clones some of them
// differently: there a missing clone skips the case; elsewhere it fails it, so the test
// never passes without having seen the clone.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool clones_may_differ = true;
#else
constexpr bool clones_may_differ = false;
#endif

#define EXPECT_CLONE(ra, suffix)                                                              \
  do {                                                                                        \
    const std::string raw = elf_symbol_at(ra);                                                \
    if (clones_may_differ && raw.find(suffix) == std::string::npos)                           \
      GTEST_SKIP() << "GCC made no " << (suffix) << " clone in this build: " << raw;          \
    ASSERT_NE(raw.find(suffix), std::string::npos) << "GCC no longer clones this: " << raw;  \
  } while (0)

std::string function_of(symbolizer& s, std::uintptr_t ra) { return s.symbolize(ra, true).back().function; }

TEST(CloneNames, ConstantPropagationCloneIsItsSourceFunction) {
  const std::uintptr_t ra = clones::in_constprop_clone(3);
  EXPECT_CLONE(ra, ".constprop.");
  symbolizer s;
  EXPECT_EQ(function_of(s, ra), "symtest::clones::(anonymous namespace)::burn(int, int)");
}

TEST(CloneNames, ScalarReplacementCloneIsItsSourceFunction) {
  const std::uintptr_t ra = clones::in_isra_clone(5);
  EXPECT_CLONE(ra, ".isra.");
  symbolizer s;
  EXPECT_EQ(function_of(s, ra),
            "symtest::clones::(anonymous namespace)::read_first("
            "symtest::clones::(anonymous namespace)::pair_of const&)");
}

TEST(CloneNames, PartialInliningPartIsItsSourceFunction) {
  const std::uintptr_t ra = clones::in_split_part(-1);
  EXPECT_CLONE(ra, ".part.");
  symbolizer s;
  EXPECT_EQ(function_of(s, ra), "symtest::clones::(anonymous namespace)::split_me(int)");
}

TEST(CloneNames, HotAndColdPartsAreOneFunction) {
  const std::uintptr_t hot = clones::in_hot_or_cold_part(1);
  const std::uintptr_t cold = clones::in_hot_or_cold_part(42);
  EXPECT_CLONE(cold, ".cold");
  EXPECT_EQ(elf_symbol_at(hot).find(".cold"), std::string::npos) << elf_symbol_at(hot);
  symbolizer s;
  const coroscope::frame hot_frame = s.symbolize(hot, true).back();
  const coroscope::frame cold_frame = s.symbolize(cold, true).back();
  EXPECT_EQ(hot_frame.function, "symtest::clones::in_hot_or_cold_part(int)");
  EXPECT_EQ(cold_frame.function, hot_frame.function);
  EXPECT_EQ(cold_frame.file, hot_frame.file);
  EXPECT_TRUE(std::string_view{cold_frame.file}.ends_with("clone_functions.cpp")) << cold_frame.file;
  EXPECT_NE(cold_frame.address, hot_frame.address);
}

TEST(CloneNames, DwarfAloneNamesTheColdPartAsItsFunction) {
  // As addr2line does: the cold range belongs to the function's own DWARF subprogram, so
  // it is named without any ELF symbol (a stripped symbol table).
  const std::uintptr_t cold = clones::in_hot_or_cold_part(42);
  EXPECT_CLONE(cold, ".cold");
  self_dwfl self;
  Dwfl_Module* mod = self.module_at(cold - 1);
  ASSERT_NE(mod, nullptr);
  coroscope::detail::dwarf_frame_finder finder;
  const auto frames = finder.frames(mod, cold - 1, nullptr);
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back().function, "symtest::clones::in_hot_or_cold_part(int)");
}

}  // namespace
