#!/usr/bin/env python3
"""Debug compile time of the Swift that `flowc generate` writes for generated flows of N
elements (bench/generate_flow.py): `swiftc -Onone` on the flow's file and AllFlows.swift,
against the debug build of CallFlowRuntime, as `swift build` compiles them. Whole compiler
processes, median of several runs.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
sys.path.insert(0, HERE)
import generate_flow  # noqa: E402
import tools  # noqa: E402


def measure(sizes, repeats):
    """Median seconds to compile the generated Swift, by size."""
    flowc = tools.swift_product("flowc", "debug")
    subprocess.run(["swift", "build", "--target", "CallFlowRuntime"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    debug = tools.bin_path("debug")
    os.makedirs(OUT, exist_ok=True)
    medians = {}
    for size in sizes:
        flow = os.path.join(OUT, f"Bench{size}.yaml")
        with open(flow, "w") as file:
            file.write(generate_flow.flow(size))
        generated = tempfile.mkdtemp(prefix=f"callflow-compile-{size}-")
        subprocess.run([flowc, "generate", "--output", generated, flow], check=True)
        sources = sorted(os.path.join(generated, name) for name in os.listdir(generated) if name.endswith(".swift"))
        command = ["swiftc", "-Onone", "-g", "-swift-version", "6", "-parse-as-library", "-module-name", "BenchFlows",
                   "-c", "-I", os.path.join(debug, "Modules")]
        for library in ("CCurl", "CYAML", "CSQLite", "CHiredis"):
            command += ["-I", os.path.join(ROOT, "Sources", library)]
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            result = subprocess.run(command + sources, cwd=generated, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                sys.exit(f"compiling the generated Swift of {size} elements failed:\n{result.stderr[:4000]}")
        medians[size] = statistics.median(times)
    return medians


def main():
    sizes = [int(n) for n in os.environ.get("BENCH_COMPILE_SIZES", "100 1000").split()]
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    for size, seconds in measure(sizes, repeats).items():
        print(f"debug compile of the generated Swift, {size} elements: {seconds:.1f} s ({seconds / size * 1000:.1f} ms an element)")


if __name__ == "__main__":
    main()
