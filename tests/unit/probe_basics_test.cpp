// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "co_test.hpp"
#include "coroscope/coroscope.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

const coroscope::task_info* find_task(const coroscope::snapshot& s, std::string_view name) {
  for (const auto& t : s.tasks)
    if (t.name == name) return &t;
  return nullptr;
}

asio::awaitable<void> yield_times(int n) {
  for (int i = 0; i < n; ++i) co_await asio::post(asio::use_awaitable);
}

}  // namespace

TEST(Probe, TaskIsTrackedWithPollsAndCompletion) {
  asio::io_context io;
  coroscope::probe probe{io, {.service_name = "unit"}};
  coroscope::test::run_task(probe, "yielder", yield_times(10));
  const auto s = probe.snapshot();
  const auto* t = find_task(s, "yielder");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->state, coroscope::task_state::completed);
  // co_spawn's entry dispatch + 10 posts + the final post back, all resumptions of the task.
  EXPECT_GE(t->polls, 11u);
  EXPECT_EQ(t->self_wakes, 10u + (t->polls - 11u));
  EXPECT_EQ(s.tasks_spawned, 1u);
  EXPECT_EQ(s.tasks_completed, 1u);
  EXPECT_EQ(s.service_name, "unit");
  EXPECT_NE(t->spawn_location.file.find("co_test.hpp"), std::string::npos);
}
