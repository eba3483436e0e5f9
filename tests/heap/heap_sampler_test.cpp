// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The interposed allocator, end to end: this executable links coroscope::heap, so every
// allocation below goes through it. Workloads run on fresh threads that a test context
// hook labels as tasks; the assertions look at those tasks only.
#include "heap_state.hpp"
#include "test_support.hpp"

#include <coroscope/heap.hpp>
#include <coroscope/heap_profile_file.hpp>
#include <coroscope/leak_report.hpp>

#include <gtest/gtest.h>

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace coroscope::heap_test;
namespace heap = coroscope::heap;

// Keeps the compiler from eliding an allocation/free pair.
void escape(void* p) { asm volatile("" : : "g"(p) : "memory"); }

// The task the current thread runs as, read by the hook: plain data, no allocation.
struct test_task {
  std::uint64_t id;
  std::int32_t worker;
  char name[48];
};
thread_local test_task t_task{};

void test_hook(coroscope::sampling::sample_context& context) noexcept {
  if (t_task.id == 0) return;
  context.task_id = t_task.id;
  context.worker = t_task.worker;
  std::memcpy(context.task_name, t_task.name, sizeof context.task_name);
  context.has_trace = true;
  for (int i = 0; i < 16; ++i) context.trace_id[i] = static_cast<std::uint8_t>(0xa0 + i);
  for (int i = 0; i < 8; ++i) context.span_id[i] = static_cast<std::uint8_t>(0xb0 + i);
}

// Runs `body` on a new thread as task `id` named `name`.
void run_as_task(std::uint64_t id, const char* name, const std::function<void()>& body, int worker = 0) {
  std::thread thread([&] {
    t_task.id = id;
    t_task.worker = worker;
    std::strncpy(t_task.name, name, sizeof t_task.name - 1);
    body();
    t_task = {};
  });
  thread.join();
}

class heap_sampler_test : public testing::Test {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "ASan/TSan interpose malloc themselves; the interposed-allocator tests run "
                    "in the plain build (the tables and analysis are tested under the sanitizers)";
#endif
    heap::set_context_hook(&test_hook);
  }
  void TearDown() override {
    heap::stop();
    heap::set_context_hook(nullptr);
  }
  static void start_every_allocation() {
    heap::start({.sample_interval_bytes = 1, .max_live_allocations = 1 << 18, .max_sites = 4096});
  }
};

TEST_F(heap_sampler_test, this_program_is_interposed) { EXPECT_TRUE(heap::interposed()); }

TEST_F(heap_sampler_test, every_entry_point_is_seen_and_freed) {
  start_every_allocation();
  int expected_live = 0;
  std::vector<std::function<void()>> frees;
  frees.reserve(32);  // no vector growth inside the task
  run_as_task(1, "entry-points", [&] {
    void* p = std::malloc(10);
    escape(p);
    EXPECT_GE(malloc_usable_size(p), 10u);
    p = std::realloc(p, 3000);  // the malloc'd block is replaced by the realloc'd one
    escape(p);
    frees.push_back([p] { std::free(p); });
    void* c = std::calloc(4, 25);
    escape(c);
    EXPECT_EQ(static_cast<unsigned char*>(c)[99], 0);
    frees.push_back([c] { std::free(c); });
    void* a = std::aligned_alloc(64, 128);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a) % 64, 0u);
    frees.push_back([a] { std::free(a); });
    void* pm = nullptr;
    EXPECT_EQ(::posix_memalign(&pm, 128, 96), 0);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(pm) % 128, 0u);
    frees.push_back([pm] { std::free(pm); });
    EXPECT_EQ(::posix_memalign(&pm, 3, 96), EINVAL);  // not a power of two: not sampled
    void* m = ::memalign(32, 40);
    escape(m);
    frees.push_back([m] { std::free(m); });
    void* v = ::valloc(50);
    escape(v);
    frees.push_back([v] { std::free(v); });
    void* pv = ::pvalloc(60);
    escape(pv);
    frees.push_back([pv] { std::free(pv); });
    void* ra = ::reallocarray(nullptr, 10, 10);
    escape(ra);
    frees.push_back([ra] { std::free(ra); });
    auto* one = new int(5);
    escape(one);
    frees.push_back([one] { delete one; });
    auto* many = new int[4];
    escape(many);
    frees.push_back([many] { delete[] many; });
    auto* nothrow = new (std::nothrow) char[8];
    escape(nothrow);
    frees.push_back([nothrow] { delete[] nothrow; });
    struct alignas(256) wide {
      char bytes[256];
    };
    auto* w = new wide;
    escape(w);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(w) % 256, 0u);
    frees.push_back([w] { delete w; });
    auto* ws = new wide[2];
    escape(ws);
    frees.push_back([ws] { delete[] ws; });
    auto* wn = new (std::nothrow) wide;
    escape(wn);
    frees.push_back([wn] { delete wn; });
    void* sized = ::operator new(48);
    frees.push_back([sized] { ::operator delete(sized, 48); });
  });
  expected_live = static_cast<int>(frees.size());
  auto before = task_totals(heap::profile(), "entry-points");
  EXPECT_EQ(before.inuse_objects, expected_live);
  EXPECT_EQ(before.alloc_objects, expected_live + 1);  // + the block realloc replaced
  for (auto& f : frees) f();
  auto after = task_totals(heap::profile(), "entry-points");
  EXPECT_EQ(after.inuse_objects, 0);
  EXPECT_EQ(after.inuse_space, 0);
  EXPECT_EQ(after.alloc_objects, expected_live + 1);
}

