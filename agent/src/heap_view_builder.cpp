// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "heap_view_builder.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "coroscope/profile_view.hpp"
#include "coroscope/leak_report.hpp"

namespace coroscope::detail {
namespace {

std::uint64_t positive(std::int64_t v) { return v > 0 ? static_cast<std::uint64_t>(v) : 0; }

std::string label(const heap_sample& s, const char* key) {
  const auto it = s.labels.find(key);
  return it == s.labels.end() ? std::string() : it->second;
}

/// `profile`'s live samples merged per (stack, task, spawn site of a completed task), the
/// labels leak_report looks at, cut to the `limit` largest by in-use bytes.
heap_profile merged_live(const heap_profile& profile, std::size_t limit) {
  std::map<std::tuple<std::string, std::string, std::string>, heap_sample> merged;
  for (const heap_sample& s : profile.samples) {
    if (s.inuse_space == 0 && s.inuse_objects == 0) continue;
    const bool outlived = label(s, "task_state") == "completed";
    const std::string spawn = outlived ? label(s, "spawn_site") : std::string();
    auto [it, inserted] = merged.try_emplace({heap_stack_key(s.stack), label(s, "task"), spawn});
    heap_sample& m = it->second;
    if (inserted) {
      m.stack = s.stack;
      if (auto task = label(s, "task"); !task.empty()) m.labels["task"] = std::move(task);
      if (outlived) {
        m.labels["task_state"] = "completed";
        m.labels["spawn_site"] = spawn;
      }
    }
    m.inuse_space += s.inuse_space;
    m.inuse_objects += s.inuse_objects;
    if (s.oldest_alloc_ns != 0 && (m.oldest_alloc_ns == 0 || s.oldest_alloc_ns < m.oldest_alloc_ns))
      m.oldest_alloc_ns = s.oldest_alloc_ns;
  }
  heap_profile out;
  out.time_ns = profile.time_ns;
  out.duration_ns = profile.duration_ns;
  out.sample_interval = profile.sample_interval;
  out.samples.reserve(merged.size());
  for (auto& [key, sample] : merged) out.samples.push_back(std::move(sample));
  if (out.samples.size() > limit) {
    std::nth_element(out.samples.begin(), out.samples.begin() + static_cast<std::ptrdiff_t>(limit),
                     out.samples.end(), [](const heap_sample& a, const heap_sample& b) {
                       return a.inuse_space > b.inuse_space;
                     });
    out.samples.resize(limit);
  }
  return out;
}

/// The first line of the library's report on `s`, without its rank.
std::string one_line(const leak_suspect& s) {
  std::string text = format_leak_report(std::span(&s, 1), 0);
  text = text.substr(0, text.find('\n'));
  if (const auto start = text.find("  "); text.rfind('#', 0) == 0 && start != std::string::npos)
    text = text.substr(start + 2);
  return text;
}

}  // namespace

std::vector<heap_frame> to_heap_frames(const std::vector<frame>& stack) {
  std::vector<heap_frame> out;
  const std::size_t n = std::min(stack.size(), heap_view::kMaxFrames);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back({display_name(stack[i]), stack[i].file, stack[i].line});
  return out;
}

heap_view_builder::heap_view_builder(leak_options options, std::chrono::nanoseconds spacing,
                                     std::size_t history)
    : options_(options), spacing_(spacing), history_size_(std::max<std::size_t>(history, 1)) {
  options_.limit = heap_view::kMaxSuspects;
}

heap_view heap_view_builder::next(const heap_profile& profile, std::optional<std::int64_t> rss_bytes) {
  heap_view view;
  view.time = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::nanoseconds(profile.time_ns)));
  view.sample_interval_bytes = positive(profile.sample_interval);
  view.process_rss_bytes = positive(rss_bytes.value_or(0));

  // Sites: the sampler reports allocations per site and live ones per site and task
  // instance; the console lists sites (stack + task name).
  std::map<std::pair<std::string, std::string>, heap_site_info> sites;
  for (const heap_sample& s : profile.samples) {
    auto [it, inserted] = sites.try_emplace({heap_stack_key(s.stack), label(s, "task")});
    heap_site_info& site = it->second;
    if (inserted) {
      site.stack = to_heap_frames(s.stack);
      site.task = label(s, "task");
    }
    site.inuse_bytes += positive(s.inuse_space);
    site.inuse_objects += positive(s.inuse_objects);
    site.alloc_bytes += positive(s.alloc_space);
    site.alloc_objects += positive(s.alloc_objects);
    view.inuse_bytes += positive(s.inuse_space);
    view.inuse_objects += positive(s.inuse_objects);
  }
  for (auto& [key, site] : sites)
    if (site.inuse_bytes > 0) view.sites.push_back(std::move(site));
  view.total_sites = view.sites.size();
  const auto larger = [](const heap_site_info& a, const heap_site_info& b) {
    return std::tie(a.inuse_bytes, a.alloc_bytes) > std::tie(b.inuse_bytes, b.alloc_bytes);
  };
  const std::size_t top = std::min(view.sites.size(), heap_view::kMaxSites);
  std::partial_sort(view.sites.begin(), view.sites.begin() + static_cast<std::ptrdiff_t>(top),
                    view.sites.end(), larger);
  view.sites.resize(top);

  // Leak suspects over the history plus this profile; this one joins the history when
  // the last one kept is `spacing` old.
  const bool keep = history_.empty() || profile.time_ns >= history_.back().time_ns + static_cast<std::uint64_t>(
                                                                   std::max<std::int64_t>(0, spacing_.count()));
  history_.push_back(merged_live(profile, kHistorySites));
  for (const leak_suspect& s : leak_report(history_, options_)) {
    heap_leak_suspect_info suspect;
    suspect.kinds = s.reasons;
    suspect.stack = to_heap_frames(s.stack);
    suspect.task = s.task;
    suspect.spawn_site = s.spawn_site;
    suspect.inuse_bytes = positive(s.inuse_space);
    suspect.inuse_objects = positive(s.inuse_objects);
    suspect.growth_bytes = s.growth_space;
    suspect.oldest_age = s.oldest_age;
    suspect.message = one_line(s);
    view.leak_suspects.push_back(std::move(suspect));
  }
  if (!keep)
    history_.pop_back();
  else if (history_.size() > history_size_)
    history_.erase(history_.begin());
  return view;
}

}  // namespace coroscope::detail
