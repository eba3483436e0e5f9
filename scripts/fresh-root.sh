#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
#
# Proves the README's promise on a fresh Debian 12 machine: builds a minimal bookworm root
# with debootstrap, copies the source tree in, runs scripts/install-deps.sh inside it
# (chroot, as root) and then, inside the root, checks that
#   - every CMake preset (release, asan, tsan, io_uring; each with the tests, examples and
#     viewer on) and the fuzz build of scripts/fuzz.sh (clang) configure,
#   - every source file of the release and fuzz trees preprocesses (a header of a package
#     that no find_package asks for would otherwise only fail in the build),
#   - clang links and runs a libFuzzer program, and `go tool pprof` is there.
# A package missing from install-deps.sh fails here, with the step and the error that
# names it. Takes 4 to 5 minutes; the root (about 2 GB) is deleted afterwards.
#
#   scripts/fresh-root.sh            needs root (re-runs itself with sudo when not root)
#   COROSCOPE_DEBIAN_MIRROR=URL      the Debian mirror (default: the one this host's apt uses
#                                    for bookworm, else http://deb.debian.org/debian)
#
# Nothing is cached between runs: the downloads (about 340 MB) take seconds from a Debian
# mirror, unpacking them is what takes the time, and a kept root would not be fresh. Logs
# are kept (and their place printed) only when a step failed.
set -euo pipefail

