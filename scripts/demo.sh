#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
#
# The demo: installs what the build needs, builds the examples (release preset), runs the
# instrumented echo service and the misbehaving service, and says where their output is.
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
cmake --build "$build_dir" -j "$(nproc)" --target echo_server slow_service
mkdir -p "$out"

echo
echo "=== echo_server: 16 connections for ${seconds} s on 2 workers, then the probe's summary"
"$build_dir/examples/echo_server" --seconds "$seconds" | tee "$out/echo_server.txt"

echo
echo "=== echo_server --plain: the same workload without the probe"
"$build_dir/examples/echo_server" --plain --seconds "$seconds" | tee "$out/echo_server_plain.txt"

echo
echo "=== slow_service: a task for each lint"
"$build_dir/examples/slow_service" | tee "$out/slow_service.txt"

# --- Profiles -----------------------------------------------------------------------------
# When the sampler and exporters exist, record profiles of the runs above here (for example
# COROSCOPE_CPU_PROFILE="$out/echo_server.pb.gz" on the echo_server run, then
# `go tool pprof -top` on it and a flamegraph SVG next to it) and list them below.

echo
echo "Output written to $out/:"
echo "  echo_server.txt        throughput and summary (tasks, workers, await sites, warnings)"
echo "  echo_server_plain.txt  throughput without the probe"
echo "  slow_service.txt       summary with one warning of each lint"
