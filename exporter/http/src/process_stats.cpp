// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include <coroscope/metrics.hpp>

#include "cloexec_io.hpp"

#include <unistd.h>

#include <sstream>

namespace coroscope {

process_stats read_process_stats() {
  process_stats p;
  const std::string stat = detail::read_file_cloexec("/proc/self/stat").value_or("");
  // The command name (field 2) may hold spaces and parentheses: fields are counted from
  // after its last ')'. utime and stime are fields 14 and 15, i.e. the 12th and 13th here.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return p;
  std::istringstream fields(stat.substr(close + 1));
  std::string skip;
  unsigned long long utime = 0, stime = 0;
  for (int i = 0; i < 11 && fields >> skip; ++i) {
  }
  if (!(fields >> utime >> stime)) return p;

  std::istringstream statm(detail::read_file_cloexec("/proc/self/statm").value_or(""));
  unsigned long long size_pages = 0, resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return p;

  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (ticks <= 0 || page <= 0) return p;
  p.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(ticks);
  p.resident_bytes = resident_pages * static_cast<unsigned long long>(page);
  p.virtual_bytes = size_pages * static_cast<unsigned long long>(page);
  p.valid = true;
  return p;
}

}  // namespace coroscope
