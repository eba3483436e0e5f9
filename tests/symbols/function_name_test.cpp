// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "function_name.hpp"

#include <gtest/gtest.h>

namespace {

using coroscope::detail::readable_function_name;

TEST(FunctionName, DemanglesCxxNames) {
  EXPECT_EQ(readable_function_name("_ZN2ns3fooEi"), "ns::foo(int)");
  EXPECT_EQ(readable_function_name("main"), "main");
  EXPECT_EQ(readable_function_name(nullptr), "");
}

TEST(FunctionName, StripsCoroutineClones) {
  // GCC's actor and destroyer of `ns::coro(int)`.
  EXPECT_EQ(readable_function_name("_ZN2ns4coroEi.actor"), "ns::coro(int)");
  EXPECT_EQ(readable_function_name("_ZN2ns4coroEi.destroy"), "ns::coro(int)");
  // GCC 12: the actor takes the frame, a local type named after the coroutine.
  EXPECT_EQ(readable_function_name(
                "_ZN7symtest18counting_coroutineEPZNS_18counting_coroutineEPiE40_ZN7symtest18counting_"
                "coroutineEPi.Frame.actor"),
            "symtest::counting_coroutine(int*)");
  // The actor's DWARF linkage name: the same without the clone suffix.
  EXPECT_EQ(readable_function_name(
                "_ZN7symtest18counting_coroutineEPZNS_18counting_coroutineEPiE40_ZN7symtest18counting_"
                "coroutineEPi.Frame"),
            "symtest::counting_coroutine(int*)");
  EXPECT_EQ(readable_function_name("_ZN2ns1S6memberEPZNS0_6memberEiE23_ZN2ns1S6memberEi.Frame.destroy"),
            "ns::S::member(int)");
  EXPECT_EQ(readable_function_name("_ZN2ns1S6memberEPZNS0_6memberEiE23_ZN2ns1S6memberEi.Frame.actor.cold"),
            "ns::S::member(int)");
  EXPECT_EQ(readable_function_name("_ZZ4mainENUllE_clEPZZ4mainENKS_clElE26_ZZ4mainENKUllE_clEl.Frame.actor"),
            "main::{lambda(long)#1}::operator()(long) const");
  EXPECT_EQ(readable_function_name("_ZN2ns4tmplEPZNS_4tmplIdEE4taskT_E28_ZN2ns4tmplIdEE4taskT_.Frame.actor"),
            "task ns::tmpl<double>(double)");
  // Names that do not demangle lose the raw suffix.
  EXPECT_EQ(readable_function_name("handler.actor"), "handler");
  EXPECT_EQ(readable_function_name("handler.destroy"), "handler");
}

TEST(FunctionName, NamesClonesAndSplitPartsByTheirSourceFunction) {
  // GCC's IPA clones and the parts it splits off (ELF symbols of a GCC 12 -O2 build).
  EXPECT_EQ(readable_function_name("_ZN2ns3fooEi.cold"), "ns::foo(int)");
  EXPECT_EQ(readable_function_name("_ZN7symtest12_GLOBAL__N_14burnEii.constprop.0"),
            "symtest::(anonymous namespace)::burn(int, int)");
  EXPECT_EQ(readable_function_name("_ZN7symtest12_GLOBAL__N_111isra_targetERKNS0_7pair_ofE.isra.0"),
            "symtest::(anonymous namespace)::isra_target(symtest::(anonymous namespace)::pair_of const&)");
  EXPECT_EQ(readable_function_name("_ZN7symtest12_GLOBAL__N_18split_meEi.part.0.cold"),
            "symtest::(anonymous namespace)::split_me(int)");
  EXPECT_EQ(readable_function_name("_ZL12heldout_burnv.constprop.0.isra.0"), "heldout_burn()");
  // C names (no mangling): the raw suffixes go.
  EXPECT_EQ(readable_function_name("heldout_burn.constprop.0"), "heldout_burn");
  EXPECT_EQ(readable_function_name("do_work.part.0.cold"), "do_work");
  EXPECT_EQ(readable_function_name("helper.lto_priv.0"), "helper");
  EXPECT_EQ(readable_function_name("memcpy.localalias"), "memcpy");
}

TEST(FunctionName, KeepsOtherDotsAndBadManglings) {
  // Only GCC's clone suffixes go: other dotted names are names.
  EXPECT_EQ(readable_function_name("main.main"), "main.main");
  EXPECT_EQ(readable_function_name("runtime.mcall"), "runtime.mcall");
  EXPECT_EQ(readable_function_name("f.part"), "f.part");
  EXPECT_EQ(readable_function_name("f.isra.x"), "f.isra.x");
  EXPECT_EQ(readable_function_name("loop.omp_fn.0"), "loop.omp_fn.0");
  EXPECT_EQ(readable_function_name(".cold"), ".cold");
  EXPECT_EQ(readable_function_name(".part.0"), ".part.0");
  EXPECT_EQ(readable_function_name("_Zgarbage"), "_Zgarbage");
  EXPECT_EQ(readable_function_name(".actor"), ".actor");
  // A wrong length prefix is not taken for a coroutine frame: the raw name stays.
  EXPECT_EQ(readable_function_name("_ZN2ns4coroEPZNS_4coroEiE99_ZN2ns4coroEi.Frame.actor"),
            "_ZN2ns4coroEPZNS_4coroEiE99_ZN2ns4coroEi.Frame");
}

}  // namespace
