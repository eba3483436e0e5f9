// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#pragma once

namespace coroscope::detail {

/// A `TIMED_AWAIT` site: one static instance per macro expansion, identified by address.
struct await_site {
  const char* name;
  const char* file;
  unsigned line;
};

}  // namespace coroscope::detail
