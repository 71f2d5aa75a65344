#!/usr/bin/env python3
"""What flows add to `swift build`: a package whose flows target holds the four example flows
against the same package with no flows, both built once, then no-op builds of each,
interleaved; and a rebuild after one flow file is edited (its spoken text changed, so the
generated Swift changes).

The packages use CallFlow by path, as a user's would (Tests/Fixtures/FlowPackage).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURE = os.path.join(ROOT, "Tests", "Fixtures", "FlowPackage")


def make_package(directory, with_flows):
    os.makedirs(os.path.join(directory, "Flows"))
    with open(os.path.join(FIXTURE, "Package.swift")) as file:
        manifest = file.read()
    manifest = manifest.replace("CALLFLOW_PATH", ROOT).replace("CALLFLOW_PACKAGE", os.path.basename(ROOT).lower())
    with open(os.path.join(directory, "Package.swift"), "w") as file:
        file.write(manifest)
    shutil.copy(os.path.join(FIXTURE, "Flows", "main.swift"), os.path.join(directory, "Flows"))
    if with_flows:
        for name in sorted(os.listdir(os.path.join(ROOT, "Flows"))):
            if name.endswith(".yaml"):
                shutil.copy(os.path.join(ROOT, "Flows", name), os.path.join(directory, "Flows"))


def build(directory):
    start = time.perf_counter()
    result = subprocess.run(["swift", "build", "--package-path", directory], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"swift build in {directory} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def measure(repeats):
    """Medians in seconds: no-op with flows, no-op without, rebuild after one flow edit."""
    directory = tempfile.mkdtemp(prefix="callflow-build-bench-")
    try:
        with_flows, without = os.path.join(directory, "WithFlows"), os.path.join(directory, "NoFlows")
        make_package(with_flows, True)
        make_package(without, False)
        build(with_flows)
        build(without)
        noop_with, noop_without = [], []
        for _ in range(repeats):
            noop_with.append(build(with_flows))
            noop_without.append(build(without))
        flow = os.path.join(with_flows, "Flows", "DtmfMenu.yaml")
        with open(flow) as file:
            original = file.read()
        edits = []
        for round in range(repeats):
            with open(flow, "w") as file:
                file.write(original.replace("Press 1 for sales", f"Press 1 for sales ({round})"))
            edits.append(build(with_flows))
        return statistics.median(noop_with), statistics.median(noop_without), statistics.median(edits)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    repeats = int(os.environ.get("BENCH_REPEATS", "5"))
    noop_with, noop_without, edit = measure(repeats)
    print(f"build (median of {repeats}): no-op with the example flows {noop_with:.2f} s, "
          f"without flows {noop_without:.2f} s, added {noop_with - noop_without:+.2f} s; one flow edited {edit:.2f} s")


if __name__ == "__main__":
    main()
