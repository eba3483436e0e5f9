// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "profile_files.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <coroscope/continuous.hpp>

#include <stdexcept>

namespace {

using namespace coroscope::detail;
using namespace std::chrono_literals;
using coroscope::test::make_file_aged;
using coroscope::test::temp_dir;

TEST(profile_files, name_is_service_and_utc_time) {
  const std::chrono::system_clock::time_point t{std::chrono::milliseconds(1'700'000'000'123)};
  EXPECT_EQ(profile_file_name("checkout", t), "cpu-checkout-20231114T221320.123Z.pb.gz");
  EXPECT_EQ(profile_file_name("a b/c", t), "cpu-a_b_c-20231114T221320.123Z.pb.gz");
  EXPECT_TRUE(is_profile_file_of(profile_file_name("a b/c", t), "a b/c"));
}

TEST(profile_files, pattern_is_exact) {
  EXPECT_TRUE(is_profile_file_of("cpu-svc-20231114T221320.123Z.pb.gz", "svc"));
  EXPECT_FALSE(is_profile_file_of("cpu-svc-20231114T221320.123Z.pb.gz.tmp", "svc"));
  EXPECT_FALSE(is_profile_file_of("cpu-other-20231114T221320.123Z.pb.gz", "svc"));
  EXPECT_FALSE(is_profile_file_of("cpu-svc-b-20231114T221320.123Z.pb.gz", "svc"));
  EXPECT_FALSE(is_profile_file_of("cpu-svc-2023111xT221320.123Z.pb.gz", "svc"));
  EXPECT_FALSE(is_profile_file_of("cpu-svc-notes.pb.gz", "svc"));
  EXPECT_FALSE(is_profile_file_of("heap-svc-20231114T221320.123Z.pb.gz", "svc"));
}

TEST(profile_files, retention_removes_only_old_files_of_the_pattern) {
  temp_dir dir;
  const auto now = std::chrono::system_clock::now();
  const auto& d = dir.path();
  make_file_aged(d / "cpu-svc-20200101T000000.000Z.pb.gz", 10 * 24h);
  make_file_aged(d / "cpu-svc-20200102T000000.000Z.pb.gz", 8 * 24h);
  make_file_aged(d / "cpu-svc-20200103T000000.000Z.pb.gz", 6 * 24h);      // young enough
  make_file_aged(d / "cpu-other-20200101T000000.000Z.pb.gz", 10 * 24h);   // another service
  make_file_aged(d / "notes.txt", 10 * 24h);                              // not ours
  make_file_aged(d / "cpu-svc-20200101T000000.000Z.pb.gz.tmp", 10 * 24h); // not the pattern
  std::filesystem::create_directory(d / "cpu-svc-20200101T000001.000Z.pb.gz");  // a directory

  auto r = remove_expired_profiles(d.string(), "svc", 7 * 24h, now);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.removed, 2u);
  EXPECT_FALSE(std::filesystem::exists(d / "cpu-svc-20200101T000000.000Z.pb.gz"));
  EXPECT_FALSE(std::filesystem::exists(d / "cpu-svc-20200102T000000.000Z.pb.gz"));
  for (const char* kept : {"cpu-svc-20200103T000000.000Z.pb.gz", "cpu-other-20200101T000000.000Z.pb.gz",
                           "notes.txt", "cpu-svc-20200101T000000.000Z.pb.gz.tmp",
                           "cpu-svc-20200101T000001.000Z.pb.gz"})
    EXPECT_TRUE(std::filesystem::exists(d / kept)) << kept;
}

TEST(profile_files, retention_on_a_missing_directory_reports) {
  auto r = remove_expired_profiles("/nonexistent/coroscope", "svc", 1h, std::chrono::system_clock::now());
  EXPECT_EQ(r.removed, 0u);
  EXPECT_NE(r.error.find("/nonexistent/coroscope"), std::string::npos);
}

TEST(retention, parses_units) {
  EXPECT_EQ(coroscope::parse_retention("36h"), 36h);
  EXPECT_EQ(coroscope::parse_retention("7d"), 7 * 24h);
  EXPECT_EQ(coroscope::parse_retention("90m"), 90min);
  EXPECT_EQ(coroscope::parse_retention("3600s"), 3600s);
  for (const char* bad : {"", "7", "d", "0d", "-1h", "7w", "1.5h", "h7", "99999999999999999999d", "40000d"})
    EXPECT_THROW(coroscope::parse_retention(bad), std::invalid_argument) << bad;
}

}  // namespace
