// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/task_dump.hpp"

#include <cstdio>
#include <ostream>

namespace coroscope {
namespace {

// "850us", "12ms", "3.4s", "5m12s": what a reader scanning a dump wants, not precision.
std::string short_duration(std::chrono::nanoseconds d) {
  const double ns = static_cast<double>(d.count());
  char text[32];
  if (ns < 1e6)
    std::snprintf(text, sizeof text, "%.0fus", ns / 1e3);
  else if (ns < 1e9)
    std::snprintf(text, sizeof text, "%.0fms", ns / 1e6);
  else if (ns < 60e9)
    std::snprintf(text, sizeof text, "%.1fs", ns / 1e9);
  else
    std::snprintf(text, sizeof text, "%lldm%02llds", static_cast<long long>(ns / 60e9),
                  static_cast<long long>(ns / 1e9) % 60);
  return text;
}

}  // namespace

const char* to_string(dump_state s) noexcept {
  switch (s) {
    case dump_state::waiting: return "waiting";
    case dump_state::queued: return "queued";
    case dump_state::running: return "running";
    case dump_state::starting: return "starting";
  }
  return "?";
}

std::string to_string(const dumped_task& t) {
  std::string out = "task " + std::to_string(t.id) + " \"" + t.name + "\" [" + to_string(t.state);
  if (t.waiting_for.count() > 0) out += ", " + short_duration(t.waiting_for);
  out += "]:\n";
  if (t.awaiting)
    out += "    in TIMED_AWAIT \"" + t.awaiting->name + "\" at " + t.awaiting->file + ":" +
           std::to_string(t.awaiting->line) + " for " + short_duration(t.awaiting->waited) + "\n";
  if (t.async_stack.empty()) {
    out += t.state == dump_state::running    ? "    (running: its stack changes under a walk)\n"
           : t.state == dump_state::starting ? "    (not started yet)\n"
                                             : "    (stack not known)\n";
  }
  for (const async_frame& f : t.async_stack) {
    out += "    " + (f.function.empty() ? std::string("??") : f.function) + "\n";
    if (!f.file.empty()) out += "        " + f.file + ":" + std::to_string(f.line) + "\n";
  }
  if (t.async_stack_cut && !t.async_stack.empty()) out += "    ... (cut: the rest could not be read)\n";
  return out;
}

std::string to_string(const task_dump& dump) {
  std::string out;
  for (const dumped_task& t : dump.tasks) {
    if (!out.empty()) out += '\n';
    out += to_string(t);
  }
  if (dump.ended_while_taken != 0) {
    if (!out.empty()) out += '\n';
    const std::uint64_t n = dump.ended_while_taken;
    out += "(" + std::to_string(n) + (n == 1 ? " task" : " tasks") +
           " ended while the dump was taken)\n";
  }
  return out;
}

void write_dump(std::ostream& out, const task_dump& dump) { out << to_string(dump); }

}  // namespace coroscope
