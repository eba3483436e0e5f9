// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The DWARF half of the symbolizer on its own: names without ELF symbols (as in a
// binary whose symbol table was stripped), and the indexed scope walk against libdw's.
#include <elfutils/libdwfl.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "dwarf_frames.hpp"
#include "self_dwfl.hpp"
#include "test_functions.hpp"

namespace {

using coroscope::detail::dwarf_frame_finder;

using symtest::self_dwfl;

std::uintptr_t address_of(auto* function) { return reinterpret_cast<std::uintptr_t>(function); }

TEST(DwarfFrames, NamesFromDwarfAlone) {
  self_dwfl self;
  dwarf_frame_finder finder;
  auto pc = address_of(&symtest::plain_function);
  Dwfl_Module* mod = self.module_at(pc);
  ASSERT_NE(mod, nullptr);

  auto plain = finder.frames(mod, pc, nullptr);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].function, "symtest::plain_function(int)");
  EXPECT_GT(plain[0].line, symtest::plain_first_line);
  EXPECT_LT(plain[0].line, symtest::plain_last_line);

  unsigned inner_line = 0;
  unsigned outer_line = 0;
  auto ra = symtest::outer_with_inline(inner_line, outer_line);
  auto inlined = finder.frames(mod, ra - 1, nullptr);
  ASSERT_EQ(inlined.size(), 2u);
  EXPECT_EQ(inlined[0].function, "symtest::inlined_callee(unsigned int&)");
  EXPECT_EQ(inlined[0].line, inner_line);
  EXPECT_EQ(inlined[1].function, "symtest::outer_with_inline(unsigned int&, unsigned int&)");
  EXPECT_EQ(inlined[1].line, outer_line);

  // GCC gives the actor no DWARF linkage name, only the coroutine's plain name.
  int counter = 0;
  symtest::simple_task task = symtest::counting_coroutine(&counter);
  void* resume = nullptr;
  std::memcpy(&resume, task.handle.address(), sizeof resume);
  auto actor = finder.frames(mod, reinterpret_cast<std::uintptr_t>(resume), nullptr);
  ASSERT_FALSE(actor.empty());
  EXPECT_EQ(actor.back().function, "counting_coroutine");

  // A lambda's DWARF sits inside the function that defines it: still found.
  unsigned lambda_line = 0;
  auto lambda_ra = symtest::lambda_caller(lambda_line);
  auto lambda = finder.frames(mod, lambda_ra - 1, nullptr);
  ASSERT_FALSE(lambda.empty());
  EXPECT_EQ(lambda.back().function, "operator()");  // GCC gives it no linkage name
  EXPECT_EQ(lambda[0].line, lambda_line);
  EXPECT_TRUE(finder.frames(mod, lambda_ra - 1, nullptr, dwarf_frame_finder::scope_walk::libdw).empty())
      << "libdw's walk now finds functions defined inside functions: update the comparison below";

  // DWARF's linkage name names the function whatever the ELF symbol says (a clone's or
  // a split-off part's symbol has a suffix; the subprogram is the source function).
  auto named = finder.frames(mod, pc, "_ZN7symtest14plain_functionEi.cold");
  ASSERT_EQ(named.size(), 1u);
  EXPECT_EQ(named[0].function, "symtest::plain_function(int)");
  // Without a linkage name (the lambda), the ELF symbol names it, its suffix dropped.
  auto lambda_named = finder.frames(mod, lambda_ra - 1, "_ZN2ns6lambdaEv.isra.0");
  ASSERT_FALSE(lambda_named.empty());
  EXPECT_EQ(lambda_named.back().function, "ns::lambda()");
}

TEST(DwarfFrames, IndexedWalkMatchesLibdw) {
  const symtest::code_range text = symtest::executable_text();
  ASSERT_LT(text.begin, text.end);

  self_dwfl self;
  dwarf_frame_finder indexed;
  dwarf_frame_finder libdw;
  constexpr std::size_t count = 300;
  std::size_t with_frames = 0;
  std::size_t with_inlines = 0;
  std::size_t only_indexed = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uintptr_t pc = text.begin + i * ((text.end - text.begin) / count) + 7;
    Dwfl_Module* mod = self.module_at(pc);
    ASSERT_NE(mod, nullptr);
    auto a = indexed.frames(mod, pc, nullptr);
    auto b = libdw.frames(mod, pc, nullptr, dwarf_frame_finder::scope_walk::libdw);
    // libdw's walk misses functions defined inside functions (lambdas, local classes):
    // the index finds those, checked above.
    if (b.empty() && !a.empty()) {
      ++only_indexed;
      continue;
    }
    ASSERT_EQ(a.size(), b.size()) << std::hex << pc;
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].function, b[k].function) << std::hex << pc;
      EXPECT_EQ(a[k].file, b[k].file) << std::hex << pc;
      EXPECT_EQ(a[k].line, b[k].line) << std::hex << pc;
    }
    with_frames += a.empty() ? 0 : 1;
    with_inlines += a.size() > 1 ? 1 : 0;
  }
  // The comparison means something only if DWARF covered a good part of the code.
  EXPECT_GT(with_frames, count / 4);
  EXPECT_GT(with_inlines, 0u);
  EXPECT_LT(only_indexed, count / 10);
  std::printf("[ info ] %zu of %zu pcs with DWARF frames, %zu with inlined frames, %zu in nested functions\n",
              with_frames, count, with_inlines, only_indexed);
}

}  // namespace
