// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CallFlow",
    products: [
        .executable(name: "flowc", targets: ["flowc"]),
        .library(name: "CallFlowCompiler", targets: ["CallFlowCompiler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(
            name: "CallFlowCompilerTests",
            dependencies: ["CallFlowCompiler", "flowc"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
