// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// The sampler against real signals. Sampled pcs are checked with dladdr (the executable is
// linked with -rdynamic), not with the symbolizer.
#include <coroscope/sampler.hpp>

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace sampling = coroscope::sampling;
using sampling::raw_sample;

// The planted functions. extern "C" and exported, so dladdr names them.
extern "C" {
__attribute__((noinline)) std::uint64_t coroscope_test_burn(std::uint64_t iterations) {
  volatile std::uint64_t x = 1;
  for (std::uint64_t i = 0; i < iterations; ++i) x = x * 2862933555777941757ull + i;
  return x;
}
__attribute__((noinline)) std::uint64_t coroscope_test_outer(std::uint64_t iterations) {
  const std::uint64_t r = coroscope_test_burn(iterations);
  asm volatile("" ::: "memory");  // keep the call from becoming a tail call
  return r;
}
}

namespace {

using clock_type = std::chrono::steady_clock;

// TSan defers asynchronous signals to its next interceptor call and hands the handler the
// context of that point, so under TSan sampled pcs are not where the thread was burning:
// there the tests check that samples arrive and walk, not where they point.
#if defined(__SANITIZE_THREAD__)
constexpr bool kSignalsDeferred = true;
#else
constexpr bool kSignalsDeferred = false;
#endif

bool walked(const raw_sample& s) { return s.depth >= 1; }
constexpr auto kDeadline = std::chrono::seconds(20);
constexpr std::uint64_t kChunk = 2'000'000;  // a few ms of CPU per burn

bool in_function(std::uintptr_t pc, const void* function) {
  Dl_info info{};
  return dladdr(reinterpret_cast<void*>(pc), &info) != 0 && info.dli_saddr == function;
}

bool hits_burn(const raw_sample& s) {
  return s.depth >= 1 && in_function(s.pcs[0], reinterpret_cast<const void*>(&coroscope_test_burn));
}

bool hits_burn_from_outer(const raw_sample& s) {
  return hits_burn(s) && s.depth >= 2 &&
         in_function(s.pcs[1], reinterpret_cast<const void*>(&coroscope_test_outer));
}

// Burns CPU on this thread, draining as it goes, until `done(samples so far)` or the
// deadline. Returns every sample drained.
std::vector<raw_sample> burn_until(const std::function<bool(const std::vector<raw_sample>&)>& done) {
  std::vector<raw_sample> samples;
  const auto deadline = clock_type::now() + kDeadline;
  while (clock_type::now() < deadline) {
    coroscope_test_outer(kChunk);
    sampling::drain(samples);
    if (done(samples)) break;
  }
  return samples;
}

std::size_t count_if(const std::vector<raw_sample>& samples, bool (*pred)(const raw_sample&)) {
  std::size_t n = 0;
  for (const raw_sample& s : samples) n += pred(s) ? 1 : 0;
  return n;
}

class Sampler : public ::testing::Test {
 protected:
  void SetUp() override {
    sampling::stop();
    sampling::set_context_hook(nullptr);
    std::vector<raw_sample> discard;
    sampling::drain(discard);
  }
  void TearDown() override {
    sampling::stop();
    sampling::set_context_hook(nullptr);
    sampling::unregister_current_thread();
    std::vector<raw_sample> discard;
    sampling::drain(discard);
    sampling::configure({});
  }
  static void configure(unsigned hz, sampling::unwinder unwind = sampling::unwinder::frame_pointer,
                        sampling::sample_clock clock = sampling::sample_clock::cpu) {
    sampling::configure({.frequency_hz = hz, .clock = clock, .unwind = unwind});
  }
};

TEST_F(Sampler, FramePointerWalkFindsThePlantedFunctionAndItsCaller) {
  configure(999);
  ASSERT_TRUE(sampling::register_current_thread());
  ASSERT_TRUE(sampling::start());
  auto* check = kSignalsDeferred ? walked : hits_burn_from_outer;
  const auto samples = burn_until([check](const auto& s) { return count_if(s, check) >= 10; });
  EXPECT_GE(count_if(samples, check), 10u);
  const pid_t tid = static_cast<pid_t>(gettid());
  for (const raw_sample& s : samples) {
    EXPECT_EQ(s.tid, tid);
    EXPECT_GE(s.weight_ns, 1'001'001u);  // at least one period of 999 Hz
    EXPECT_GT(s.timestamp_ns, 1'600'000'000'000'000'000u);
    EXPECT_LE(s.depth, sampling::kMaxFrames);
    EXPECT_EQ(s.context.task_id, 0u);  // no hook
    EXPECT_EQ(s.context.worker, -1);
  }
  const auto st = sampling::stats();
  EXPECT_GE(st.samples, samples.size());
  EXPECT_EQ(st.threads, 1u);
  EXPECT_GT(st.mean_sample_cost_ns, 0u);
}

TEST_F(Sampler, LibunwindBackendFindsThePlantedFunction) {
  configure(999, sampling::unwinder::libunwind);
  ASSERT_TRUE(sampling::register_current_thread());
  ASSERT_TRUE(sampling::start());
  auto* check = kSignalsDeferred ? walked : hits_burn_from_outer;
  const auto samples = burn_until([check](const auto& s) { return count_if(s, check) >= 10; });
  EXPECT_GE(count_if(samples, check), 10u);
}

// The hook stands in for the probe's: it reads this thread's state.
thread_local std::uint64_t t_fake_task = 0;

void fake_probe_hook(sampling::sample_context& ctx) noexcept {
  if (t_fake_task == 0) return;
  ctx.task_id = t_fake_task;
  ctx.worker = 2;
  std::strncpy(ctx.task_name, "accept-loop", sizeof ctx.task_name - 1);
  ctx.has_trace = true;
  for (int i = 0; i < 16; ++i) ctx.trace_id[i] = static_cast<std::uint8_t>(i + 1);
  for (int i = 0; i < 8; ++i) ctx.span_id[i] = static_cast<std::uint8_t>(0xf0 + i);
  ctx.async_depth = 2;
  ctx.async_pcs[0] = 0x1234;
  ctx.async_pcs[1] = 0x5678;
}

TEST_F(Sampler, ContextHookValuesLandInSamples) {
  configure(999);
  sampling::set_context_hook(fake_probe_hook);
  ASSERT_TRUE(sampling::register_current_thread());
  ASSERT_TRUE(sampling::start());
  t_fake_task = 77;
  const auto samples = burn_until([](const auto& s) { return s.size() >= 5; });
  t_fake_task = 0;
  ASSERT_GE(samples.size(), 5u);
  for (const raw_sample& s : samples) {
    EXPECT_EQ(s.context.task_id, 77u);
    EXPECT_EQ(s.context.worker, 2);
    EXPECT_STREQ(s.context.task_name, "accept-loop");
    EXPECT_TRUE(s.context.has_trace);
    EXPECT_EQ(s.context.trace_id[15], 16);
    EXPECT_EQ(s.context.span_id[7], 0xf7);
    ASSERT_EQ(s.context.async_depth, 2);
    EXPECT_EQ(s.context.async_pcs[0], 0x1234u);
    EXPECT_EQ(s.context.async_pcs[1], 0x5678u);
  }
}

TEST_F(Sampler, StopStopsSamples) {
  configure(999);
  ASSERT_TRUE(sampling::register_current_thread());
  ASSERT_TRUE(sampling::start());
  ASSERT_FALSE(burn_until([](const auto& s) { return s.size() >= 5; }).empty());
  sampling::stop();
  EXPECT_FALSE(sampling::running());
  std::vector<raw_sample> after;
  sampling::drain(after);  // whatever was written before stop() returned
  after.clear();
  const std::uint64_t before = sampling::stats().samples;
  for (int i = 0; i < 50; ++i) coroscope_test_outer(kChunk);  // ~100 periods of CPU
  EXPECT_EQ(sampling::drain(after), 0u);
  EXPECT_EQ(sampling::stats().samples, before);
  // And it starts again.
  ASSERT_TRUE(sampling::start());
  EXPECT_FALSE(burn_until([](const auto& s) { return !s.empty(); }).empty());
}

TEST_F(Sampler, FullRingDropsAreCounted) {
  sampling::configure({.frequency_hz = 999, .ring_samples = 4});
  ASSERT_TRUE(sampling::register_current_thread());
  ASSERT_TRUE(sampling::start());
  const std::uint64_t dropped_before = sampling::stats().dropped_ring_full;
  const auto deadline = clock_type::now() + kDeadline;
  while (sampling::stats().dropped_ring_full == dropped_before && clock_type::now() < deadline)
    coroscope_test_outer(kChunk);  // no drain
  sampling::stop();
  EXPECT_GT(sampling::stats().dropped_ring_full, dropped_before);
  std::vector<raw_sample> samples;
  EXPECT_EQ(sampling::drain(samples), 4u);  // the ring held exactly its capacity
}

TEST_F(Sampler, DropsOfAThreadThatEndedStayCounted) {
  sampling::configure({.frequency_hz = 999, .ring_samples = 4});
  ASSERT_TRUE(sampling::start());
  const std::uint64_t dropped_before = sampling::stats().dropped_ring_full;
  std::uint64_t dropped_by_thread = 0;
  std::thread([&] {
    ASSERT_TRUE(sampling::register_current_thread());
    const auto deadline = clock_type::now() + kDeadline;
    while (sampling::stats().dropped_ring_full == dropped_before && clock_type::now() < deadline)
      coroscope_test_outer(kChunk);  // no drain
    sampling::unregister_current_thread();
    dropped_by_thread = sampling::stats().dropped_ring_full - dropped_before;
  }).join();
  sampling::stop();
  ASSERT_GT(dropped_by_thread, 0u);
  std::vector<raw_sample> samples;
  sampling::drain(samples);  // frees the ended thread's slot
  EXPECT_GE(sampling::stats().dropped_ring_full - dropped_before, dropped_by_thread);
}

TEST_F(Sampler, SignalInAnUnregisteredThreadIsCountedAndHarmless) {
  configure(99);
  ASSERT_TRUE(sampling::start());  // installs the handler
  const std::uint64_t before = sampling::stats().dropped_other;
  std::thread([] { raise(SIGPROF); }).join();
  EXPECT_EQ(sampling::stats().dropped_other, before + 1);
  sampling::stop();  // the handler stays installed: still harmless
  std::thread([] { raise(SIGPROF); }).join();
  EXPECT_EQ(sampling::stats().dropped_other, before + 2);
  std::vector<raw_sample> samples;
  EXPECT_EQ(sampling::drain(samples), 0u);
}

TEST_F(Sampler, WallClockModeSamplesASleepingThread) {
  configure(499, sampling::unwinder::frame_pointer, sampling::sample_clock::wall);
  std::atomic<bool> quit{false};
  std::atomic<pid_t> sleeper_tid{0};
  std::thread sleeper([&] {
    sampling::register_current_thread();
    sleeper_tid.store(static_cast<pid_t>(gettid()));
    while (!quit.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (sleeper_tid.load() == 0) std::this_thread::yield();
  ASSERT_TRUE(sampling::start());
  std::vector<raw_sample> samples;
  std::size_t sleeper_samples = 0;
  const auto deadline = clock_type::now() + kDeadline;
  while (sleeper_samples < 10 && clock_type::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the workload: wait, don't burn
    samples.clear();
    sampling::drain(samples);
    for (const raw_sample& s : samples) sleeper_samples += s.tid == sleeper_tid.load() ? 1 : 0;
  }
  quit.store(true);
  sleeper.join();
  EXPECT_GE(sleeper_samples, 10u);
}

TEST_F(Sampler, GovernorLowersTheRateWhenOverBudget) {
  sampling::configure({.frequency_hz = 999, .max_overhead = 1e-7});
  ASSERT_TRUE(sampling::register_current_thread());
  ASSERT_TRUE(sampling::start());
  EXPECT_EQ(sampling::stats().effective_hz, 999);
  // Any real handler costs more than 0.1 µs per second of CPU at 999 Hz.
  const auto samples =
      burn_until([](const auto&) { return sampling::stats().effective_hz < 999; });
  const auto st = sampling::stats();
  EXPECT_LT(st.effective_hz, 999);
  EXPECT_GE(st.effective_hz, 1);
  EXPECT_EQ(st.requested_hz, 999);
  EXPECT_GT(st.measured_overhead, 0);
  // The timer was re-armed: later samples stand for the longer period.
  const auto more = burn_until([](const auto& s) { return !s.empty(); });
  ASSERT_FALSE(more.empty());
  EXPECT_GT(more.back().weight_ns, 1'001'001u);
}

TEST_F(Sampler, ForkChildComesUpStoppedAndCanSample) {
  configure(999);
  ASSERT_TRUE(sampling::register_current_thread());
  std::atomic<bool> quit{false};
  std::thread other([&] {  // a second sampled thread, absent in the child
    sampling::register_current_thread();
    while (!quit.load()) coroscope_test_burn(kChunk / 4);
  });
  ASSERT_TRUE(sampling::start());
  ASSERT_FALSE(burn_until([](const auto& s) { return s.size() >= 3; }).empty());
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // No gtest in the child: the exit code says what went wrong.
    if (sampling::running()) _exit(10);
    const auto st = sampling::stats();
    if (st.threads != 1 || st.samples != 0) _exit(11);
    std::vector<raw_sample> samples;
    for (int i = 0; i < 20; ++i) coroscope_test_outer(kChunk);  // no timers: no signals
    if (sampling::drain(samples) != 0) _exit(12);
    if (!sampling::start()) _exit(13);
    const auto deadline = clock_type::now() + kDeadline;
    while (samples.empty() && clock_type::now() < deadline) {
      coroscope_test_outer(kChunk);
      sampling::drain(samples);
    }
    sampling::stop();
    _exit(samples.empty() ? 14 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  quit.store(true);
  other.join();
  ASSERT_TRUE(WIFEXITED(status)) << "child died with signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(sampling::running());  // the parent goes on
}

TEST_F(Sampler, ThreadsExitingWhileSampledKeepTheirSamples) {
  configure(999);
  ASSERT_TRUE(sampling::start());
  const unsigned threads_before = sampling::stats().threads;
  std::mutex tids_mutex;
  std::set<pid_t> tids;
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      ASSERT_TRUE(sampling::register_current_thread());
      {
        std::lock_guard lock(tids_mutex);
        tids.insert(static_cast<pid_t>(gettid()));
      }
      const std::uint64_t start = sampling::stats().samples;
      const auto deadline = clock_type::now() + kDeadline;
      while (sampling::stats().samples < start + 5 && clock_type::now() < deadline)
        coroscope_test_outer(kChunk);
    });  // exits while its timer is armed, without unregistering by hand
  }
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(sampling::stats().threads, threads_before);
  std::vector<raw_sample> samples;
  sampling::drain(samples);
  std::size_t from_exited = 0;
  for (const raw_sample& s : samples) from_exited += tids.count(s.tid);
  EXPECT_GT(from_exited, 0u);
  // The exited threads' slots are gone once drained: a second drain finds nothing.
  samples.clear();
  EXPECT_EQ(sampling::drain(samples), 0u);
}

// Many short threads registering, sampled and exiting at a high rate while a consumer
// drains and another thread dlopens (for the ASan and TSan builds: no crash, no report).
TEST_F(Sampler, ChurningThreadsUnderSampling) {
  configure(999);
  ASSERT_TRUE(sampling::start());
  std::atomic<bool> quit{false};
  std::vector<raw_sample> samples;
  std::thread consumer([&] {
    while (!quit.load()) {
      sampling::drain(samples);
      std::this_thread::yield();
    }
  });
  std::thread loader([&] {  // libraries come and go while sampled threads run
    sampling::register_current_thread();
    while (!quit.load()) {
      if (void* lib = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL)) dlclose(lib);
    }
  });
  for (int round = 0; round < 10; ++round) {
    std::vector<std::thread> batch;
    for (int i = 0; i < 4; ++i)
      batch.emplace_back([] {
        sampling::register_current_thread();
        coroscope_test_outer(kChunk);
        if (gettid() % 2 == 0) sampling::unregister_current_thread();  // half by hand
      });
    for (std::thread& t : batch) t.join();
  }
  quit.store(true);
  consumer.join();
  loader.join();
  sampling::drain(samples);
  EXPECT_EQ(sampling::stats().threads, 0u);
  EXPECT_FALSE(samples.empty());
}

TEST_F(Sampler, RegistrationIsOncePerThread) {
  EXPECT_TRUE(sampling::register_current_thread());
  EXPECT_FALSE(sampling::register_current_thread());
  EXPECT_EQ(sampling::stats().threads, 1u);
  sampling::unregister_current_thread();
  EXPECT_EQ(sampling::stats().threads, 0u);
  sampling::unregister_current_thread();  // harmless
  EXPECT_TRUE(sampling::register_current_thread());
}

TEST_F(Sampler, BadOptionsAreRejectedWithAMessage) {
  EXPECT_THROW(sampling::configure({.frequency_hz = 0}), std::invalid_argument);
  EXPECT_THROW(sampling::configure({.frequency_hz = 200'000}), std::invalid_argument);
  EXPECT_THROW(sampling::configure({.max_overhead = 0}), std::invalid_argument);
  EXPECT_THROW(sampling::configure({.max_overhead = 1.5}), std::invalid_argument);
  EXPECT_THROW(sampling::configure({.ring_samples = 0}), std::invalid_argument);
  try {
    sampling::configure({.frequency_hz = 0});
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("frequency_hz"), std::string::npos);
  }
  EXPECT_EQ(sampling::options().frequency_hz, 99u);  // unchanged
  ASSERT_TRUE(sampling::start());
  EXPECT_THROW(sampling::configure({}), std::logic_error);
}

}  // namespace
