// swift-tools-version:6.1
// A package that uses CallFlow the way a user's would: its flows in Flows/, compiled by the
// build plugin into one executable. The build tests copy it to a temporary folder and replace
// CALLFLOW_PATH and CALLFLOW_PACKAGE with the checkout of CallFlow under test.
import PackageDescription

let package = Package(
    name: "FlowPackage",
    dependencies: [
        .package(path: "CALLFLOW_PATH"),
    ],
    targets: [
        .executableTarget(
            name: "fixture",
            dependencies: [
                .product(name: "CallFlowRuntime", package: "CALLFLOW_PACKAGE"),
                .product(name: "FlowsCommand", package: "CALLFLOW_PACKAGE"),
            ],
            path: "Flows",
            plugins: [.plugin(name: "CallFlowPlugin", package: "CALLFLOW_PACKAGE")]
        ),
    ]
)
