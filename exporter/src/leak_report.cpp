// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// Leak suspects from successive heap profiles. Compiled into coroscope::exporter.
#include <coroscope/heap_profile.hpp>
#include <coroscope/leak_report.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

namespace coroscope {
namespace {

struct site_state {
  leak_suspect suspect;
  std::uint64_t oldest_ns = 0;  // at the last snapshot
};

std::string bytes_text(std::int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes < 0 ? -bytes : bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[48];
  if (unit == 0)
    std::snprintf(buffer, sizeof buffer, "%s%" PRId64 " B", bytes < 0 ? "-" : "", bytes < 0 ? -bytes : bytes);
  else
    std::snprintf(buffer, sizeof buffer, "%s%.2f %s", bytes < 0 ? "-" : "", value, units[unit]);
  return buffer;
}

std::string frame_text(const frame& f) {
  std::string text = f.function.empty() ? std::string() : f.function;
  if (text.empty()) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "0x%" PRIx64, f.address);
    text = f.module.empty() ? std::string(buffer) : f.module + "+" + buffer;
  }
  if (!f.file.empty()) text += "  " + f.file + (f.line != 0 ? ":" + std::to_string(f.line) : std::string());
  return text;
}

}  // namespace

std::string heap_stack_key(const std::vector<frame>& stack) {
  std::string key;
  for (const frame& f : stack) {
    key += f.function;
    key += '\x1f';
    key += f.file;
    key += '\x1f';
    key += std::to_string(f.line);
    key += '\x1f';
    key += f.module;
    key += '\x1f';
    key += std::to_string(f.address);
    key += '\x1e';
  }
  return key;
}

std::vector<leak_suspect> leak_report(std::span<const heap_profile> snapshots, const leak_options& options) {
  std::vector<leak_suspect> out;
  if (snapshots.empty()) return out;
  const std::size_t n = snapshots.size();
  std::map<std::tuple<std::string, std::string, std::string>, site_state> sites;
  for (std::size_t i = 0; i < n; ++i) {
    for (const heap_sample& s : snapshots[i].samples) {
      if (s.inuse_space == 0 && s.inuse_objects == 0) continue;
      auto label = [&](const char* key) {
        auto it = s.labels.find(key);
        return it == s.labels.end() ? std::string() : it->second;
      };
      const bool outlived = label("task_state") == "completed";
      std::string spawn = outlived ? label("spawn_site") : std::string();
      if (outlived && spawn.empty()) spawn = "[unknown spawn site]";
      auto [it, inserted] = sites.try_emplace({heap_stack_key(s.stack), label("task"), spawn});
      site_state& site = it->second;
      if (inserted) {
        site.suspect.stack = s.stack;
        site.suspect.task = label("task");
        site.suspect.spawn_site = spawn;
        site.suspect.inuse_space_series.assign(n, 0);
      }
      site.suspect.inuse_space_series[i] += s.inuse_space;
      if (i + 1 == n) {
        site.suspect.inuse_space += s.inuse_space;
        site.suspect.inuse_objects += s.inuse_objects;
        if (s.oldest_alloc_ns != 0 && (site.oldest_ns == 0 || s.oldest_alloc_ns < site.oldest_ns))
          site.oldest_ns = s.oldest_alloc_ns;
      }
    }
  }

  const std::uint64_t last_time = snapshots.back().time_ns;
  for (auto& [key, site] : sites) {
    leak_suspect& suspect = site.suspect;
    const std::vector<std::int64_t>& series = suspect.inuse_space_series;
    if (n >= 2 && series.back() > series.front()) {
      std::size_t steady = 0;
      for (std::size_t i = 1; i < n; ++i) steady += series[i] >= series[i - 1] ? 1 : 0;
      suspect.growth_space = series.back() - series.front();
      if (static_cast<double>(steady) >= options.growing_steps_fraction * static_cast<double>(n - 1)) {
        suspect.reasons |= leak_growing;
        suspect.score = std::max(suspect.score, suspect.growth_space);
      }
    }
    if (site.oldest_ns != 0 && last_time > site.oldest_ns) {
      suspect.oldest_age = std::chrono::nanoseconds(last_time - site.oldest_ns);
      if (suspect.oldest_age > options.age_threshold && suspect.inuse_space > 0) {
        suspect.reasons |= leak_old;
        suspect.score = std::max(suspect.score, suspect.inuse_space);
      }
    }
    if (!suspect.spawn_site.empty() && suspect.inuse_space > 0) {
      suspect.reasons |= leak_outlived_task;
      suspect.score = std::max(suspect.score, suspect.inuse_space);
    }
    if (suspect.reasons != 0) out.push_back(std::move(suspect));
  }
  std::stable_sort(out.begin(), out.end(), [](const leak_suspect& a, const leak_suspect& b) {
    return std::tie(b.score, b.inuse_space) < std::tie(a.score, a.inuse_space);
  });
  if (options.limit != 0 && out.size() > options.limit) out.resize(options.limit);
  return out;
}

std::string format_leak_report(std::span<const leak_suspect> suspects, std::size_t max_frames) {
  if (suspects.empty()) return "no leak suspects\n";
  std::string out;
  std::size_t rank = 0;
  for (const leak_suspect& s : suspects) {
    std::string reasons;
    auto add = [&](const char* reason) { reasons += (reasons.empty() ? "" : ", ") + std::string(reason); };
    if (s.reasons & leak_growing) add("growing");
    if (s.reasons & leak_old) add("old");
    if (s.reasons & leak_outlived_task) add("outlived its task");
    out += "#" + std::to_string(++rank) + "  " + reasons + ": " + bytes_text(s.inuse_space) + " in use (" +
           std::to_string(s.inuse_objects) + " objects)";
    if (s.growth_space != 0)
      out += ", " + std::string(s.growth_space > 0 ? "+" : "") + bytes_text(s.growth_space) + " over " +
             std::to_string(s.inuse_space_series.size()) + " snapshots";
    if (s.oldest_age.count() > 0) {
      char age[32];
      std::snprintf(age, sizeof age, "%.1f s", static_cast<double>(s.oldest_age.count()) / 1e9);
      out += ", oldest " + std::string(age);
    }
    out += "\n";
    if (!s.task.empty()) out += "    task: " + s.task + "\n";
    if (!s.spawn_site.empty()) out += "    task spawned at: " + s.spawn_site + "\n";
    std::size_t shown = 0;
    for (const frame& f : s.stack) {
      if (max_frames != 0 && shown == max_frames) {
        out += "      ... " + std::to_string(s.stack.size() - shown) + " more frames\n";
        break;
      }
      out += "      " + frame_text(f) + "\n";
      ++shown;
    }
  }
  return out;
}

}  // namespace coroscope
