// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "thread_sched.hpp"

#include <cstdio>
#include <cstring>

namespace coroscope::detail {
namespace {

std::FILE* open_task_file(pid_t tid, const char* name) {
  if (tid <= 0) return nullptr;
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/%s", static_cast<int>(tid), name);
  return std::fopen(path, "re");
}

}  // namespace

std::int64_t run_queue_wait_ns(pid_t tid) {
  std::FILE* file = open_task_file(tid, "schedstat");
  if (!file) return 0;
  unsigned long long on_cpu = 0, waiting = 0;
  const int fields = std::fscanf(file, "%llu %llu", &on_cpu, &waiting);
  std::fclose(file);
  return fields == 2 ? static_cast<std::int64_t>(waiting) : 0;
}

blocking_view read_blocking_view(pid_t tid) {
  blocking_view view;
  std::FILE* file = open_task_file(tid, "status");
  if (!file) return view;
  static constexpr char kState[] = "State:";
  static constexpr char kVoluntary[] = "voluntary_ctxt_switches:";
  bool have_state = false, have_count = false;
  char line[256];
  while (!(have_state && have_count) && std::fgets(line, sizeof line, file)) {
    if (std::strncmp(line, kState, sizeof kState - 1) == 0) {
      char state = 0;
      have_state = std::sscanf(line + sizeof kState - 1, " %c", &state) == 1;
      view.sleeping = state == 'S' || state == 'D';
    } else if (std::strncmp(line, kVoluntary, sizeof kVoluntary - 1) == 0) {
      long long count = 0;
      have_count = std::sscanf(line + sizeof kVoluntary - 1, "%lld", &count) == 1;
      view.voluntary_switches = count;
    }
  }
  std::fclose(file);
  view.known = have_state && have_count;
  return view;
}

}  // namespace coroscope::detail
