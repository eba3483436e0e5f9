// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "profile_files.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <coroscope/continuous.hpp>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace coroscope::detail;
using namespace std::chrono_literals;
using coroscope::test::make_file_aged;
using coroscope::test::temp_dir;

TEST(profile_files, name_is_service_and_utc_time) {
  const std::chrono::system_clock::time_point t{std::chrono::milliseconds(1'700'000'000'123)};
  EXPECT_EQ(profile_file_name("checkout", t), "cpu-checkout-20231114T221320.123Z.pb.gz");
  EXPECT_EQ(profile_file_name("a b/c", t), "cpu-a%20b%2Fc-20231114T221320.123Z.pb.gz");
  EXPECT_TRUE(is_profile_file_of(profile_file_name("a b/c", t), "a b/c"));
}

TEST(profile_files, names_are_one_to_one_and_read_back) {
  // Lossy sanitising made these the same file name; each must be its own.
  const std::vector<std::string> services = {"echo server", "echo_server", "echo%20server",
                                             "echo/server", "", "_", "%", "d\xc3\xa9j\xc3\xa0", "a\nb"};
  const std::chrono::system_clock::time_point t{std::chrono::milliseconds(1'700'000'000'123)};
  std::set<std::string> names;
  for (const auto& service : services) {
    const std::string name = profile_file_name(service, t);
    EXPECT_TRUE(names.insert(name).second) << service << " -> " << name;
    EXPECT_EQ(name.find_first_of("/\n "), std::string::npos) << name;
    const std::string encoded = file_safe_service(service);
    EXPECT_EQ(service_from_file_safe(encoded), service) << encoded;
    for (const auto& other : services)
      EXPECT_EQ(is_profile_file_of(name, other), other == service) << name << " vs " << other;
  }
}

TEST(profile_files, only_canonical_encodings_read_back) {
  EXPECT_EQ(service_from_file_safe("echo%20server"), "echo server");
  EXPECT_EQ(service_from_file_safe(""), "");
  for (const char* bad : {"%", "%2", "%zz", "%2f", "%41", "a b", "a/b", "%%"})
    EXPECT_FALSE(service_from_file_safe(bad)) << bad;
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

TEST(profile_files, retention_of_echo_server_and_echo_underscore_server_keeps_the_others_files) {
  temp_dir dir;
  const auto& d = dir.path();
  const auto now = std::chrono::system_clock::now();
  const auto old = now - 10 * 24h;
  const std::string spaced = profile_file_name("echo server", old);
  const std::string underscored = profile_file_name("echo_server", old);
  ASSERT_NE(spaced, underscored);
  make_file_aged(d / spaced, 10 * 24h);
  make_file_aged(d / underscored, 10 * 24h);

  auto r = remove_expired_profiles(d.string(), "echo server", 7 * 24h, now);
  EXPECT_EQ(r.removed, 1u) << r.error;
  EXPECT_FALSE(std::filesystem::exists(d / spaced));
  EXPECT_TRUE(std::filesystem::exists(d / underscored)) << "echo server removed echo_server's profile";

  make_file_aged(d / spaced, 10 * 24h);
  r = remove_expired_profiles(d.string(), "echo_server", 7 * 24h, now);
  EXPECT_EQ(r.removed, 1u) << r.error;
  EXPECT_FALSE(std::filesystem::exists(d / underscored));
  EXPECT_TRUE(std::filesystem::exists(d / spaced)) << "echo_server removed echo server's profile";
}

TEST(profile_files, retention_never_removes_another_users_file) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user";
  temp_dir dir;
  const auto now = std::chrono::system_clock::now();
  const auto path = dir.path() / profile_file_name("svc", now - 10 * 24h);
  make_file_aged(path, 10 * 24h);
  ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);  // nobody's, with our name on it
  auto r = remove_expired_profiles(dir.path().string(), "svc", 7 * 24h, now);
  EXPECT_EQ(r.removed, 0u);
  EXPECT_TRUE(std::filesystem::exists(path));
  ASSERT_EQ(::chown(path.c_str(), ::geteuid(), ::getegid()), 0);
  r = remove_expired_profiles(dir.path().string(), "svc", 7 * 24h, now);
  EXPECT_EQ(r.removed, 1u) << "the same file is removed once it is ours";
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
