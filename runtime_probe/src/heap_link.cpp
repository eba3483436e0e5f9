// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
#include "coroscope/core/heap_link.hpp"

#include <cstdlib>
#include <exception>

#include "coroscope/heap.hpp"
#include "coroscope/heap_profile.hpp"
#include <coroscope/base/env_error_line.hpp>
#include "sample_context.hpp"

namespace coroscope::detail {

bool start_heap_sampling() {
  const char* path = std::getenv("COROSCOPE_HEAP_PROFILE");
  if (!path || !*path || !heap::interposed() || heap::running()) return false;
  try {
    heap::set_context_hook(&fill_sample_context);
    heap::start(heap::options_from_environment(heap::heap_options{}));
    return true;
  } catch (const std::exception& e) {
    env::report(std::string("COROSCOPE_HEAP_PROFILE: cannot start heap sampling: ") + e.what());
    return false;
  }
}

void stop_heap_sampling() { heap::stop(); }

void heap_note_task_completed(std::uint64_t task_id, const code_location& spawn_site) {
  if (heap::running())
    heap::note_task_completed(task_id, spawn_site.file + ':' + std::to_string(spawn_site.line));
}

std::optional<heap_profile> heap_profile_now() {
  if (!heap::running()) return std::nullopt;
  return heap::profile();
}

void heap_exclude_current_thread() { heap::exclude_current_thread(true); }

std::optional<std::int64_t> heap_resident_set_bytes() { return heap::resident_set_bytes(); }

}  // namespace coroscope::detail
