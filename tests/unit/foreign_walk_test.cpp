// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// A task dump walks coroutine frames that another thread may free or unmap under it: every
// read goes through foreign_memory, so a pointer into nowhere ends the walk, not the program.
// The chains here are built by hand in Asio's measured layout (g_asio_layout).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "coroscope/detail/asio_layout.hpp"
#include "coroscope/task_dump.hpp"
#include "coroscope/detail/task_record.hpp"
#include "foreign_memory.hpp"
#include "foreign_walk.hpp"
#include "task_walk.hpp"

namespace {

using coroscope::detail::foreign_memory;
using coroscope::detail::foreign_walk;
using coroscope::detail::g_asio_layout;
using coroscope::detail::walk_foreign_chain;
using word = std::uintptr_t;

std::size_t page_size() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }

// Two pages mapped, the second unmapped again: an address just past readable memory.
struct mapping_with_hole {
  mapping_with_hole() {
    void* p = mmap(nullptr, 2 * page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(p, MAP_FAILED);
    first = static_cast<char*>(p);
    hole = first + page_size();
    EXPECT_EQ(munmap(hole, page_size()), 0);
  }
  ~mapping_with_hole() { munmap(first, page_size()); }
  char* first = nullptr;
  char* hole = nullptr;
};

// A coroutine frame as GCC lays it out (resume, destroy, then the promise: Asio's
// awaitable_frame_base, `frame()`), zeroed, with room for the members the walk reads.
struct fake_coroutine {
  explicit fake_coroutine(word resume) : words(64, 0) { words[0] = resume; }
  word* frame() { return words.data() + 2; }
  void set(std::ptrdiff_t offset, word value) { frame()[offset / std::ptrdiff_t(sizeof(word))] = value; }
  void link(word caller) {
    set(g_asio_layout.frame_coro, reinterpret_cast<word>(words.data()));
    set(g_asio_layout.frame_caller, caller);
  }
  std::vector<word> words;
};

// The root (co_spawn's entry frame): only its top of stack is read.
struct fake_root {
  explicit fake_root(const void* top) : words(64, 0) {
    words[g_asio_layout.root_top / std::ptrdiff_t(sizeof(word))] = reinterpret_cast<word>(top);
  }
  const void* address() const { return words.data(); }
  std::vector<word> words;
};

class ForeignWalk : public ::testing::Test {
 protected:
  void SetUp() override { coroscope::detail::measure_asio_layout(); }
  word pcs[32] = {};
};

TEST(ForeignMemory, ReadsWhatIsMappedAndFailsWhereALoadWouldFault) {
  mapping_with_hole m;
  const foreign_memory memory;
  const word value = 0x1234;
  word out = 0;
  EXPECT_TRUE(memory.read(&out, &value, sizeof value));
  EXPECT_EQ(out, value);
  EXPECT_FALSE(memory.read(&out, m.hole, sizeof out));
  EXPECT_FALSE(memory.read(&out, m.hole - 4, sizeof out)) << "a read across the end";
  EXPECT_FALSE(memory.read(&out, nullptr, sizeof out));
  word a = 0, b = 0;
  const coroscope::detail::foreign_piece good_then_bad[] = {{&a, &value, sizeof a}, {&b, m.hole, sizeof b}};
  EXPECT_FALSE(memory.read(good_then_bad, 2));
}

TEST_F(ForeignWalk, ARootIntoAnUnmappedPageIsUnreadableNotAFault) {
  mapping_with_hole m;
  const foreign_walk w = walk_foreign_chain(m.hole + 64, pcs, 32, foreign_memory{});
  EXPECT_EQ(w.result, foreign_walk::unreadable);
  EXPECT_EQ(w.depth, 0u);
}

TEST_F(ForeignWalk, AGarbageRootPointingIntoNowhereEndsTheWalk) {
  mapping_with_hole m;
  // Every word points into the unmapped page, as a frame freed and reused might.
  std::vector<const void*> garbage(512, m.hole + 64);
  const foreign_walk w = walk_foreign_chain(garbage.data(), pcs, 32, foreign_memory{});
  EXPECT_NE(w.result, foreign_walk::suspended);
  EXPECT_EQ(w.depth, 0u);
  // The plain loads the sampler uses on its own thread would fault here.
  EXPECT_DEATH((void)coroscope::detail::walk_async_stack(garbage.data(), pcs, 32), "");
}

TEST_F(ForeignWalk, AWholeChainLeafFirst) {
  fake_coroutine leaf(0x1111), task(0x2222);
  fake_root root(leaf.frame());
  leaf.link(reinterpret_cast<word>(task.frame()));
  task.link(reinterpret_cast<word>(root.address()));
  const foreign_walk w = walk_foreign_chain(root.address(), pcs, 32, foreign_memory{});
  ASSERT_EQ(w.result, foreign_walk::suspended);
  EXPECT_EQ(w.leaf, leaf.frame());
  ASSERT_EQ(w.depth, 2u);
  EXPECT_EQ(pcs[0], 0x1111u);
  EXPECT_EQ(pcs[1], 0x2222u);
  EXPECT_FALSE(w.cut);
  EXPECT_TRUE(coroscope::detail::still_suspended_at(root.address(), leaf.frame(), foreign_memory{}));
}

TEST_F(ForeignWalk, ATaskIsWalkedOnlyBetweenItsPolls) {
  fake_coroutine leaf(0x1111), task(0x2222);
  fake_root root(leaf.frame());
  leaf.link(reinterpret_cast<word>(task.frame()));
  task.link(reinterpret_cast<word>(root.address()));
  coroscope::detail::task_record record;
  record.root.store(root.address());
  record.polls.store(2);
  // Its third poll has begun: it may resume the coroutine, and suspend it again on a frame
  // at the same address, before it ends; the chain it shows now proves nothing.
  record.poll_begins.store(3);
  record.ended_begins.store(2);
  coroscope::detail::walked_chain chain;
  EXPECT_EQ(coroscope::detail::walk_task(record, chain, foreign_memory{}),
            coroscope::detail::walk_result::running);
  EXPECT_TRUE(chain.pcs.empty());
  // The poll ended.
  record.polls.store(3);
  record.ended_begins.store(3);
  ASSERT_EQ(coroscope::detail::walk_task(record, chain, foreign_memory{}),
            coroscope::detail::walk_result::suspended);
  EXPECT_EQ(chain.pcs, (std::vector<word>{0x1111, 0x2222}));
}

TEST_F(ForeignWalk, ACallerIntoUnmappedMemoryCutsTheStack) {
  mapping_with_hole m;
  fake_coroutine leaf(0x1111), middle(0x2222);
  fake_root root(leaf.frame());
  leaf.link(reinterpret_cast<word>(middle.frame()));
  middle.link(reinterpret_cast<word>(m.hole + 64));
  const foreign_walk w = walk_foreign_chain(root.address(), pcs, 32, foreign_memory{});
  ASSERT_EQ(w.result, foreign_walk::suspended);
  ASSERT_EQ(w.depth, 2u);
  EXPECT_EQ(pcs[1], 0x2222u);
  EXPECT_TRUE(w.cut);
}

TEST_F(ForeignWalk, ACoroutineHandleIntoUnmappedMemoryCutsTheStack) {
  mapping_with_hole m;
  fake_coroutine leaf(0x1111), task(0x2222);
  fake_root root(leaf.frame());
  leaf.link(reinterpret_cast<word>(task.frame()));
  task.link(reinterpret_cast<word>(root.address()));
  task.set(g_asio_layout.frame_coro, reinterpret_cast<word>(m.hole + 8));
  const foreign_walk w = walk_foreign_chain(root.address(), pcs, 32, foreign_memory{});
  ASSERT_EQ(w.result, foreign_walk::suspended);
  EXPECT_EQ(w.depth, 1u);
  EXPECT_TRUE(w.cut);
}

TEST_F(ForeignWalk, ACoroutineAwayFromItsPromiseIsReadToo) {
  fake_coroutine leaf(0x1111), elsewhere(0x3333);
  fake_root root(leaf.frame());
  leaf.link(reinterpret_cast<word>(root.address()));
  leaf.set(g_asio_layout.frame_coro, reinterpret_cast<word>(elsewhere.words.data()));
  const foreign_walk w = walk_foreign_chain(root.address(), pcs, 32, foreign_memory{});
  ASSERT_EQ(w.depth, 1u);
  EXPECT_EQ(pcs[0], 0x3333u);
  EXPECT_FALSE(w.cut);
}

TEST_F(ForeignWalk, ALeafWithAThreadAttachedIsRunning) {
  fake_coroutine leaf(0x1111);
  fake_root root(leaf.frame());
  leaf.link(reinterpret_cast<word>(root.address()));
  word thread = 0;
  leaf.set(g_asio_layout.frame_thread, reinterpret_cast<word>(&thread));
  const foreign_walk w = walk_foreign_chain(root.address(), pcs, 32, foreign_memory{});
  EXPECT_EQ(w.result, foreign_walk::attached);
  EXPECT_FALSE(coroscope::detail::still_suspended_at(root.address(), leaf.frame(), foreign_memory{}));
}

TEST_F(ForeignWalk, AChainDeeperThanTheWalkIsCut) {
  std::vector<fake_coroutine> chain;
  for (word i = 0; i < 40; ++i) chain.emplace_back(0x1000 + i);
  fake_root root(chain.front().frame());
  for (std::size_t i = 0; i + 1 < chain.size(); ++i)
    chain[i].link(reinterpret_cast<word>(chain[i + 1].frame()));
  chain.back().link(reinterpret_cast<word>(root.address()));
  const foreign_walk w = walk_foreign_chain(root.address(), pcs, 32, foreign_memory{});
  EXPECT_EQ(w.depth, 32u);
  EXPECT_TRUE(w.cut);
}

TEST(TaskDumpText, ACutStackSaysSoAndAnUnknownOneToo) {
  coroscope::dumped_task t;
  t.id = 3;
  t.name = "session";
  t.async_stack = {{"read_request", "/src/server.cpp", 41}};
  t.async_stack_cut = true;
  EXPECT_NE(coroscope::to_string(t).find("read_request\n        /src/server.cpp:41\n    ... (cut: "),
            std::string::npos)
      << coroscope::to_string(t);
  t.async_stack.clear();
  EXPECT_NE(coroscope::to_string(t).find("(stack not known)"), std::string::npos);
}

}  // namespace
