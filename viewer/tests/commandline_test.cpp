// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <gtest/gtest.h>

#include "commandline.hpp"

namespace coroscope::viewer {
namespace {

struct Parsed {
  bool ok = false;
  CommandLine c;
  QString error, help;
};

Parsed parse(QStringList args) {
  Parsed p;
  args.prepend("coroscope-console");
  p.ok = parseCommandLine(args, &p.c, &p.error, &p.help);
  return p;
}

TEST(CommandLine, Connect) {
  const auto p = parse({"--connect", "10.0.0.5:7000", "--token", "s3cret"});
  ASSERT_TRUE(p.ok) << p.error.toStdString();
  EXPECT_EQ(p.c.mode, CommandLine::Mode::connect);
  EXPECT_EQ(p.c.host, "10.0.0.5");
  EXPECT_EQ(p.c.port, 7000);
  EXPECT_EQ(p.c.token, "s3cret");
  const auto v6 = parse({"--connect", "[::1]:6669"});
  ASSERT_TRUE(v6.ok);
  EXPECT_EQ(v6.c.host, "::1");
  const auto bare = parse({"--connect", ":6670"});
  ASSERT_TRUE(bare.ok);
  EXPECT_EQ(bare.c.host, "127.0.0.1");
}

TEST(CommandLine, BadAddressesAreOneLineErrors) {
  for (const char* bad : {"localhost", "host:0", "host:70000", "host:abc"}) {
    const auto p = parse({"--connect", bad});
    EXPECT_FALSE(p.ok) << bad;
    EXPECT_TRUE(p.error.startsWith("--connect")) << p.error.toStdString();
    EXPECT_FALSE(p.error.contains('\n'));
  }
}

TEST(CommandLine, LaunchTakesEverythingAfterTheDoubleDash) {
  const auto p = parse({"--screenshot", "/tmp/x.png", "--after", "1.5", "--", "./svc", "--threads", "4"});
  ASSERT_TRUE(p.ok) << p.error.toStdString();
  EXPECT_EQ(p.c.mode, CommandLine::Mode::launch);
  EXPECT_EQ(p.c.program, "./svc");
  EXPECT_EQ(p.c.arguments, (QStringList{"--threads", "4"}));
  EXPECT_EQ(p.c.screenshotFile, "/tmp/x.png");
  EXPECT_DOUBLE_EQ(p.c.screenshotAfter, 1.5);
}

TEST(CommandLine, ReplayAndOptions) {
  const auto p = parse({"--replay", "s.cscope", "--retain", "5"});
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.c.mode, CommandLine::Mode::replay);
  EXPECT_EQ(p.c.replayFile, "s.cscope");
  EXPECT_EQ(p.c.retainSeconds, 5);
  EXPECT_FALSE(parse({"--replay", "a", "--connect", "h:1"}).ok);
  EXPECT_FALSE(parse({"--replay", "a", "--record", "b"}).ok);
  EXPECT_FALSE(parse({"--after", "soon"}).ok);
  EXPECT_FALSE(parse({"--retain", "-1"}).ok);
  EXPECT_FALSE(parse({"--no-such-option"}).ok);
  const auto none = parse({});
  ASSERT_TRUE(none.ok);
  EXPECT_EQ(none.c.mode, CommandLine::Mode::none);
}

TEST(CommandLine, Help) {
  const auto p = parse({"--help"});
  ASSERT_TRUE(p.ok);
  EXPECT_TRUE(p.help.contains("--connect"));
  EXPECT_TRUE(p.help.contains("--replay"));
  EXPECT_TRUE(p.help.contains("--screenshot"));
}

}  // namespace
}  // namespace coroscope::viewer