# Run inside the root by the host part below: the checks after install-deps.sh.
if [[ ${1:-} == --inside ]]; then
  src=/src
  out=/tmp/fresh-build
  logs=/tmp/fresh-root-logs
  mkdir -p "$out" "$logs"
  cd "$src"
  jobs=$(nproc)

  # Prints CMake's complaints in log $1 from the first warning or error (a missing
  # dependency of a found package is a warning before the error), or the log's tail.
  cmake_errors() {
    if grep -q "^CMake Error" "$1"; then
      sed -n '/^CMake Error\|^CMake Warning/,$p' "$1" | head -80
    else
      tail -40 "$1"
    fi
  }
  missing_package() {
    echo "fresh-root: FAILED: $1 on a fresh Debian 12 with only the packages of" \
      "scripts/install-deps.sh. A package is missing from that list: the error above" \
      "names what was not found (\`apt-file search <file>\` names its package)." >&2
    exit 1
  }

  # Configures build $1 (a preset name, or "fuzz" for scripts/fuzz.sh's clang build).
  configure() {
    local name=$1 log=$logs/configure-$1.log start=$SECONDS
    local args=(--preset "$name" -B "$out/$name" -DCOROSCOPE_BUILD_TESTS=ON
      -DCOROSCOPE_BUILD_EXAMPLES=ON -DCOROSCOPE_BUILD_VIEWER=ON)
    if [[ $name == fuzz ]]; then
      # As scripts/fuzz.sh configures it (with compile_commands.json for preprocess_all).
      args=(-S . -B "$out/fuzz" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
        -DCOROSCOPE_BUILD_FUZZERS=ON -DCOROSCOPE_BUILD_TESTS=OFF -DCOROSCOPE_BUILD_EXAMPLES=OFF
        -DCOROSCOPE_BUILD_BENCH=OFF -DCOROSCOPE_BUILD_TOOLS=OFF -DCOROSCOPE_BUILD_VIEWER=OFF)
      export CC=clang CXX=clang++
    fi
    if ! cmake "${args[@]}" >"$log" 2>&1; then
      cmake_errors "$log" >&2
      missing_package "\`$name\` does not configure"
    fi
    unset CC CXX
    echo "fresh-root: configure $name: ok ($((SECONDS - start)) s)"
  }

  # Runs every compile command of build tree $1 with -E instead of -c: each header the
  # sources include must be installed. Generated protobuf headers are made first (protoc);
  # moc's outputs are skipped (moc reads our own headers, which the sources include).
  preprocess_all() {
    local dir=$out/$1 log=$logs/preprocess-$1.log start=$SECONDS
    local generated
    mapfile -t generated < <(ninja -C "$dir" -t targets all |
      sed -n 's/^\([^/][^:]*\.pb\.h\): .*/\1/p')
    if ((${#generated[@]} > 0)) &&
      ! ninja -C "$dir" "${generated[@]}" >"$logs/protoc-$1.log" 2>&1; then
      tail -40 "$logs/protoc-$1.log" >&2
      missing_package "protoc cannot generate the headers of \`$1\`"
    fi
    if ! python3 - "$dir/compile_commands.json" "$jobs" >"$log" 2>&1 <<'EOF'; then
import json, shlex, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

def preprocess(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    cmd, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
        elif a not in ("-c", "-MD", "-MMD"):
            cmd.append(a)
    run = subprocess.run(cmd + ["-E", "-o", "/dev/null"], cwd=entry["directory"],
                         capture_output=True, text=True)
    return entry["file"], run.returncode, run.stderr

entries = [e for e in json.load(open(sys.argv[1])) if "_autogen/" not in e["file"]]
with ThreadPoolExecutor(int(sys.argv[2])) as pool:
    failed = [r for r in pool.map(preprocess, entries) if r[1] != 0]
for name, _, err in failed:
    print(f"{name}:\n{err.strip()[:2000]}")
print(f"{len(entries)} sources preprocessed, {len(failed)} failed")
sys.exit(1 if failed else 0)
EOF
      grep -v "^$" "$log" | head -60 >&2
      missing_package "sources of \`$1\` do not preprocess"
    fi
    echo "fresh-root: preprocess $1: $(tail -1 "$log") ($((SECONDS - start)) s)"
  }

  # scripts/fuzz.sh links with clang's libFuzzer and sanitizer runtimes (libclang-rt-14-dev).
  fuzzer_links() {
    local dir=$out/fuzz_link log=$logs/fuzzer-link.log
    mkdir -p "$dir"
    printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
      'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }' \
      >"$dir/check.cpp"
    if ! clang++ -fsanitize=fuzzer,address,undefined "$dir/check.cpp" -o "$dir/check" \
      >"$log" 2>&1 || ! "$dir/check" -runs=1 >>"$log" 2>&1; then
      tail -20 "$log" >&2
      missing_package "clang cannot link and run a libFuzzer program"
    fi
    echo "fresh-root: libFuzzer program links and runs: ok"
  }

  # Tools the suites run from PATH at test time.
  tools_present() {
    if ! go tool -n pprof >/dev/null 2>&1; then
      missing_package "\`go tool pprof\` (the suites check profiles with it) is missing"
    fi
    echo "fresh-root: go tool pprof: ok"
  }

  for build in release asan tsan io_uring fuzz; do configure "$build"; done
  preprocess_all release
  preprocess_all fuzz
  fuzzer_links
  tools_present
  exit 0
fi

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root_dir"

if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "fresh-root: needs root (debootstrap, chroot, mount)" >&2
    exit 1
  fi
  exec sudo --preserve-env=COROSCOPE_DEBIAN_MIRROR bash "$root_dir/scripts/fresh-root.sh" "$@"
fi

start=$SECONDS
step() { echo "fresh-root: [$((SECONDS - start)) s] $*"; }

# The http(s) URI this host's apt uses for Debian suite $1 (one-line .list files or deb822
# .sources files), or nothing.
apt_uri_for() {
  local suite=$1
  {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk -v s="$suite" '$1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ }
        if ($(i + 1) == s) print $i
      }'
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
      awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" } {
        uris = ""; suites = ""; types = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) uris = substr($i, 6)
          else if ($i ~ /^Suites:/) suites = substr($i, 8)
          else if ($i ~ /^Types:/) types = substr($i, 7)
        }
        gsub(/[ \t]+/, " ", suites); gsub(/[ \t]+/, " ", types)
        if ((" " types " ") ~ / deb / && (" " suites " ") ~ (" " s " ")) {
          split(uris, u, " "); print u[1]
        }
      }'
  } | grep -m1 -E '^https?://' || true
}

