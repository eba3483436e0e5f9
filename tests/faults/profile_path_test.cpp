// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// COROSCOPE_CPU_PROFILE pointing where nothing can be written: one clear line on stderr,
// and the service runs to its end as if profiling were off.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>

#include "../support/scoped_env.hpp"
#include "fault_support.hpp"

namespace {

using coroscope::fault_test::short_task;

using coroscope::test::scoped_env;

TEST(ProfilePathFault, UnwritablePathIsOneLineAndTheServiceFinishes) {
  constexpr int kTasks = 200;
  std::atomic<int> done{0};
  testing::internal::CaptureStderr();
  {
    scoped_env env("COROSCOPE_CPU_PROFILE", "/nonexistent/x.pb.gz");
    boost::asio::io_context io;
    coroscope::probe probe{io, {.service_name = "fault-profile-path"}};
    EXPECT_EQ(probe.options().cpu_profile_path, "/nonexistent/x.pb.gz");
    for (int i = 0; i < kTasks; ++i)
      boost::asio::co_spawn(probe.executor("short"), short_task(done, 4, 20'000),
                            boost::asio::detached);
    probe.run(2);
  }  // the profile is written (and fails) here, at probe end
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(done.load(), kTasks);

  int lines = 0;
  std::string line, complaint;
  std::istringstream in(err);
  while (std::getline(in, line))
    if (line.find("COROSCOPE_CPU_PROFILE") != std::string::npos) {
      ++lines;
      complaint = line;
    }
  EXPECT_EQ(lines, 1) << err;
  EXPECT_NE(complaint.find("/nonexistent/x.pb.gz"), std::string::npos) << complaint;
  EXPECT_EQ(complaint.rfind("coroscope: ", 0), 0u) << complaint;
}

}  // namespace