TEST_F(heap_sampler_test, sampling_every_allocation_gives_exact_totals) {
  start_every_allocation();
  std::int64_t bytes = 0, kept_bytes = 0;
  constexpr int kAllocations = 20000;
  std::vector<void*> kept;
  kept.reserve(kAllocations);
  run_as_task(2, "exact", [&] {
    for (int i = 0; i < kAllocations; ++i) {
      const std::size_t size = static_cast<std::size_t>(i % 1000) + 1;
      bytes += static_cast<std::int64_t>(size);
      void* p = i % 3 == 0 ? std::calloc(1, size) : std::malloc(size);
      escape(p);
      if (i % 10 == 0) {
        kept.push_back(p);
        kept_bytes += static_cast<std::int64_t>(size);
      } else {
        std::free(p);
      }
    }
  });
  const auto t = task_totals(heap::profile(), "exact");
  EXPECT_EQ(t.alloc_objects, kAllocations);
  EXPECT_EQ(t.alloc_space, bytes);
  EXPECT_EQ(t.inuse_objects, static_cast<std::int64_t>(kept.size()));
  EXPECT_EQ(t.inuse_space, kept_bytes);
  for (void* p : kept) std::free(p);
  EXPECT_EQ(task_totals(heap::profile(), "exact").inuse_space, 0);
  EXPECT_EQ(heap::stats().dropped_table_full, 0u);
}

TEST_F(heap_sampler_test, balanced_allocate_free_shows_no_inuse) {
  heap::start();  // 512 KiB
  run_as_task(3, "balanced", [] {
    for (int i = 0; i < 200000; ++i) {
      auto* s = new std::string(200, 'x');
      escape(s);
      delete s;
    }
  });
  const auto t = task_totals(heap::profile(), "balanced");
  EXPECT_GT(t.alloc_space, 0);
  EXPECT_EQ(t.inuse_space, 0);
  EXPECT_EQ(t.inuse_objects, 0);
}

// 100 MB in 1000-byte allocations with 512 KiB sampling: about 190 samples. The thread's
// generator is seeded, so the run is reproducible (the estimator's spread over random
// seeds is checked in sampling_math_test).
TEST_F(heap_sampler_test, estimate_of_a_100_mb_stream_is_within_ten_percent) {
  heap::start();
  run_as_task(4, "stream", [] {
    coroscope::heap::detail::t_heap.rng = 0x5eed;
    coroscope::heap::detail::t_heap.epoch = 0;  // redraw the countdown with this seed
    coroscope::heap::detail::t_heap.bytes_until_sample = 0;
    for (int i = 0; i < 100000; ++i) {
      void* p = std::malloc(1000);
      escape(p);
      std::free(p);
    }
  });
  const auto t = task_totals(heap::profile(), "stream");
  EXPECT_NEAR(static_cast<double>(t.alloc_space), 100e6, 10e6);
  EXPECT_NEAR(static_cast<double>(t.alloc_objects), 100e3, 10e3);
  EXPECT_EQ(t.inuse_space, 0);
}

[[gnu::noinline]] void leak_one_iteration(std::vector<void*>& kept, int allocations) {
  for (int i = 0; i < allocations; ++i) kept.push_back(std::malloc(1000));
  escape(kept.data());
}

[[gnu::noinline]] void churn(int allocations) {
  for (int i = 0; i < allocations; ++i) {
    void* p = std::malloc(10000);
    escape(p);
    std::free(p);
  }
}

