import Foundation
@testable import CallFlowCompiler

/// Checks YAML held in memory as the file `path`; returns the diagnostics as printed lines
/// (`PATH:LINE:COLUMN: error: MESSAGE [CODE]`).
func diagnosticLines(_ yaml: String, path: String = "Flows/Test.yaml", readFile: @escaping @Sendable (String) -> [UInt8]? = { _ in nil }) -> [String] {
    FlowCompiler.check([.init(path: path, text: yaml)], readFile: readFile).diagnostics.map(\.description)
}

/// The full diagnostics, notes included.
func diagnostics(_ yaml: String, path: String = "Flows/Test.yaml") -> [Diagnostic] {
    FlowCompiler.check([.init(path: path, text: yaml)], readFile: { _ in nil }).diagnostics
}

/// The codes of the diagnostics, for tests that care only which checks fired.
func codes(_ yaml: String) -> [String] {
    diagnostics(yaml).map(\.code.rawValue)
}

/// The folder of test fixtures in the source tree.
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

/// The package root, where `Flows/` and `docs/` are.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Reads a fixture's text.
func fixture(_ name: String) throws -> String {
    try String(contentsOf: fixturesDirectory.appendingPathComponent(name), encoding: .utf8)
}
