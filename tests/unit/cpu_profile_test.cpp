// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// End to end: a probe, the sampler, async stacks and the symbolizer, on planted hot
// functions in named tasks.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "coroscope/coroscope.hpp"
#include "coroscope/core/cpu_windows.hpp"

namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using namespace std::chrono_literals;

constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kSpanId = "00f067aa0ba902b7";
constexpr int kEnoughSamples = 100;

std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// Pure arithmetic between rare clock reads, so samples land in these functions and not in
// the clock's code. Each loop is written out so that each function is its own leaf.
#define COROSCOPE_TEST_SPIN(cpu)                                                         \
  const auto end = thread_cpu_time() + (cpu);                                            \
  volatile std::uint64_t x = 1;                                                          \
  while (thread_cpu_time() < end)                                                        \
    for (int i = 0; i < 200000; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL

[[gnu::noinline]] void planted_hot_function() { COROSCOPE_TEST_SPIN(400ms); }
[[gnu::noinline]] void planted_cold_function() { COROSCOPE_TEST_SPIN(80ms); }

awaitable<void> yield() {
  co_await boost::asio::post(co_await boost::asio::this_coro::executor, use_awaitable);
}

awaitable<void> parse_body() {
  TIMED_AWAIT(yield());
  planted_hot_function();
}

awaitable<void> handle_request() {
  coroscope::this_task::set_trace_context(coroscope::trace_context::from_hex(kTraceId, kSpanId));
  co_await parse_body();
}

awaitable<void> cold_path() {
  planted_cold_function();
  co_return;
}

bool has_frame(const coroscope::cpu_profile& p, const coroscope::sample& s, const std::string& needle) {
  return std::any_of(s.stack.begin(), s.stack.end(), [&](std::uint32_t i) {
    return p.frames[i].function.find(needle) != std::string::npos;
  });
}

class CpuProfile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    boost::asio::io_context io;
    coroscope::probe p{io, {.sample_hz = 500}};
    p.start_cpu_profile();
    // The sampler's counters are process-wide: count only this profile's samples.
    const std::uint64_t before = p.sampler_stats().samples;
    // One round is enough normally. Where the handler is slow (TSan, a loaded machine) the
    // overhead governor (1% by default) can lower the rate: then more rounds of the same
    // work, until the shares rest on enough samples.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    do {
      boost::asio::co_spawn(p.executor("hot-task"), handle_request(), boost::asio::detached);
      boost::asio::co_spawn(p.executor("cold-task"), cold_path(), boost::asio::detached);
      p.run(1);
      io.restart();
    } while (p.sampler_stats().samples - before < kEnoughSamples &&
             std::chrono::steady_clock::now() < deadline);
    profile_ = new coroscope::cpu_profile(p.stop_cpu_profile());
  }
  static void TearDownTestSuite() { delete profile_; }

  static coroscope::cpu_profile* profile_;
};
coroscope::cpu_profile* CpuProfile::profile_ = nullptr;

