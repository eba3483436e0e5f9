// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 coroscope authors
//
// coroscope::exporter alone: a CPU profile built by hand goes through pprof and back,
// collapsed stacks and an SVG flamegraph; heap profiles go through pprof and back and
// through the leak analysis.
#include <cstdint>
#include <string>
#include <vector>

#include <coroscope/flamegraph.hpp>
#include <coroscope/heap_profile.hpp>
#include <coroscope/pprof.hpp>
#include <coroscope/profile.hpp>
#include <coroscope/collapsed.hpp>
#include <coroscope/heap_pprof.hpp>
#include <coroscope/leak_report.hpp>

#include "check.hpp"

using install_test::check;

namespace {

coroscope::frame named(const std::string& function, std::uint32_t line) {
  coroscope::frame f;
  f.function = function;
  f.file = "service.cpp";
  f.line = line;
  return f;
}

/// main -> handle -> parse (3 samples, task "request") and main -> idle (1).
coroscope::cpu_profile cpu() {
  coroscope::cpu_profile p;
  p.period_ns = 10'000'000;
  coroscope::sample parse;
  parse.stack = p.add_frames({named("parse", 30), named("handle", 20), named("main", 10)});
  parse.count = 3;
  parse.cpu_ns = 30'000'000;
  parse.labels = {{"task", "request"}};
  coroscope::sample idle;
  idle.stack = p.add_frames({named("idle", 40), named("main", 11)});
  idle.cpu_ns = 10'000'000;
  p.samples = {parse, idle};
  return p;
}

/// One site whose in-use bytes grow by `step` per snapshot.
coroscope::heap_profile heap(std::int64_t inuse, std::uint64_t time_ns) {
  coroscope::heap_profile p;
  p.sample_interval = 1;
  p.time_ns = time_ns;
  coroscope::heap_sample s;
  s.stack = {named("cache_insert", 50), named("main", 12)};
  s.alloc_objects = s.inuse_objects = inuse / 64;
  s.alloc_space = s.inuse_space = inuse;
  p.samples = {s};
  return p;
}

}  // namespace

int main() {
  const coroscope::cpu_profile decoded = coroscope::decode_pprof(coroscope::encode_pprof(cpu()));
  std::int64_t parse_count = 0;
  for (const auto& s : decoded.samples) {
    const std::vector<coroscope::frame> stack = decoded.frames_of(s);
    if (!stack.empty() && stack.front().function == "parse") {
      parse_count += s.count;
      check(s.labels.count("task") && s.labels.at("task") == "request", "pprof keeps the task label");
      check(stack.size() == 3 && stack.back().function == "main", "pprof keeps the stack, leaf first");
    }
  }
  check(parse_count == 3, "pprof keeps the count of parse (" + std::to_string(parse_count) + ")");
  check(coroscope::collapsed_stacks(cpu()) == "main;handle;parse 3\nmain;idle 1\n", "collapsed stacks");
  const std::string svg = coroscope::render_flamegraph_svg(cpu(), {.title = "install"});
  check(svg.starts_with("<?xml") || svg.starts_with("<svg"), "the flamegraph is an SVG");
  check(svg.find("parse") != std::string::npos && svg.find("handle") != std::string::npos,
        "the flamegraph draws parse and handle");

  const coroscope::heap_profile round = coroscope::decode_heap_pprof(coroscope::encode_heap_pprof(heap(4096, 1)));
  check(round.samples.size() == 1 && round.samples[0].inuse_space == 4096 &&
            round.samples[0].stack.front().function == "cache_insert",
        "a heap profile goes through pprof and back");
  const std::vector<coroscope::heap_profile> snapshots = {heap(4096, 1), heap(8192, 2), heap(16384, 3)};
  const auto suspects = coroscope::leak_report(snapshots);
  check(suspects.size() == 1 && (suspects[0].reasons & coroscope::leak_growing) &&
            suspects[0].growth_space == 16384 - 4096,
        "the growing site is a leak suspect that grew by 12288 bytes");
  return install_test::finish("exporter_program");
}