// The planted leak: each iteration of task "leaker" keeps 10 x 1000 bytes; "churner"
// allocates ten times more and frees it all. Snapshots after each iteration.
TEST_F(heap_sampler_test, leaking_task_is_the_top_suspect_with_its_stack) {
  start_every_allocation();
  std::vector<void*> kept;
  kept.reserve(100);
  std::vector<coroscope::heap_profile> snapshots;
  for (int iteration = 0; iteration < 5; ++iteration) {
    const std::uint64_t id = 100 + iteration;
    run_as_task(id, "leaker", [&] { leak_one_iteration(kept, 10); }, 1);
    run_as_task(200 + iteration, "churner", [] { churn(100); }, 0);
    heap::note_task_completed(id, "leak_test.cpp:42");
    snapshots.push_back(heap::profile());
  }
  const auto suspects = coroscope::leak_report(snapshots);
  ASSERT_FALSE(suspects.empty());
  const auto& top = suspects.front();
  EXPECT_EQ(top.task, "leaker");
  EXPECT_EQ(top.spawn_site, "leak_test.cpp:42");
  EXPECT_TRUE(top.reasons & coroscope::leak_growing);
  EXPECT_TRUE(top.reasons & coroscope::leak_outlived_task);
  EXPECT_EQ(top.growth_space, 4 * 10 * 1000);
  EXPECT_EQ(top.inuse_space, 5 * 10 * 1000);
  ASSERT_FALSE(top.stack.empty());
  EXPECT_NE(top.stack.front().function.find("leak_one_iteration"), std::string::npos)
      << coroscope::format_leak_report(suspects);
  for (const auto& s : suspects) EXPECT_NE(s.task, "churner");

  // The labels of the leaked allocations: task, id, worker, trace.
  bool labelled = false;
  for (const auto& s : snapshots.back().samples) {
    if (s.inuse_space == 0 || s.labels.count("task") == 0 || s.labels.at("task") != "leaker") continue;
    labelled = true;
    EXPECT_EQ(s.labels.at("worker"), "1");
    EXPECT_EQ(s.labels.at("task_state"), "completed");
    EXPECT_EQ(s.labels.at("trace_id"), "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    EXPECT_EQ(s.labels.at("span_id"), "b0b1b2b3b4b5b6b7");
    EXPECT_NE(s.oldest_alloc_ns, 0u);
  }
  EXPECT_TRUE(labelled);

  const coroscope::heap::memory_point point = heap::record_memory_point();
  EXPECT_GE(point.inuse_space, 50000);
  EXPECT_EQ(point.inuse_space_by_task.at("leaker"), 50000);
  EXPECT_GT(point.rss_bytes, 0);
  EXPECT_EQ(heap::memory_history().size(), 1u);

  if (have_go()) {
    temp_dir dir;
    const std::string path = (dir.path() / "heap.pb.gz").string();
    ASSERT_TRUE(heap::write_profile(path));
    const std::string top_text = go_pprof(dir, "-sample_index=inuse_space -top", path);
    EXPECT_EQ(top_text.find("[exit status"), std::string::npos) << top_text;
    EXPECT_NE(top_text.find("leak_one_iteration"), std::string::npos) << top_text;
  }
  for (void* p : kept) std::free(p);
}

// Many threads allocate, keep some, free the rest, while profiles are taken.
TEST_F(heap_sampler_test, many_threads_with_concurrent_profiles) {
  start_every_allocation();
  constexpr int kThreads = 8, kPerThread = 5000;
  profiling_gate gate(kThreads);
  std::vector<std::vector<void*>> kept(kThreads);
  for (auto& list : kept) list.reserve(kPerThread / 100);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      t_task.id = 1000 + static_cast<std::uint64_t>(t);
      t_task.worker = t;
      std::strncpy(t_task.name, "many", sizeof t_task.name - 1);
      for (int i = 0; i < kPerThread; ++i) {
        if (i == kPerThread / 2) gate.halfway();
        void* p = std::malloc(64 + static_cast<std::size_t>(i % 64));
        escape(p);
        if (i % 100 == 0)
          kept[static_cast<std::size_t>(t)].push_back(p);
        else
          std::free(p);
      }
      t_task = {};
      gate.finished();
    });
  }
  gate.profile_until_finished();
  for (auto& thread : threads) thread.join();
  const auto t = task_totals(heap::profile(), "many");
  EXPECT_EQ(t.alloc_objects, kThreads * kPerThread);
  EXPECT_EQ(t.inuse_objects, kThreads * kPerThread / 100);
  for (auto& list : kept)
    for (void* p : list) std::free(p);
  EXPECT_EQ(task_totals(heap::profile(), "many").inuse_objects, 0);
}

TEST_F(heap_sampler_test, stop_keeps_tracking_frees_and_start_resets) {
  start_every_allocation();
  void* p = nullptr;
  run_as_task(7, "stopper", [&] { p = std::malloc(777); });
  heap::stop();
  EXPECT_FALSE(heap::running());
  run_as_task(7, "stopper", [] {
    void* q = std::malloc(555);  // not sampled: stopped
    escape(q);
    std::free(q);
  });
  EXPECT_EQ(task_totals(heap::profile(), "stopper").inuse_space, 777);
  EXPECT_EQ(task_totals(heap::profile(), "stopper").alloc_objects, 1);
  std::free(p);
  EXPECT_EQ(task_totals(heap::profile(), "stopper").inuse_space, 0);
  start_every_allocation();
  EXPECT_EQ(task_totals(heap::profile(), "stopper").alloc_objects, 0);
}

}  // namespace
