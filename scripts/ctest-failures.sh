#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
#
# Prints the tests that failed in the last ctest run of build tree $1, each with the last
# $2 (default 40) lines of its output. scripts/test.sh repeats this at the end of its log,
# because CI keeps only a log's tail and a failure deep in a long stage would scroll out.
set -euo pipefail
dir=$1
lines=${2:-40}
failed_list=$dir/Testing/Temporary/LastTestsFailed.log
full_log=$dir/Testing/Temporary/LastTest.log
if [[ ! -s $failed_list ]]; then
  echo "$dir: no failed test on record (did the build fail?)"
  exit 0
fi
while IFS= read -r entry; do
  name=${entry#*:}  # "<number>:<name>"
  echo "--- $dir: $name"
  # LastTest.log holds each test's output between its "N/M Test: <name>" line and the
  # next "<end of output>".
  awk -v name="$name" '
    $0 ~ "^[0-9]+/[0-9]+ Test: " && substr($0, index($0, "Test: ") + 6) == name { inside = 1; next }
    inside && /^<end of output>/ { exit }
    inside { print }
  ' "$full_log" | tail -n "$lines"
done < "$failed_list"
