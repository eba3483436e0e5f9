#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
"""Instructions per unit of work, by source line, from two callgrind runs of different
lengths (docs/PERFORMANCE.md's recipe): (Ir(long) - Ir(short)) / (units(long) -
units(short)) for each line of the files whose path contains FILTER, so start-up cancels
out. Lines under 0.5 are left out.

    scripts/callgrind-lines.py poll_hooks.hpp cg.4000-01 cg.6000-01 380416 862976
"""
import re
import subprocess
import sys


def line_costs(profile: str, wanted: str) -> dict:
    """{(file, line): (Ir, text)} of the annotated sources whose path contains `wanted`."""
    out = subprocess.run(["callgrind_annotate", "--auto=yes", "--show-percs=no", "--context=0", profile],
                         capture_output=True, text=True, check=True).stdout
    costs, source, line = {}, None, None
    for text in out.splitlines():
        header = re.match(r"-- Auto-annotated source: (.*)", text)
        if header:
            source, line = header.group(1).strip(), None
            continue
        if source is None or wanted not in source:
            continue
        marker = re.match(r"-- line (\d+) ", text)
        if marker:
            line = int(marker.group(1))
            continue
        row = re.match(r"\s*([\d,]+|\.)\s+(.*)$", text)
        if row and line is not None:
            ir = 0 if row.group(1) == "." else int(row.group(1).replace(",", ""))
            previous = costs.get((source, line), (0, ""))[0]
            costs[(source, line)] = (previous + ir, row.group(2))
            line += 1
    return costs


def main() -> int:
    if len(sys.argv) != 6:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    wanted, short, long, short_units, long_units = sys.argv[1:]
    units = int(long_units) - int(short_units)
    if units <= 0:
        print("the long run must have done more units than the short one", file=sys.stderr)
        return 2
    a, b = line_costs(short, wanted), line_costs(long, wanted)
    total = 0.0
    for key in sorted(set(a) | set(b)):
        per_unit = (b.get(key, (0, ""))[0] - a.get(key, (0, ""))[0]) / units
        total += per_unit
        if abs(per_unit) >= 0.5:
            text = (b.get(key) or a.get(key))[1]
            print(f"{per_unit:7.1f}  {key[0].rsplit('/', 1)[-1]}:{key[1]}  {text[:100]}")
    print(f"{total:7.1f}  in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
