// swift-tools-version:6.1
// A package that uses CallFlow exactly as docs/flows.md tells a user to: a dependency by URL at
// a tagged version, and an executable target named `flows` with the flows in Flows/. The build
// tests copy it to a temporary folder and replace CALLFLOW_URL with a tagged git repository of
// the CallFlow checkout under test.
import PackageDescription

let package = Package(
    name: "ContactCentre",
    dependencies: [
        .package(url: "CALLFLOW_URL", from: "1.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "flows",
            dependencies: [
                .product(name: "CallFlowRuntime", package: "CallFlow"),
                .product(name: "FlowsCommand", package: "CallFlow"),
            ],
            path: "Flows",
            plugins: [.plugin(name: "CallFlowPlugin", package: "CallFlow")]
        ),
    ]
)
