#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
#
# Installs every Debian package that building, testing and benchmarking coroscope needs.
# Idempotent: when all of them are installed already it only says so (no apt run).
# Runs as root; uses sudo only when it is not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config   # toolchain
  ccache                                          # compiler cache (scripts/test.sh)
  libboost1.81-dev                                # Boost.Asio, the runtime being profiled
  liburing-dev                                    # Asio's io_uring backend (COROSCOPE_IO_URING)
  libunwind-dev libdw-dev                         # sampler: unwinding and symbolization
  libprotobuf-dev protobuf-compiler zlib1g-dev    # exporter: pprof / OTLP, gunzip
  libdeflate-dev                                  # exporter: gzip writer (twice zlib's speed; pprof export budget)
  golang-github-google-pprof-dev                  # pprof's profile.proto
  golang-go                                       # `go tool pprof` to check exported profiles
  libcli11-dev                                    # command lines (examples, coroscope CLI)
  nlohmann-json3-dev                              # JSON for the HTTP debug endpoints
  prometheus                                      # tests: `promtool check metrics` on /metrics (tests/http)
  libgtest-dev libgmock-dev libbenchmark-dev      # tests and benchmarks
  python3                                         # tests: SVG checks (tests/flamegraph, tests/tools)
  qt6-base-dev qt6-charts-dev libgl-dev           # viewer: coroscope-console (Qt 6 Widgets, Charts)
  libqt6opengl6-dev                               # Qt6Charts needs Qt6OpenGL (only a Recommends of qt6-charts-dev)
  xvfb xauth                                      # viewer tests and screenshots without a display
  clang libclang-rt-14-dev                        # libFuzzer targets
)

installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo" >&2; exit 1; }
  sudo=(sudo)
fi
apt_get() { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y "$@"; }

echo "install-deps: installing ${missing[*]}"
apt_get update
# A name the package lists do not know is a clear error here, not an apt failure later.
for p in "${missing[@]}"; do
  policy=$(apt-cache policy "$p" 2>/dev/null)
  if [[ "$policy" != *"Candidate: "* || "$policy" == *"Candidate: (none)"* ]]; then
    echo "install-deps: no installable package named $p" >&2
    exit 1
  fi
done
apt_get install --no-install-recommends "${missing[@]}"
