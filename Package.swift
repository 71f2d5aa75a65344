// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "CallFlow",
    products: [
        .executable(name: "flowc", targets: ["flowc"]),
        // This repository's runner of its example flows. Users build their own `flows` (docs/
        // flows.md); a product or target named `flows` here would clash with theirs.
        .executable(name: "callflow-examples", targets: ["callflow-examples"]),
        .plugin(name: "CallFlowPlugin", targets: ["CallFlowPlugin"]),
        .library(name: "CallFlowCompiler", targets: ["CallFlowCompiler"]),
        .library(name: "CallFlowRuntime", targets: ["CallFlowRuntime"]),
        .library(name: "FlowsCommand", targets: ["FlowsCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Metrics: the runtime records through swift-metrics' API only; `flows serve --metrics`
        // exposes them with swift-prometheus.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // System libraries, found through pkg-config; `make setup` installs the apt packages.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The runtime's state across calls and processes (request logs, rate limits, alert
        // throttles): the system SQLite, a C library every Debian machine has, not a wrapper
        // package, since the runtime needs a handful of statements only.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Shared state for a fleet (`--state redis://…`): hiredis, Redis's own C client, a
        // blocking one, which the store runs on its own queues like SQLite.
        .systemLibrary(
            // Without pkg-config: hiredis.pc's -D_FILE_OFFSET_BITS=64 is a flag SwiftPM warns of.
            name: "CHiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),

        // libre: SIP, SDP and its main loop, for `flows serve`. Only CSIPShim's C code uses it.
        .systemLibrary(
            name: "CRe",
            pkgConfig: "libre",
            providers: [.apt(["libre-dev"])]
        ),

        // librem: RTP audio helpers (G.711, resampling, WAV files), for `flows serve`.
        .systemLibrary(
            name: "CRem",
            pkgConfig: "librem",
            providers: [.apt(["librem-dev"])]
        ),
        // flite: speech for `flows serve`, with its US English voices.
        .systemLibrary(
            name: "CFlite",
            providers: [.apt(["flite1-dev"])]
        ),

        // pocketsphinx: the offline speech recognizer of workflows' `Transcription` with
        // `Engine: local` (its US English model is the package pocketsphinx-en-us).
        .systemLibrary(
            name: "CPocketSphinx",
            pkgConfig: "pocketsphinx",
            providers: [.apt(["libpocketsphinx-dev", "pocketsphinx-en-us"])]
        ),

        // glibc's `mallopt`, for flowc's heap (see `HugePageHeap`); no library to link.
        .systemLibrary(name: "CMalloc"),

        // The compiler: YAML with positions, the flow model, the checks, diagnostics.
        .target(
            name: "CallFlowCompiler",
            dependencies: ["CYAML"]
        ),
        // The thin command-line front end of the compiler.
        .executableTarget(
            name: "flowc",
            dependencies: [
                "CallFlowCompiler",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // What generated flow code runs on: the call, its events, HTTP over libcurl, state in
        // SQLite or Redis.
        .target(
            name: "CallFlowRuntime",
            dependencies: ["CCurl", "CSQLite", "CHiredis", .product(name: "Metrics", package: "swift-metrics")]
        ),

        // The SIP server of `flows serve`: a small C layer over libre (whose key calls are
        // variadic, which Swift cannot call) with its own thread, and its Swift face.
        .target(
            name: "CSIPShim",
            dependencies: ["CRe", "CRem"],
            cSettings: [
                // What libre's headers expect the build to say (libre.pc does not).
                .define("HAVE_INTTYPES_H"), .define("HAVE_STDBOOL_H"), .define("HAVE_INET6"), .define("HAVE_UNISTD_H"),
            ]
        ),
        .target(
            name: "CallFlowSIP",
            dependencies: ["CSIPShim", "CFlite", "CPocketSphinx", "CallFlowRuntime"]
        ),

        // Runs flowc over the flow files of the target it is applied to.
        .plugin(
            name: "CallFlowPlugin",
            capability: .buildTool(),
            dependencies: ["flowc"]
        ),
        // The `flows` command (list, run) for a target's compiled flows.
        .target(
            name: "FlowsCommand",
            dependencies: [
                "CallFlowRuntime",
                "CallFlowSIP",
                // The compiler's YAML loader and scenario decoder: scenario files are read when
                // `flows test` runs, with the same positions and messages as flow files.
                "CallFlowCompiler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The example flows of Flows/ (linked into this target's folder), compiled and runnable.
        .executableTarget(
            name: "callflow-examples",
            dependencies: ["CallFlowRuntime", "FlowsCommand"],
            plugins: ["CallFlowPlugin"]
        ),

        .testTarget(
            name: "CallFlowCompilerTests",
            dependencies: ["CallFlowCompiler", "flowc"],
            exclude: ["Fixtures", "Golden"]
        ),
        .testTarget(
            name: "CallFlowRuntimeTests",
            dependencies: ["CallFlowRuntime", "CallFlowCompiler", "CallFlowSIP", "FlowsCommand", "FaultFlows", "callflow-examples"],
            exclude: ["Support/echo_server.py", "Support/smtp_server.py", "Support/provider_server.py"]
        ),
        // `make bench`: N calls of a one-request flow, for bench/http_speed.py.
        .executableTarget(
            name: "callflow-http-bench",
            dependencies: ["CallFlowRuntime"],
            path: "bench/HTTPBench",
            plugins: ["CallFlowPlugin"]
        ),
        // Flows made for the runtime's fault tests, compiled by the plugin as a user's would be.
        // (A test target cannot apply the plugin: its tool would be linked into the tests twice.)
        .target(
            name: "FaultFlows",
            dependencies: ["CallFlowRuntime"],
            path: "Tests/FaultFlows",
            plugins: ["CallFlowPlugin"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
