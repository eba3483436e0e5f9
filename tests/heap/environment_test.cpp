// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/base/env_error_line.hpp>
#include <coroscope/heap.hpp>

#include "../support/error_line_check.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace {

struct env_guard {
  explicit env_guard(const char* value) {
    if (value != nullptr)
      ::setenv("COROSCOPE_HEAP_SAMPLE_BYTES", value, 1);
    else
      ::unsetenv("COROSCOPE_HEAP_SAMPLE_BYTES");
  }
  ~env_guard() { ::unsetenv("COROSCOPE_HEAP_SAMPLE_BYTES"); }
};

TEST(heap_environment, sample_bytes_default_and_valid_values) {
  {
    env_guard env(nullptr);
    EXPECT_EQ(coroscope::heap::options_from_environment().sample_interval_bytes, 512u * 1024);
  }
  {
    env_guard env("1");
    EXPECT_EQ(coroscope::heap::options_from_environment().sample_interval_bytes, 1u);
  }
  {
    env_guard env("65536");
    EXPECT_EQ(coroscope::heap::options_from_environment().sample_interval_bytes, 65536u);
  }
}

TEST(heap_environment, bad_value_is_one_line_naming_the_variable_and_keeps_the_default) {
  for (const char* bad : {"0", "-5", "12kb", "lots", "99999999999999999999999"}) {
    env_guard env(bad);
    testing::internal::CaptureStderr();
    const auto options = coroscope::heap::options_from_environment();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(options.sample_interval_bytes, 512u * 1024) << bad;
    EXPECT_NE(err.find("COROSCOPE_HEAP_SAMPLE_BYTES"), std::string::npos) << err;
    EXPECT_NE(err.find(bad), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), err.size() - 1) << err;
  }
}

TEST(heap_environment, hostile_value_is_one_bounded_line) {
  // A newline in the value wrote a forged report; 10 KB wrote a 10 KB line (issue 14).
  for (const std::string& bad : coroscope::test::hostile_env_values()) {
    env_guard env(bad.c_str());
    testing::internal::CaptureStderr();
    const auto options = coroscope::heap::options_from_environment();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(options.sample_interval_bytes, 512u * 1024);
    coroscope::test::expect_one_error_line(err, "COROSCOPE_HEAP_SAMPLE_BYTES", coroscope::env::kMaxLine);
  }
}

TEST(heap_environment, the_sampler_alone_is_not_interposed) {
  // This suite links coroscope::heap_core without the allocator entry points.
  EXPECT_FALSE(coroscope::heap::interposed());
}

TEST(heap_environment, resident_set_is_readable) {
  const auto rss = coroscope::heap::resident_set_bytes();
  ASSERT_TRUE(rss.has_value());
  EXPECT_GT(*rss, 0);
}

TEST(heap_environment, start_rejects_zero_sizes) {
  EXPECT_THROW(coroscope::heap::start({.sample_interval_bytes = 0}), std::invalid_argument);
  EXPECT_THROW(coroscope::heap::start({.sample_interval_bytes = 1, .max_live_allocations = 0}),
               std::invalid_argument);
  EXPECT_FALSE(coroscope::heap::running());
}

}  // namespace
