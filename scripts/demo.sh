#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
#
# The demo: installs what the build needs, builds the examples and the `coroscope` tool
# (release preset), runs the instrumented echo service, the misbehaving service and a
# service with planted CPU hot spots (profiled: pprof, OTLP file, flamegraph, top report),
# and says where their output is.
# COROSCOPE_BUILD_ROOT (default: build) moves the build tree; DEMO_SECONDS (default 3)
# is how long the echo clients send.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${COROSCOPE_BUILD_ROOT:-build}/release
out=$build_dir/demo
seconds=${DEMO_SECONDS:-3}

bash scripts/install-deps.sh
cmake --preset release -B "$build_dir" -DCOROSCOPE_BUILD_EXAMPLES=ON
cmake --build "$build_dir" -j "$(nproc)" --target echo_server slow_service cpu_hotspots trace_correlation coroscope_tool
mkdir -p "$out"

echo
echo "=== echo_server: 16 connections for ${seconds} s on 2 workers, then the probe's summary"
"$build_dir/examples/echo_server" --seconds "$seconds" | tee "$out/echo_server.txt"

echo
echo "=== echo_server --plain: the same workload without the probe"
"$build_dir/examples/echo_server" --plain --seconds "$seconds" | tee "$out/echo_server_plain.txt"

echo
echo "=== slow_service: a task for each lint, then a task dump (where each task waits)"
rm -rf "$out/traces"
COROSCOPE_FLIGHT_RECORDER=30s COROSCOPE_TRACE_DIR="$out/traces" \
  "$build_dir/examples/slow_service" | tee "$out/slow_service.txt"

echo
echo "=== cpu_hotspots: request tasks with planted hot functions, profiled (CPU, 499 Hz)"
rm -f "$out/cpu.otlp"
COROSCOPE_CPU_PROFILE="$out/cpu.pb.gz" COROSCOPE_SAMPLE_HZ=499 COROSCOPE_OTLP_FILE="$out/cpu.otlp" \
  "$build_dir/examples/cpu_hotspots" --seconds "$seconds" 2>&1 | tee "$out/cpu_hotspots.txt"

echo
echo "=== coroscope top: hot functions and hot tasks"
"$build_dir/tools/coroscope" top "$out/cpu.pb.gz" --limit 12 | tee "$out/top.txt"
"$build_dir/tools/coroscope" flamegraph "$out/cpu.pb.gz" -o "$out/flame.svg" \
  --title "cpu_hotspots: CPU by task and coroutine"
"$build_dir/tools/coroscope" collapse "$out/cpu.pb.gz" -o "$out/cpu.folded"
"$build_dir/tools/coroscope" otlp-dump "$out/cpu.otlp" >"$out/cpu.otlp.txt"

echo
echo "=== trace_correlation: an HTTP service continuing each request's traceparent; samples link to the spans"
rm -f "$out/trace.otlp"
COROSCOPE_SAMPLE_HZ=499 COROSCOPE_OTLP_FILE="$out/trace.otlp" \
  "$build_dir/examples/trace_correlation" --requests 200 --clients 4 2>&1 | tee "$out/trace_correlation.txt"
"$build_dir/tools/coroscope" otlp-dump "$out/trace.otlp" >"$out/trace.otlp.txt"

echo
echo "Output written to $out/:"
echo "  echo_server.txt        throughput and summary (tasks, workers, await sites, warnings)"
echo "  echo_server_plain.txt  throughput without the probe"
echo "  slow_service.txt       summary with one warning of each lint, and a task dump"
echo "  traces/                Perfetto traces (open in https://ui.perfetto.dev): one per lint, and the whole run"
echo "  cpu.pb.gz              CPU profile (pprof): go tool pprof -http=: $out/cpu.pb.gz"
echo "  flame.svg              interactive flamegraph (open in a browser): task frames at the root"
echo "  top.txt                hot functions and hot tasks (coroscope top)"
echo "  cpu.folded             collapsed stacks"
echo "  cpu.otlp, cpu.otlp.txt OTLP profiles requests as sent to a collector, and their dump"
echo "  trace.otlp, trace.otlp.txt  OTLP profiles whose samples link to each request's span"