TEST_F(CpuProfile, HottestFunctionAndTaskComeOutOnTop) {
  std::map<std::string, std::int64_t> self, by_task;
  std::int64_t total = 0;
  for (const auto& s : profile_->samples) {
    total += s.count;
    if (!s.stack.empty()) self[profile_->frames[s.stack.front()].function] += s.count;
    const auto task = s.labels.find("task");
    by_task[task == s.labels.end() ? "(none)" : task->second] += s.count;
  }
  ASSERT_GE(total, kEnoughSamples) << "too few samples to judge";
  const auto hottest = std::max_element(self.begin(), self.end(), [](auto& a, auto& b) {
    return a.second < b.second;
  });
  EXPECT_NE(hottest->first.find("planted_hot_function"), std::string::npos) << hottest->first;
  const auto hottest_task = std::max_element(
      by_task.begin(), by_task.end(), [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_EQ(hottest_task->first, "hot-task");
  EXPECT_GT(by_task["cold-task"], 0);
  EXPECT_GT(by_task["hot-task"], 2 * by_task["cold-task"]);
}

TEST_F(CpuProfile, SamplesInATaskCarryItsLabelsAndTraceContext) {
  int hot = 0;
  for (const auto& s : profile_->samples) {
    if (!has_frame(*profile_, s, "planted_hot_function")) continue;
    ++hot;
    EXPECT_EQ(s.labels.at("task"), "hot-task");
    EXPECT_EQ(s.labels.at("trace_id"), kTraceId);
    EXPECT_EQ(s.labels.at("span_id"), kSpanId);
    EXPECT_EQ(s.labels.at("worker"), "0");
    EXPECT_NE(s.labels.at("task_id"), "0");
  }
  EXPECT_GT(hot, 0);
}

TEST_F(CpuProfile, AsyncStackShowsTheAwaitingCoroutineChainUnderTheTask) {
  int checked = 0;
  for (const auto& s : profile_->samples) {
    if (!has_frame(*profile_, s, "planted_hot_function")) continue;
    ++checked;
    // Leaf first: ... planted_hot_function, parse_body, handle_request, task:hot-task.
    std::vector<std::string> names;
    for (const auto& f : profile_->frames_of(s))
      names.push_back(f.is_task_frame ? "task:" + f.function : f.function);
    const auto at = [&](const std::string& needle) {
      return std::find_if(names.begin(), names.end(), [&](const std::string& n) {
               return n.find(needle) != std::string::npos;
             }) - names.begin();
    };
    const auto hot = at("planted_hot_function"), parse = at("parse_body"),
               handler = at("handle_request");
    ASSERT_LT(hot, parse) << ::testing::PrintToString(names);
    ASSERT_LT(parse, handler) << ::testing::PrintToString(names);
    EXPECT_EQ(names.back(), "task:hot-task") << ::testing::PrintToString(names);
    // Asio's machinery below the coroutines is gone.
    EXPECT_EQ(at("io_context::run"), static_cast<std::ptrdiff_t>(names.size()));
  }
  EXPECT_GT(checked, 0);
}

// Plain Asio, written without coroscope in mind: nobody named this coroutine.
awaitable<void> burner_nobody_named(boost::asio::steady_timer& go) {
  co_await go.async_wait(boost::asio::as_tuple(use_awaitable));  // cancelled to start
  planted_hot_function();
}

bool has_task_named(const coroscope::snapshot& s, const std::string& name) {
  return std::any_of(s.tasks.begin(), s.tasks.end(),
                     [&](const coroscope::task_info& t) { return t.name == name; });
}

TEST(CpuProfileOfPlainCode, SamplesOfACoroutineNobodyNamedCarryItsFunctionName) {
  boost::asio::io_context io;
  coroscope::probe p{io, {.sample_hz = 500}};
  boost::asio::steady_timer go(io, boost::asio::steady_timer::time_point::max());
  boost::asio::co_spawn(io, burner_nobody_named(go), boost::asio::detached);
  std::thread worker([&io] { io.run(); });
  // The probe names the task after its coroutine off the hot path: wait until it has.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!has_task_named(p.snapshot(), "burner_nobody_named") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  p.start_cpu_profile();
  boost::asio::post(io, [&go] { go.cancel(); });
  worker.join();
  const auto profile = p.stop_cpu_profile();

  std::int64_t hot = 0;
  for (const auto& s : profile.samples) {
    if (!has_frame(profile, s, "planted_hot_function")) continue;
    hot += s.count;
    EXPECT_EQ(s.labels.at("task"), "burner_nobody_named");
    EXPECT_NE(s.labels.at("task_id"), "0");
    ASSERT_FALSE(s.stack.empty());
    const coroscope::frame& root = profile.frames[s.stack.back()];
    EXPECT_TRUE(root.is_task_frame);
    EXPECT_EQ(root.function, "burner_nobody_named");
  }
  EXPECT_GT(hot, 0);
}

// The last window's close stops the drain thread and joins it. A window opened by another
// thread meanwhile (the console's live flamegraph beside a /debug/pprof/profile) used to
// revive the drain thread being joined, and the closing thread waited forever.
TEST(CpuProfileWindows, OpenedAndClosedFromTwoThreadsNeverHangAClose) {
  const coroscope::sampling::sampler_options options{.frequency_hz = 997};
  constexpr int kWindows = 300;
  const auto open_and_close = [&] {
    for (int i = 0; i < kWindows; ++i)
      (void)coroscope::detail::close_cpu_window(coroscope::detail::open_cpu_window(options));
  };
  std::thread other(open_and_close);
  open_and_close();
  other.join();
  EXPECT_FALSE(coroscope::sampling::running());
}

TEST(CpuProfileApi, StopWithoutStartGivesAnEmptyProfile) {
  boost::asio::io_context io;
  coroscope::probe p{io};
  EXPECT_TRUE(p.stop_cpu_profile().samples.empty());
}

}  // namespace
