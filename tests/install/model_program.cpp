// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::model alone: the plain values every part shares are built and read without
// any recording or encoding library; frame ids are lasting; names follow pprof's rules.
#include <string>
#include <vector>

#include <coroscope/console_types.hpp>
#include <coroscope/function_names.hpp>
#include <coroscope/heap_profile.hpp>
#include <coroscope/profile.hpp>
#include <coroscope/snapshot.hpp>

#include "check.hpp"

using install_test::check;

int main() {
  const std::uint64_t first = coroscope::reserve_frame_ids(3);
  const std::uint64_t next = coroscope::reserve_frame_ids(1);
  check(first != 0 && next >= first + 3, "reserved frame ids are never handed out twice");

  coroscope::cpu_profile profile;
  coroscope::sample s;
  s.stack.push_back(profile.add_frame({.function = "void ns::handle<int>(std::string const&)", .id = first}));
  s.labels["task"] = "session";
  profile.samples.push_back(s);
  const std::vector<coroscope::frame> stack = profile.frames_of(profile.samples.front());
  check(stack.size() == 1 && stack.front().id == first, "a frame keeps its id");
  const std::string short_name = coroscope::short_function_name(stack.front().function);
  check(short_name == "ns::handle<...>",
        "the short name drops return type and parameters, and elides template arguments: " +
            short_name);

  coroscope::heap_profile heap;
  heap.samples.push_back({.stack = stack, .inuse_space = 64});
  coroscope::snapshot snap;
  snap.tasks.push_back({});
  coroscope::heap_view view;
  check(heap.samples.size() == 1 && snap.tasks.size() == 1 && view.sites.empty(),
        "heap profiles, snapshots and console views are plain values");
  return install_test::finish("model_program");
}