mirror=${COROSCOPE_DEBIAN_MIRROR:-$(apt_uri_for bookworm)}
mirror=${mirror:-http://deb.debian.org/debian}
security=$(apt_uri_for bookworm-security)
security=${security:-http://deb.debian.org/debian-security}

if ! command -v debootstrap >/dev/null; then
  step "installing debootstrap"
  env DEBIAN_FRONTEND=noninteractive apt-get -q -y install --no-install-recommends \
    debootstrap debian-archive-keyring >/dev/null
fi

work=$(mktemp -d /var/tmp/coroscope-fresh-root.XXXXXX)
root=$work/root
logs=$work/logs
mkdir -p "$root" "$logs"

# The root itself (when on tmpfs) and every mount below it, deepest first.
mounts_of_root() {
  awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts |
    sort -r
}
# The script's own output, for cleanup: a signal's trap runs inside the redirections of
# the command it interrupted (a step's log).
exec {out}>&1 {err}>&2
cleanup() {
  local rc=$? m
  trap - EXIT INT TERM
  exec 1>&"$out" 2>&"$err"
  if [[ -d $root/tmp/fresh-root-logs ]]; then cp -r "$root/tmp/fresh-root-logs/." "$logs/"; fi
  for m in $(mounts_of_root); do umount "$m" 2>/dev/null || umount -l "$m" || true; done
  if [[ -n $(mounts_of_root) ]]; then
    # Never delete through a mount (/dev is the host's).
    echo "fresh-root: still mounted in $root; left in place" >&2
  else
    rm -rf --one-file-system "$root"
    if ((rc == 0)); then
      rm -rf "$work"
    else
      echo "fresh-root: failed (exit $rc); logs kept in $logs" >&2
    fi
  fi
  step "cleaned up"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs command $2... as step $1 with its output in $logs/$1.log; on failure prints the tail.
logged() {
  local name=$1
  shift
  if ! "$@" >"$logs/$name.log" 2>&1; then
    tail -40 "$logs/$name.log" >&2
    echo "fresh-root: FAILED: $name" >&2
    exit 1
  fi
}
# Runs a command inside the root with a clean environment: nothing of this host's (a
# compiler launcher such as ccache, CC, CXX, sanitizer options) may leak in.
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# The root (about 2.3 GB at most) lives in memory when there is room: unpacking the
# packages is most of this stage's time, and on a disk shared with builds it ran more
# than twice as slow; throwing the root away is then one umount. Otherwise: /var/tmp.
available_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if ((available_kb > 8 * 1024 * 1024)); then
  mount -t tmpfs -o size=5g,mode=0755 fresh-root "$root"
  where="tmpfs"
else
  where="disk"
fi

# dpkg without an fsync per file (it matters on disk): the root is thrown away. Put in
# place first, so that debootstrap's own dpkg runs read it too.
mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/fresh-root-unsafe-io"

step "debootstrap bookworm (minbase) from $mirror into $root ($where)"
logged debootstrap debootstrap --variant=minbase bookworm "$root" "$mirror"

# The suites a fresh Debian 12 installation has.
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
# No package may start a service in the root (it would hold the mounts).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"

step "copying the source tree to /src"
mkdir "$root/src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and untracked files, not what .gitignore names (build trees); files deleted
  # in the working tree are left out.
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do if [[ -e $f ]]; then printf '%s\0' "$f"; fi; done |
    tar --null -T - -cf - | tar -C "$root/src" -xf -
else
  # Not a git checkout (a release tarball): everything but a build tree inside it.
  tar --exclude=./.git --exclude="./${COROSCOPE_BUILD_ROOT:-build}" -cf - . |
    tar -C "$root/src" -xf -
fi

mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"

step "scripts/install-deps.sh in the root"
logged install-deps in_root bash /src/scripts/install-deps.sh
grep -m1 "^install-deps: installing" "$logs/install-deps.log" | cut -c1-200 || true
grep -E "^(Need to get|After this operation)" "$logs/install-deps.log" || true

# The downloaded packages are not needed any more (and take memory on tmpfs).
in_root apt-get clean
step "checks in the root ($(du -sxh "$root" | cut -f1))"
in_root bash /src/scripts/fresh-root.sh --inside

step "passed"
