#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
#
# Sets up the machine and runs every test, in stages:
#   fresh_root  the README's promise on a fresh Debian 12 machine (scripts/fresh-root.sh):
#             a minimal bookworm root from debootstrap, install-deps.sh run in it, then
#             every preset and the fuzz build configured there, every source preprocessed,
#             a libFuzzer program linked. A package missing from install-deps.sh fails here.
#             Needs root (or sudo) and a Debian mirror; the root is thrown away afterwards
#   release   build the `release` preset with the Qt viewer, run its ctest suite (every
#             suite: unit, sampler, symbols, exporter, flamegraph, tools, otlp, http,
#             console, heap, integration, faults, viewer, example smoke tests)
#   layers    the link graph of the release tree (`cmake --graphviz`) checked against the
#             layering in docs/ARCHITECTURE.md: scripts/check-layers.py
#   io_uring  build the probe's unit tests on Asio's io_uring backend and run them
#             (skipped, and said so, where the kernel refuses io_uring)
#   install   `cmake --install` the release build, build tests/install/ against it with
#             find_package(coroscope), run it
#   asan      the same suites (without the viewer: Qt's own caches read as leaks) built with
#             AddressSanitizer + UndefinedBehaviorSanitizer
#   tsan      the same suites built with ThreadSanitizer, but for those of code that runs
#             on one thread (encoders, flamegraphs, the CLI)
#   fuzz      the libFuzzer targets (clang) for FUZZ_SECONDS (default here 30) each over
#             their committed corpus: scripts/fuzz.sh
# A sanitizer report fails its test (ASan/UBSan abort; TSan exits non-zero, see below).
# Each stage says how long it took; the last line is "N passed, N failed, N skipped, in
# N s"; the exit status is non-zero when any stage failed. COROSCOPE_BUILD_ROOT (default:
# build) moves the build trees.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc)
build_root=${COROSCOPE_BUILD_ROOT:-build}
release_dir=$build_root/release
io_uring_dir=$build_root/io_uring
# Any sanitizer report makes the process exit non-zero, so ctest sees it as a failure.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

bash scripts/install-deps.sh

# A compiler cache: CI runs on the same machine stop after stop, so a file that did not
# change is not compiled again (a cold run must still fit in CI's 90 minutes). Paths are
# hashed relative to the clone, so a fresh clone elsewhere hits the same entries.
export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coroscope-ccache}
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-12G}

# Configures preset $1 into directory $2 (extra cache options follow) and builds it all.
# -k 0: a target that fails to build does not stop the others (the install stage needs
# only the libraries).
configure_and_build() {
  local preset=$1 dir=$2
  shift 2
  cmake --preset "$preset" -B "$dir" "$@"
  cmake --build "$dir" -j "$jobs" -- -k 0 2>&1 | tee "$dir/build.log" || {
    { echo "--- $dir: the build failed"; { grep -A 15 '^FAILED: ' "$dir/build.log" || true; } | head -n 60; } \
      >> "$failure_details"
    return 1
  }
}

# Runs a build's ctest suite. Serially: several tests measure time on purpose, and this
# machine has few cores.
# A failure's output is also kept for the end of the log (scripts/ctest-failures.sh).
run_ctest() {
  local dir=$1
  shift
  ctest --test-dir "$dir" --output-on-failure --no-tests=error --timeout 300 "$@" ||
    { bash scripts/ctest-failures.sh "$dir" >> "$failure_details"; return 1; }
}

stage_release() {
  # Explicit: a build tree configured earlier with some of these off keeps its cache. The
  # benchmarks (bench/, run by hand: docs/PERFORMANCE.md) are not built here: CI has 90
  # minutes on 2 cores, and builds are most of them.
  configure_and_build release "$release_dir" \
    -DCOROSCOPE_BUILD_TESTS=ON -DCOROSCOPE_BUILD_EXAMPLES=ON -DCOROSCOPE_BUILD_BENCH=OFF \
    -DCOROSCOPE_BUILD_VIEWER=ON
  run_ctest "$release_dir"
}

# Whether this kernel lets us set up an io_uring (containers often forbid it: EPERM):
# 0 yes, 1 no (the reason is printed), 2 the check program could not be built.
io_uring_works() {
  local dir
  dir=$(mktemp -d)
  cat >"$dir/check.c" <<'EOF'
#include <liburing.h>
#include <stdio.h>
#include <string.h>
int main(void) {
  struct io_uring ring;
  int rc = io_uring_queue_init(8, &ring, 0);
  if (rc < 0) {
    printf("io_uring_queue_init: %s\n", strerror(-rc));
    return 1;
  }
  io_uring_queue_exit(&ring);
  return 0;
}
EOF
  local rc=0
  if cc "$dir/check.c" -o "$dir/check" -luring; then
    "$dir/check" || rc=1
  else
    rc=2
  fi
  rm -rf "$dir"
  return "$rc"
}

