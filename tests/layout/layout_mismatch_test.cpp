// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Asio's scheduler code from a translation unit built without coroscope's hooks (linked
// first, so the linker keeps its copies): the probe reports it once and records nothing,
// instead of reading operations with the wrong layout.
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "coroscope/coroscope.hpp"
#include "layout_check.hpp"
#include "unhooked_asio.hpp"

namespace {

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(LayoutMismatch, TheProbeSaysSoOnceAndRecordsNothing) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The program is an ODR violation on purpose (two layouts of Asio's scheduler), which
  // AddressSanitizer rightly reports (new-delete-type-mismatch on the scheduler).
  GTEST_SKIP() << "a deliberate ODR violation: run in the release and io_uring builds";
#endif
  // The unhooked code itself runs as plain Asio.
  ASSERT_EQ(run_handlers_without_hooks(10), 10);

  ::testing::internal::CaptureStderr();
  {
    boost::asio::io_context io;
    coroscope::probe first{io};
    coroscope::probe second{io};
    EXPECT_TRUE(first.snapshot().tasks.empty());
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(occurrences(err, coroscope::detail::kUnhookedAsioMessage), 1u) << err;
  EXPECT_EQ(occurrences(err, "\n"), occurrences(err, "coroscope: ")) << "one line each: " << err;
}

}  // namespace
