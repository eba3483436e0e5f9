// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The sampler's allocation and free paths driven directly, from many threads, while
// profiles are taken: the same calls the interposed malloc/free make, without replacing
// the allocator. So this runs under ASan and TSan too (which interpose malloc themselves
// and rule out the end-to-end tests in heap_sampler_test.cpp).
#include "heap_state.hpp"
#include "test_support.hpp"

#include <coroscope/heap.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

using namespace coroscope::heap_test;
namespace heap = coroscope::heap;
namespace detail = coroscope::heap::detail;

thread_local std::uint64_t t_task_id = 0;

void name_the_task(coroscope::sampling::sample_context& context) noexcept {
  if (t_task_id == 0) return;
  context.task_id = t_task_id;
  std::strncpy(context.task_name, "paths", sizeof context.task_name - 1);
}

// What an interposed malloc does after forwarding to the real allocator, without a stack:
// these tests are about the accounting across threads (stacks: heap_sampler_test.cpp; a
// walk here would run into the sanitizer's thread entry, which keeps no frame pointers).
void* sampled_malloc(std::size_t size) {
  void* p = std::malloc(size);
  if (detail::should_sample(size)) detail::on_countdown_crossed(p, size, nullptr);
  return p;
}

// What an interposed free does before forwarding.
void sampled_free(void* p) {
  detail::on_free(p);
  std::free(p);
}

class heap_sampler_paths_test : public testing::Test {
 protected:
  void SetUp() override { heap::set_context_hook(&name_the_task); }
  void TearDown() override {
    heap::stop();
    heap::set_context_hook(nullptr);
  }
};

TEST_F(heap_sampler_paths_test, threads_allocating_while_profiles_are_taken_give_exact_totals) {
  heap::start({.sample_interval_bytes = 1, .max_live_allocations = 1 << 16, .max_sites = 1024});
  constexpr int kThreads = 6, kPerThread = 4000, kKeepEvery = 50;
  profiling_gate gate(kThreads);
  std::vector<std::vector<void*>> kept(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      t_task_id = 500 + static_cast<std::uint64_t>(t);
      for (int i = 0; i < kPerThread; ++i) {
        if (i == kPerThread / 2) gate.halfway();
        void* p = sampled_malloc(32 + static_cast<std::size_t>(i % 32));
        if (i % kKeepEvery == 0)
          kept[static_cast<std::size_t>(t)].push_back(p);
        else
          sampled_free(p);
      }
      t_task_id = 0;
      gate.finished();
    });
  }
  gate.profile_until_finished();
  for (auto& thread : threads) thread.join();

  const totals during = task_totals(heap::profile(), "paths");
  EXPECT_EQ(during.alloc_objects, kThreads * kPerThread);
  EXPECT_EQ(during.inuse_objects, kThreads * kPerThread / kKeepEvery);

  for (auto& list : kept)
    for (void* p : list) sampled_free(p);
  EXPECT_EQ(task_totals(heap::profile(), "paths").inuse_objects, 0);
}

TEST_F(heap_sampler_paths_test, frees_after_stop_are_still_forgotten) {
  heap::start({.sample_interval_bytes = 1, .max_live_allocations = 1024, .max_sites = 64});
  std::vector<void*> blocks;
  std::thread([&] {
    t_task_id = 7;
    for (int i = 0; i < 100; ++i) blocks.push_back(sampled_malloc(128));
    t_task_id = 0;
  }).join();
  EXPECT_EQ(task_totals(heap::profile(), "paths").inuse_objects, 100);
  heap::stop();
  std::thread([&] {
    for (void* p : blocks) sampled_free(p);
  }).join();
  EXPECT_EQ(task_totals(heap::profile(), "paths").inuse_objects, 0);
}

}  // namespace
