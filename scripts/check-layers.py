#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
"""Fails when a coroscope library links against the layering: each target belongs to a
layer, and a layer may link only the layers listed for it in LAYERS (docs/ARCHITECTURE.md,
"Layers", says what each holds and why).

    scripts/check-layers.py GRAPH.dot       # GRAPH.dot: `cmake --graphviz=GRAPH.dot`

Every library and program of the product must have a layer in TARGETS; tests, benchmarks,
examples and fuzz targets may link anything. Links that break the layering today and are
being removed (issue 15) are listed in KNOWN_UPWARD: a new such link fails, and so does a
listed one that no longer exists (take it off the list)."""
import re
import sys

# The layer of every product target, and which layers each layer may link (its own
# included). The recording core and the encoders do not know each other: the agent joins them.
LAYERS = {
    "base": {"base"},                        # plain values (the model) and shared pieces
    "sampler": {"base", "sampler"},          # CPU and heap samplers, the symbolizer
    "encoder": {"base", "encoder"},          # pprof, OTLP, flamegraphs: the model in, bytes out
    "core": {"base", "sampler", "core"},     # the recording core: hooks, rings, aggregator
    "agent": {"base", "sampler", "encoder", "core", "agent"},  # the services a probe runs
    "surface": {"base", "sampler", "encoder", "core", "agent", "surface"},  # what users link
}
TARGETS = {
    "coroscope_warnings": "base",
    "coroscope_cloexec_io": "base",
    "coroscope_base": "base",
    "coroscope_model": "base",
    "coroscope_console_protocol": "base",
    "coroscope_otlp_proto": "base",
    "coroscope_perfetto_proto": "base",
    "coroscope_sampler": "sampler",
    "coroscope_symbols": "sampler",
    "coroscope_heap_core": "sampler",
    "coroscope_heap_file": "agent",
    "coroscope_exporter": "encoder",
    "coroscope_otlp": "encoder",
    "coroscope_perfetto": "encoder",
    "coroscope_otlp_http": "agent",
    "coroscope_hooks": "core",
    "coroscope_runtime_probe": "core",
    "coroscope_http": "agent",
    "coroscope_agent": "agent",
    "coroscope": "surface",
    "coroscope_coro": "surface",
    "coroscope_console_client": "surface",
    "coroscope_heap": "surface",
    "coroscope_heap_preload": "surface",
    "coroscope_tool": "surface",
    "viewer_core": "surface",
    "coroscope-console": "surface",
}

# Links against the layering that exist today, each to be removed by issue 15: none are left.
# An entry is a (source, target) pair with a comment saying why; the list only shrinks.
KNOWN_UPWARD = set()

# Targets that are no part of the product: they may link anything.
NOT_PRODUCT = re.compile(r"(_tests?|_test_plugin|_bench|_bench_plain|_host)$|^coroscope_fuzz_")


def read_graph(path):
    names, edges = {}, set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\s*"(node\d+)" \[ label = "([^"\\]+)', line)
            if m:
                names[m.group(1)] = m.group(2)
                continue
            m = re.match(r'\s*"(node\d+)" -> "(node\d+)"', line)
            if m:
                edges.add((m.group(1), m.group(2)))
    return {(names[a], names[b]) for a, b in edges if a in names and b in names}


def ours(name):
    return name.startswith("coroscope") or name == "viewer_core"


def check(links):
    errors, upward = [], set()
    for source, target in sorted(links):
        if not ours(source) or not ours(target) or NOT_PRODUCT.search(source):
            continue
        for name in (source, target):
            if name not in TARGETS:
                errors.append(f"{name}: no layer; add it to TARGETS in scripts/check-layers.py "
                              "and to docs/ARCHITECTURE.md")
        if source not in TARGETS or target not in TARGETS:
            continue
        if TARGETS[target] not in LAYERS[TARGETS[source]]:
            if (source, target) in KNOWN_UPWARD:
                upward.add((source, target))
            else:
                errors.append(f"{source} ({TARGETS[source]}) links {target} "
                              f"({TARGETS[target]}), which its layer may not link")
    for source, target in sorted(KNOWN_UPWARD - upward):
        errors.append(f"{source} no longer links {target}: take it off KNOWN_UPWARD")
    return errors, upward


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    errors, upward = check(read_graph(sys.argv[1]))
    for e in sorted(set(errors)):
        print(f"check-layers: {e}", file=sys.stderr)
    if errors:
        return 1
    print(f"check-layers: layering holds ({len(upward)} known exceptions, in KNOWN_UPWARD)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
