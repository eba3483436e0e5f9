// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The probe links the heap sampler for task attribution, but a program that does not link
// coroscope::heap keeps its own allocator: with COROSCOPE_HEAP_PROFILE set, the probe
// neither starts sampling (it would see nothing) nor writes an empty profile.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "coroscope/coroscope.hpp"
#include "coroscope/heap.hpp"

namespace {

namespace asio = boost::asio;

TEST(HeapLink, WithoutCoroscopeHeapTheProbeNeitherSamplesNorWritesAProfile) {
  ASSERT_FALSE(coroscope::heap::interposed()) << "this suite must not link coroscope::heap";
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("coroscope-heap-link-" + std::to_string(::getpid()) + ".pb.gz");
  ::setenv("COROSCOPE_HEAP_PROFILE", path.c_str(), 1);
  bool sampling_during_run = true;
  {
    asio::io_context io;
    coroscope::probe probe{io, {.service_name = "heap-link"}};
    asio::co_spawn(probe.executor("allocates"), [&]() -> asio::awaitable<void> {
      sampling_during_run = coroscope::heap::running();
      co_return;
    }, asio::detached);
    probe.run(1);
  }
  ::unsetenv("COROSCOPE_HEAP_PROFILE");
  EXPECT_FALSE(sampling_during_run);
  EXPECT_FALSE(std::filesystem::exists(path)) << path << " was written";
  std::filesystem::remove(path);
}

}  // namespace
