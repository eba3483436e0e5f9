// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Issue 14: tasks that spend their time awaiting `post` and `dispatch`. Most samples then
// land in Asio's initiation of the awaited operation, after the coroutine suspended: the
// running coroutine is not on the native stack, and the profile used to keep the worker's
// whole native stack (thread start, io_context::run, the probe's poll entry) on top of the
// async frames. Every task sample must now stop above the worker's run loop.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "coroscope/coroscope.hpp"
#include "coroscope/function_names.hpp"

namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using namespace std::chrono_literals;

constexpr int kEnoughTaskSamples = 100;
constexpr auto kRound = 300ms;

// Frames of a worker's run loop and thread start (short names: Asio's frames carry
// coroscope's types as template arguments): none may be in a task's stack. The profile
// builder's own list is not used here.
constexpr std::array<std::string_view, 8> kWorkerFrames = {
    "boost::asio::io_context::run",
    "boost::asio::detail::scheduler::do_run_one",
    "boost::asio::detail::scheduler::run",
    "boost::asio::detail::scheduler_operation::complete",
    "start_thread",
    "std::thread::_State_impl<...>::_M_run",
    "coroscope::detail::probe_core::worker_main",
    "boost::asio::detail::awaitable_thread<...>::pump"};

awaitable<void> post_loop(std::chrono::steady_clock::time_point end) {
  const auto ex = co_await boost::asio::this_coro::executor;
  while (std::chrono::steady_clock::now() < end) co_await boost::asio::post(ex, use_awaitable);
}

awaitable<void> dispatch_loop(std::chrono::steady_clock::time_point end) {
  const auto ex = co_await boost::asio::this_coro::executor;
  while (std::chrono::steady_clock::now() < end) {
    co_await boost::asio::dispatch(ex, use_awaitable);
    co_await boost::asio::post(ex, use_awaitable);  // dispatch alone would never suspend
  }
}

// With an async stack (TIMED_AWAIT records the task's root).
awaitable<void> awaits_posts(std::chrono::steady_clock::time_point end) { TIMED_AWAIT(post_loop(end)); }
awaitable<void> awaits_dispatches(std::chrono::steady_clock::time_point end) {
  TIMED_AWAIT(dispatch_loop(end));
}

std::vector<std::string> names_of(const coroscope::cpu_profile& p, const coroscope::sample& s) {
  std::vector<std::string> names;
  for (const auto& f : p.frames_of(s)) names.push_back(f.is_task_frame ? "task:" + f.function : f.function);
  return names;
}

bool mentions(const std::vector<std::string>& names, std::string_view needle) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return n.find(needle) != std::string::npos; });
}

class InitiationProfile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    boost::asio::io_context io;
    coroscope::probe p{io, {.sample_hz = 1000, .max_overhead = 0.05}};
    p.start_cpu_profile();
    int task_samples = 0;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    auto profile = std::make_unique<coroscope::cpu_profile>();
    do {
      const auto end = std::chrono::steady_clock::now() + kRound;
      boost::asio::co_spawn(p.executor("posts"), awaits_posts(end), boost::asio::detached);
      boost::asio::co_spawn(p.executor("dispatches"), awaits_dispatches(end), boost::asio::detached);
      // No TIMED_AWAIT, so no async stack: the task frame goes right above the boundary.
      boost::asio::co_spawn(p.executor("bare-posts"), post_loop(end), boost::asio::detached);
      p.run(2);
      io.restart();
      coroscope::cpu_profile round = p.stop_cpu_profile();
      for (auto& s : round.samples) {
        if (s.labels.count("task") != 0) ++task_samples;
        s.stack = profile->add_frames(round.frames_of(s));  // its indices were into round.frames
        profile->samples.push_back(std::move(s));
      }
      p.start_cpu_profile();
    } while (task_samples < kEnoughTaskSamples && std::chrono::steady_clock::now() < deadline);
    (void)p.stop_cpu_profile();
    profile_ = profile.release();
  }
  static void TearDownTestSuite() { delete profile_; }

  static coroscope::cpu_profile* profile_;
};
coroscope::cpu_profile* InitiationProfile::profile_ = nullptr;

TEST_F(InitiationProfile, NoTaskSampleHoldsTheWorkersRunLoop) {
  int task_samples = 0;
  for (const auto& s : profile_->samples) {
    const auto names = names_of(*profile_, s);
    const std::vector<coroscope::frame> stack = profile_->frames_of(s);
    const bool task_root = !stack.empty() && stack.back().is_task_frame;
    ASSERT_EQ(task_root, s.labels.count("task") != 0) << testing::PrintToString(names);
    if (!task_root) continue;
    ++task_samples;
    for (std::size_t i = 0; i + 1 < stack.size(); ++i) {
      const std::string name = coroscope::short_function_name(stack[i].function);
      EXPECT_EQ(std::find(kWorkerFrames.begin(), kWorkerFrames.end(), name), kWorkerFrames.end())
          << name << " in " << testing::PrintToString(names);
      // coroscope's own frames are not the task's either.
      EXPECT_FALSE(name.starts_with("coroscope::")) << name << " in " << testing::PrintToString(names);
    }
    // Asio's pump and an initiation at most, then the awaiting coroutines.
    EXPECT_LE(stack.size(), 40u) << testing::PrintToString(names);
  }
  EXPECT_GE(task_samples, kEnoughTaskSamples);
}

TEST_F(InitiationProfile, SamplesInInitiationsKeepTheAsyncChain) {
  // The case that broke: the coroutine suspended, Asio initiating the post or dispatch.
  // (A sample whose task another worker has begun to poll meanwhile has no async chain:
  // the walk is dropped then, see ARCHITECTURE.md.)
  int in_initiation = 0;
  int with_chain = 0;
  for (const auto& s : profile_->samples) {
    const auto names = names_of(*profile_, s);
    if (s.labels.count("task") == 0 || s.labels.at("task") == "bare-posts") continue;
    if (!mentions(names, "initiate_post") && !mentions(names, "initiate_dispatch")) continue;
    ++in_initiation;
    const bool posts = s.labels.at("task") == "posts";
    const char* loop = posts ? "post_loop" : "dispatch_loop";
    const char* outer = posts ? "awaits_posts" : "awaits_dispatches";
    if (!mentions(names, loop)) continue;
    ++with_chain;
    const auto at = [&](std::string_view needle) {
      return std::find_if(names.begin(), names.end(),
                          [&](const std::string& n) { return n.find(needle) != std::string::npos; }) -
             names.begin();
    };
    EXPECT_LT(at(loop), at(outer)) << testing::PrintToString(names);
    std::vector<std::string> short_names;
    for (const auto& n : names) short_names.push_back(coroscope::short_function_name(n));
    EXPECT_EQ(at(outer), static_cast<std::ptrdiff_t>(names.size()) - 2) << testing::PrintToString(short_names);
    EXPECT_EQ(names.back(), "task:" + s.labels.at("task"));
  }
  std::printf("[ info ] %d samples in initiations, %d of them with the async chain\n", in_initiation, with_chain);
  EXPECT_GT(with_chain, 0) << "no sample in an initiation with its async chain: the test did not test the case";
}

}  // namespace
