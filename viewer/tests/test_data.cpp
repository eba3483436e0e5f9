// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "test_data.hpp"

namespace coroscope::viewer::test {

task_info makeTask(std::uint64_t id, std::uint64_t parent, std::string name, task_state state,
                   std::uint64_t polls, int busyMs, int totalMs, std::string file,
                   std::uint32_t line) {
  task_info t;
  t.id = id;
  t.parent_id = parent;
  t.name = std::move(name);
  t.state = state;
  t.polls = polls;
  t.busy = std::chrono::milliseconds(busyMs);
  t.total = std::chrono::milliseconds(totalMs);
  t.idle = t.total - t.busy;
  t.spawn_location = {std::move(file), line, "main"};
  return t;
}

console_state makeState(std::uint64_t sequence, int seconds, std::vector<task_info> tasks,
                        std::string instance) {
  console_state s;
  s.identity.service_name = "svc";
  s.identity.pid = 42;
  s.identity.host = "host";
  s.identity.instance_id = std::move(instance);
  s.sequence = sequence;
  s.time = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000 + seconds));
  s.uptime = std::chrono::seconds(seconds);
  for (auto& t : tasks) s.tasks.emplace(t.id, std::move(t));
  s.full = sequence == 1;
  return s;
}

console_state warnedSession() {
  auto s = makeState(1, 5, {makeTask(1, 0, "accept-loop", task_state::idle, 4, 1, 5000),
                            makeTask(2, 1, "session", task_state::running, 40, 900, 4000),
                            makeTask(3, 1, "slow-handler", task_state::idle, 3, 300, 3000)});
  s.tasks[2].wakes = 10;
  s.tasks[2].self_wakes = 6;
  s.warnings = {{"self-wakes", 2, "session", "60% of wakes are self-wakes", 1, "", ""},
                {"long-poll", 3, "slow-handler", "a poll took 120ms", 2, "", ""}};
  s.cpu_samples = {{{"main", "run", "session"}, {false, false, true}, 7, 2},
                   {{"main", "run", "slow-handler"}, {false, false, true}, 3, 3}};
  return s;
}

std::vector<task_info> manyTasks(std::size_t n) {
  static const char* const names[] = {"accept-loop", "session", "db.query", "timer", "http-handler",
                                      "cache-refresh", "writer", "reader"};
  static const task_state states[] = {task_state::idle, task_state::running, task_state::scheduled,
                                      task_state::idle, task_state::completed};
  std::vector<task_info> out;
  out.reserve(n);
  std::uint64_t seed = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto id = std::uint64_t(i + 1);
    out.push_back(makeTask(id, i > 0 && i % 4 ? id / 4 : 0,
                           std::string(names[i % 8]) + '-' + std::to_string(i % 97),
                           states[(seed >> 33) % 5], (seed >> 20) % 10000, int((seed >> 40) % 500),
                           1000 + int((seed >> 12) % 5000),
                           "src/file" + std::to_string(i % 13) + ".cpp", std::uint32_t(i % 300)));
  }
  return out;
}

}  // namespace coroscope::viewer::test
