#!/usr/bin/env python3
"""What flows add to `swift build` in a package that keeps many of them: 200 flows of 30
elements (bench/generate_flow.py) in a package depending on CallFlow by path, as a user's
would, beside the same package with no flows.

Measured: a clean build of each; the flows target alone rebuilt from nothing with 100 and with
200 flows (how the flows' part grows); no-op builds of each package, interleaved; and one
flow's `Description` edited, then built (the generated Swift of that flow changes).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate_flow  # noqa: E402
from tools import ROOT  # noqa: E402

MANIFEST = """// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ContactCentre",
    dependencies: [.package(path: "{root}")],
    targets: [
        .executableTarget(
            name: "flows",
            dependencies: [
                .product(name: "CallFlowRuntime", package: "{package}"),
                .product(name: "FlowsCommand", package: "{package}"),
            ],
            path: "Flows",{linker}
            plugins: [.plugin(name: "CallFlowPlugin", package: "{package}")]
        ),
    ]
)
"""


LLD = """
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])],"""


def write_manifest(directory, lld=False):
    with open(os.path.join(directory, "Package.swift"), "w") as file:
        file.write(MANIFEST.format(root=ROOT, package=os.path.basename(ROOT).lower(), linker=LLD if lld else ""))


def make_package(directory, flows):
    os.makedirs(os.path.join(directory, "Flows"))
    write_manifest(directory)
    with open(os.path.join(directory, "Flows", "main.swift"), "w") as file:
        file.write("import FlowsCommand\n\nawait FlowsMain.main(flows: GeneratedFlows.all, workflows: GeneratedFlows.workflows)\n")
    write_flows(directory, flows)


def write_flows(directory, count, elements=30):
    folder = os.path.join(directory, "Flows")
    for name in os.listdir(folder):
        if name.endswith(".yaml"):
            os.remove(os.path.join(folder, name))
    text = generate_flow.flow(elements)
    for index in range(count):
        with open(os.path.join(folder, f"Bench{index}.yaml"), "w") as file:
            file.write(text.replace(f"Flow: Bench{elements}", f"Flow: Bench{index}", 1))


def build(directory):
    start = time.perf_counter()
    result = subprocess.run(["swift", "build", "--package-path", directory], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"swift build in {directory} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def forget_flows_target(directory):
    """Removes what the build made of the `flows` target (its objects, module and the plugin's
    output), so the next build makes it again from nothing while the dependencies stay built."""
    build_path = os.path.join(directory, ".build")
    for root, folders, files in os.walk(build_path):
        for folder in list(folders):
            if folder in ("flows.build", "flows.product") or (folder == "flows" and "plugins" in root):
                shutil.rmtree(os.path.join(root, folder))
                folders.remove(folder)
        for file in files:
            if file.startswith("flows.") and root.endswith("Modules"):
                os.remove(os.path.join(root, file))


def measure(repeats, flows=200):
    """Seconds: clean builds, the flows target from nothing (half and all the flows), no-op
    medians, the median rebuilds after one flow edit (default linker, lld)."""
    directory = tempfile.mkdtemp(prefix="callflow-build-bench-")
    try:
        with_flows, without = os.path.join(directory, "WithFlows"), os.path.join(directory, "NoFlows")
        make_package(with_flows, flows)
        make_package(without, 0)
        clean_with = build(with_flows)
        clean_without = build(without)
        target = {}
        for count in (flows // 2, flows):
            write_flows(with_flows, count)
            forget_flows_target(with_flows)
            target[count] = build(with_flows)
        noop_with, noop_without = [], []
        for _ in range(repeats):
            noop_with.append(build(with_flows))
            noop_without.append(build(without))
        flow = os.path.join(with_flows, "Flows", "Bench7.yaml")
        with open(flow) as file:
            original = file.read()
        edits = {False: [], True: []}
        for round in range(repeats):
            for lld in (False, True):
                write_manifest(with_flows, lld)
                build(with_flows)  # relinks with the other linker; not measured
                with open(flow, "w") as file:
                    file.write(original.replace("Description: generated for benchmarks", f"Description: edited {round} {lld}"))
                edits[lld].append(build(with_flows))
        return {
            "clean": (clean_with, clean_without),
            "target": (target[flows // 2], target[flows]),
            "noop": (statistics.median(noop_with), statistics.median(noop_without)),
            "edit": statistics.median(edits[False]),
            "edit_lld": statistics.median(edits[True]),
        }
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    repeats = int(os.environ.get("BENCH_REPEATS", "5"))
    result = measure(repeats)
    print(result)


if __name__ == "__main__":
    main()