stage_io_uring() {
  local rc=0
  io_uring_works || rc=$?
  case $rc in
    0) ;;
    1) echo "io_uring unavailable here: skipped"; return 77 ;;
    *) echo "could not build the io_uring check program"; return 1 ;;
  esac
  # The probe's own suite: the backend only changes how workers park and wake.
  cmake --preset io_uring -B "$io_uring_dir" -DCOROSCOPE_BUILD_TESTS=ON \
    -DCOROSCOPE_BUILD_EXAMPLES=OFF -DCOROSCOPE_BUILD_BENCH=OFF -DCOROSCOPE_BUILD_TOOLS=OFF
  cmake --build "$io_uring_dir" -j "$jobs" --target coroscope_unit_tests
  "$io_uring_dir/tests/coroscope_unit_tests"
}

stage_install() {
  # Not local: the trap runs when the stage's subshell exits, after this function returned.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cmake --install "$release_dir" --prefix "$work/prefix"
  cmake -S tests/install -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_PREFIX_PATH="$work/prefix"
  # Configuring fails when the package exports a target no program there links.
  cmake --build "$work/build" -j "$jobs"
  ctest --test-dir "$work/build" --output-on-failure --no-tests=error
}

# Configures and builds sanitizer preset $1 (extra cache options follow) and runs its suites.
stage_sanitizer() {
  local preset=$1
  shift
  # Without the examples (and so the whole-program integration tests): the release stage
  # runs those.
  configure_and_build "$preset" "$build_root/$preset" \
    -DCOROSCOPE_BUILD_TESTS=ON -DCOROSCOPE_BUILD_EXAMPLES=OFF -DCOROSCOPE_BUILD_BENCH=OFF "$@"
  run_ctest "$build_root/$preset"
}
stage_asan() { stage_sanitizer asan -DCOROSCOPE_BUILD_TOOLS=ON -DCOROSCOPE_BUILD_SINGLE_THREADED_TESTS=ON; }
# ThreadSanitizer finds nothing in code that runs on one thread: the suites of the encoders,
# the flamegraphs and the CLI (and the CLI) are left to the asan stage.
stage_tsan() { stage_sanitizer tsan -DCOROSCOPE_BUILD_TOOLS=OFF -DCOROSCOPE_BUILD_SINGLE_THREADED_TESTS=OFF; }
# 30 s per target here (fuzz.sh's own default is 60): a smoke run over the committed corpus
# within CI's 90 minutes; longer runs by hand.
stage_fuzz() { FUZZ_SECONDS=${FUZZ_SECONDS:-30} bash scripts/fuzz.sh; }
stage_layers() {
  cmake --graphviz="$release_dir/graph/targets.dot" "$release_dir" >/dev/null
  python3 scripts/check-layers.py "$release_dir/graph/targets.dot"
}
stage_fresh_root() { bash scripts/fresh-root.sh; }

failure_details=$(mktemp)
trap 'rm -f "$failure_details"' EXIT
passed=0
failed=0
skipped=0
failures=()

# Runs stage_$1 in a subshell with errexit on (it would be off inside an `if`), counts it.
run_stage() {
  local name=$1 rc start=$SECONDS
  echo
  echo "=== stage $name"
  set +e
  (
    set -e
    "stage_$name"
  )
  rc=$?
  set -e
  local took="$((SECONDS - start)) s"  # CI has 90 minutes in all: where they go
  case $rc in
    0) passed=$((passed + 1)); echo "=== stage $name: passed ($took)" ;;
    77) skipped=$((skipped + 1)); echo "=== stage $name: skipped ($took)" ;;
    *) failed=$((failed + 1)); failures+=("$name"); echo "=== stage $name: FAILED ($rc, $took)" ;;
  esac
}

run_stage fresh_root
run_stage release
run_stage layers
run_stage io_uring
run_stage install
run_stage asan
run_stage tsan
run_stage fuzz

echo
if [[ -s $failure_details ]]; then
  echo "=== failed tests, the end of each one's output"
  cat "$failure_details"
  echo
fi
if ((failed > 0)); then echo "failed stages: ${failures[*]}"; fi
echo "$passed passed, $failed failed, $skipped skipped, in $SECONDS s"
((failed == 0))
