// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
// The console_source of a probe (its recording's snapshot source), and parsing of
// COROSCOPE_CONSOLE-style addresses.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <random>
#include <sstream>

#include "cloexec_io.hpp"
#include <coroscope/base/env_error_line.hpp>
#include <coroscope/base/host_port.hpp>
#include "coroscope/console_server.hpp"
#include "coroscope/probe.hpp"
#include "coroscope/profile_view.hpp"
#include "coroscope/core/cpu_windows.hpp"
#include "coroscope/core/heap_link.hpp"
#include "coroscope/core/recording.hpp"
#include "console_source.hpp"
#include "heap_view_builder.hpp"
#include "trace_dumper.hpp"

namespace coroscope {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

/// Process start from /proc (boot time + start ticks); now when /proc is unavailable.
std::chrono::system_clock::time_point process_start() {
  const auto now = std::chrono::system_clock::now();
  const std::string stat = detail::read_file_cloexec("/proc/self/stat").value_or("");
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return now;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  // After "pid (comm) " the state is field 3; starttime is field 22.
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  std::istringstream proc_stat(detail::read_file_cloexec("/proc/stat", 1 << 20).value_or(""));
  std::string line;
  long long btime = -1;
  while (std::getline(proc_stat, line))
    if (line.rfind("btime ", 0) == 0) btime = std::stoll(line.substr(6));
  const long ticks = sysconf(_SC_CLK_TCK);
  unsigned long long start_ticks = 0;
  if (btime < 0 || ticks <= 0 ||
      std::from_chars(field.data(), field.data() + field.size(), start_ticks).ec != std::errc{})
    return now;
  const auto since_boot = std::chrono::nanoseconds(
      static_cast<long long>(start_ticks) * 1'000'000'000LL / ticks);
  return std::chrono::system_clock::time_point(std::chrono::seconds(btime)) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(since_boot);
}

std::string random_instance_id() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned> nibble(0, 15);
  std::string id(16, '0');
  for (auto& c : id) c = "0123456789abcdef"[nibble(rd)];
  return id;
}

/// The console's live flamegraph: the CPU profile of each publish interval, as stacks.
std::vector<cpu_stack_sample> to_stacks(const cpu_profile& profile) {
  std::vector<cpu_stack_sample> out;
  out.reserve(profile.samples.size());
  for (const sample& s : profile.samples) {
    cpu_stack_sample stack;
    for (auto index = s.stack.rbegin(); index != s.stack.rend(); ++index) {
      const frame& f = profile.frames[*index];
      stack.frames.push_back(display_name(f));
      stack.is_task_frame.push_back(f.is_task_frame);
    }
    stack.count = static_cast<std::uint64_t>(s.count);
    if (const auto id = s.labels.find("task_id"); id != s.labels.end())
      std::from_chars(id->second.data(), id->second.data() + id->second.size(), stack.task_id);
    out.push_back(std::move(stack));
  }
  return out;
}

}  // namespace

namespace agent {

console_source make_console_source(const core::snapshot_source& source) {
  console_source s;
  s.identity = [&source] {
    console_identity id;
    id.service_name = source.options().service_name;
    id.pid = static_cast<std::uint32_t>(getpid());
    id.host = host_name();
    id.process_start = process_start();
    id.probe_id = source.id();
    id.instance_id = random_instance_id();
    return id;
  };
  s.snapshot = [&source] { return source.take_snapshot(); };
  s.cpu_samples = [series = std::make_shared<detail::cpu_window_series>(
                       detail::sampler_options_from(source.options()))] {
    try {
      return to_stacks(series->next());
    } catch (const std::exception&) {
      return std::vector<cpu_stack_sample>{};  // sampling cannot start: no live flamegraph
    }
  };
  // Only when the program links coroscope::heap and heap sampling runs.
  s.heap = [builder = std::make_shared<detail::heap_view_builder>()]() -> std::optional<heap_view> {
    // Runs on the console server's thread: its allocations (frames, snapshots, this
    // builder's history) are the profiler's own and would show up as sites, even as a
    // growing leak suspect while the history fills.
    detail::heap_exclude_current_thread();
    auto profile = detail::heap_profile_now();
    if (!profile) return std::nullopt;
    return builder->next(*profile, detail::heap_resident_set_bytes());
  };
  s.task_details = [&source](std::uint64_t task_id) -> std::optional<task_details> {
    auto snap = source.take_snapshot();
    const auto it = std::find_if(snap.tasks.begin(), snap.tasks.end(),
                                 [&](const task_info& t) { return t.id == task_id; });
    if (it == snap.tasks.end()) return std::nullopt;
    task_details d;
    d.task = std::move(*it);
    // Where it waits, when it is suspended: the viewer's Async stack panel.
    if (auto dump = source.dump_task(task_id); !dump.tasks.empty()) {
      d.async_stack = std::move(dump.tasks.front().async_stack);
      d.async_stack_cut = dump.tasks.front().async_stack_cut;
      d.awaiting = std::move(dump.tasks.front().awaiting);
    }
    for (auto& w : snap.warnings)
      if (w.task_id == task_id) d.warnings.push_back(std::move(w));
    return d;
  };
  // The timeline tab: the flight recorder's window ("not recording" when it is off), then
  // what was recorded since, without CPU samples (the tab does not show them; symbolizing
  // them costs up to tens of ms each time).
  s.timeline = [&source](timeline_cursor& after) { return source.trace_window({}, false, &after); };
  // The console's "Write trace": the whole window with its CPU samples, as SIGUSR2 writes
  // it, into COROSCOPE_TRACE_DIR (without one, a private directory under the system's
  // temporary directory).
  s.write_trace = [&source]() -> trace_written {
    const std::string& dir = source.options().trace_dir;
    const std::string path = write_trace_file(source, dir.empty() ? private_trace_dir() : dir, "console");
    if (path.empty()) return {{}, 0, "the flight recorder is off (COROSCOPE_FLIGHT_RECORDER)"};
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    return {path, ec ? 0 : static_cast<std::uint64_t>(bytes), {}};
  };
  return s;
}

}  // namespace agent

console_source make_console_source(probe& p) {
  return agent::make_console_source(*p.core_);
}

bool parse_console_address(const std::string& address, console_options& options,
                           std::string& error) {
  std::string why;
  const auto parsed = base::parse_host_port(address, why);
  if (!parsed) {
    error = "console address " + env::quoted(address) + ": " + why;
    return false;
  }
  options.host = parsed->host;
  options.port = parsed->port;
  return true;
}

}  // namespace coroscope
