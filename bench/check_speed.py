#!/usr/bin/env python3
"""`flowc check` against libyaml's bare event parse of the same generated flows.

Both commands run interleaved, several times each, in one process of this script, so the
machine's noise hits both alike; the table reports medians and their ratio.
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
sys.path.insert(0, HERE)
import generate_flow  # noqa: E402
import tools  # noqa: E402


def run(command):
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr.decode()}")
    return elapsed


def measure(sizes, repeats):
    """(elements, bytes, bare parse median s, flowc check median s) for each size."""
    flowc = tools.swift_product("flowc")
    parse = tools.c_program("yaml_parse", "yaml")

    rows = []
    for size in sizes:
        path = os.path.join(OUT, f"Bench{size}.yaml")
        with open(path, "w") as file:
            file.write(generate_flow.flow(size))
        bare, check = [], []
        run([flowc, "check", path])  # warm the page cache
        for _ in range(repeats):
            bare.append(run([parse, path]))
            check.append(run([flowc, "check", path]))
        rows.append((size, os.path.getsize(path), statistics.median(bare), statistics.median(check)))
    return rows


def main():
    sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "100 1000 10000").split()]
    repeats = int(os.environ.get("BENCH_REPEATS", "11"))
    rows = measure(sizes, repeats)
    print(f"flowc check vs libyaml bare parse (median of {repeats} interleaved runs, whole process)")
    print(f"{'elements':>9} {'bytes':>10} {'bare parse':>11} {'flowc check':>12} {'ratio':>6} {'check µs/element':>17}")
    for size, length, bare, check in rows:
        print(f"{size:>9} {length:>10} {bare * 1000:>9.1f}ms {check * 1000:>10.1f}ms {check / bare:>5.2f}x {check / size * 1e6:>17.1f}")


if __name__ == "__main__":
    main()
