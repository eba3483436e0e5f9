// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/core/heap_link.hpp"

#include <cstdlib>
#include <exception>

#include "coroscope/heap.hpp"
#include "coroscope/heap_profile.hpp"
#include <coroscope/base/env_error_line.hpp>
#include "sample_context.hpp"

// Weak references: defined only when the program links coroscope::heap.
namespace coroscope::heap {
[[gnu::weak]] void start(const heap_options& options);
[[gnu::weak]] void stop();
[[gnu::weak]] bool running() noexcept;
[[gnu::weak]] void set_context_hook(sampling::context_hook hook) noexcept;
[[gnu::weak]] heap_options options_from_environment(heap_options base);
[[gnu::weak]] bool write_profile_from_environment();
[[gnu::weak]] void note_task_completed(std::uint64_t task_id, std::string_view spawn_site);
[[gnu::weak]] heap_profile profile();
[[gnu::weak]] std::optional<std::int64_t> resident_set_bytes();
[[gnu::weak]] bool exclude_current_thread(bool excluded) noexcept;
}  // namespace coroscope::heap

namespace coroscope::detail {
namespace {

bool heap_linked() noexcept {
  return &heap::start && &heap::stop && &heap::running && &heap::set_context_hook &&
         &heap::options_from_environment && &heap::write_profile_from_environment;
}

}  // namespace

bool start_heap_sampling() {
  const char* path = std::getenv("COROSCOPE_HEAP_PROFILE");
  if (!path || !*path || !heap_linked() || heap::running()) return false;
  try {
    heap::set_context_hook(&fill_sample_context);
    heap::start(heap::options_from_environment(heap::heap_options{}));
    return true;
  } catch (const std::exception& e) {
    env::report(std::string("COROSCOPE_HEAP_PROFILE: cannot start heap sampling: ") + e.what());
    return false;
  }
}

void stop_heap_sampling() {
  heap::stop();
  heap::write_profile_from_environment();
}

void heap_note_task_completed(std::uint64_t task_id, const code_location& spawn_site) {
  if (&heap::note_task_completed && &heap::running && heap::running())
    heap::note_task_completed(task_id, spawn_site.file + ':' + std::to_string(spawn_site.line));
}

std::optional<heap_profile> heap_profile_now() {
  if (!&heap::profile || !&heap::running || !heap::running()) return std::nullopt;
  return heap::profile();
}

void heap_exclude_current_thread() {
  if (&heap::exclude_current_thread) heap::exclude_current_thread(true);
}

std::optional<std::int64_t> heap_resident_set_bytes() {
  if (!&heap::resident_set_bytes) return std::nullopt;
  return heap::resident_set_bytes();
}

}  // namespace coroscope::detail
