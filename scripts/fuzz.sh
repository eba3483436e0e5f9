#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
#
# Builds the libFuzzer targets (fuzz/) with clang into $COROSCOPE_BUILD_ROOT/fuzz (default
# build/fuzz) and runs each for FUZZ_SECONDS (default 60), one per core at a time, over a
# copy of its seed corpus (fuzz/corpus/<target>/). Prints one line per target with the
# executions run; exits non-zero when a target crashed, leaked, timed out or could not be
# built. A crashing input is left as crash-* in the target's work directory: add it to the
# corpus as a regression seed once fixed.
#
#   scripts/fuzz.sh [--merge] [target...]
#     --merge   afterwards, merge what the run found into the committed corpus
#               (libFuzzer -merge=1: only inputs that add coverage)
#     target    run only these (default: every fuzz_* target built)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_root=${COROSCOPE_BUILD_ROOT:-build}
dir=$build_root/fuzz
seconds=${FUZZ_SECONDS:-60}
jobs=$(nproc)
merge=0
targets=()
for arg in "$@"; do
  case $arg in
    --merge) merge=1 ;;
    -h|--help) sed -n '3,15p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $arg" >&2; exit 2 ;;
    *) targets+=("$arg") ;;
  esac
done

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (Debian packages clang and libclang-rt-14-dev)" >&2
  exit 2
fi

CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCOROSCOPE_BUILD_FUZZERS=ON \
  -DCOROSCOPE_BUILD_TESTS=OFF -DCOROSCOPE_BUILD_EXAMPLES=OFF -DCOROSCOPE_BUILD_BENCH=OFF \
  -DCOROSCOPE_BUILD_TOOLS=OFF -DCOROSCOPE_BUILD_VIEWER=OFF >"$dir.configure.log" 2>&1 || {
  cat "$dir.configure.log" >&2
  echo "fuzz.sh: configure failed" >&2
  exit 1
}
cmake --build "$dir" --target fuzzers -j "$(nproc)"

if [ ${#targets[@]} -eq 0 ]; then
  for exe in "$dir"/fuzz/fuzz_*; do
    [ -x "$exe" ] && targets+=("$(basename "$exe")")
  done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Runs target $1 for $seconds; prints its line; non-zero when it failed.
run_target() {
  local t=$1 exe=$dir/fuzz/$1 seeds=fuzz/corpus/$1 work=$dir/runs/$1 status=0 execs
  if [ ! -x "$exe" ]; then
    echo "$t: not built"
    return 1
  fi
  # A fresh copy: the run adds what it finds there, never to the committed corpus.
  rm -rf "$work"
  mkdir -p "$work/corpus"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work/corpus/"
  (cd "$work" && TMPDIR=$PWD "$root/$exe" -max_total_time="$seconds" -timeout=60 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 corpus >log 2>&1) || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  if [ $status -eq 0 ]; then
    echo "$t: ok, ${execs:-?} executions in ${seconds}s, corpus $(ls "$work/corpus" | wc -l) inputs"
  else
    # One write, so that the lines of targets running beside it do not interleave.
    printf '%s\n' "$t: FAILED (exit $status) after ${execs:-?} executions; log: $work/log
$(grep -m1 -E "ERROR: |runtime error|==ERROR|deadly signal" "$work/log" || true)
$(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null || true)"
    return 1
  fi
  if [ $merge -eq 1 ]; then
    mkdir -p "$seeds"
    (cd "$work" && "$root/$exe" -merge=1 "$root/$seeds" corpus >merge.log 2>&1)
  fi
}

# One target per core at a time: each still runs its full $seconds (CI has 90 minutes).
failed=0
running=0
for t in "${targets[@]}"; do
  if ((running >= jobs)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done
exit $failed
