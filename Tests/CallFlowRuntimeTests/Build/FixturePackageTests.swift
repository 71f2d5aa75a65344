import Foundation
import Testing

/// `swift build` of a package that uses CallFlow as a user's package would (Tests/Fixtures/
/// FlowPackage): a bad reference fails the build at the YAML line; fixed, it builds and runs;
/// adding, editing and deleting a flow file are picked up by the next plain `swift build`.
@Suite(.serialized) struct FixturePackageTests {
    let server: TestServer
    let root: URL

    init() async throws {
        server = try await TestServer.start(script: TestServer.echoScript)
        root = FileManager.default.temporaryDirectory.appendingPathComponent("callflow-fixture-\(UUID().uuidString)")
        let fixture = TestServer.packageRoot.appendingPathComponent("Tests/Fixtures/FlowPackage")
        try FileManager.default.copyItem(at: fixture, to: root)
        let package = TestServer.packageRoot.standardizedFileURL.path
        try replace(in: "Package.swift", [
            ("CALLFLOW_PATH", package),
            ("CALLFLOW_PACKAGE", URL(fileURLWithPath: package).lastPathComponent.lowercased()),
        ])
        for flow in ["Flows/Lead.yaml", "Flows/OddNames.yaml"] { try replace(in: flow, [("SERVER_PORT", String(server.port))]) }
    }

    func replace(in file: String, _ pairs: [(String, String)]) throws {
        let url = root.appendingPathComponent(file)
        var text = try String(contentsOf: url, encoding: .utf8)
        for (target, replacement) in pairs { text = text.replacingOccurrences(of: target, with: replacement) }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let root = root
        return try await offThePool { try Self.runBlocking(executable, arguments, in: root) }
    }

    static func runBlocking(_ executable: String, _ arguments: [String], in root: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func build() async throws -> (status: Int32, output: String) {
        // The driver's incremental decisions go into the build log, which a failing step prints.
        try await run("/usr/bin/env", ["swift", "build", "--package-path", root.path, "-Xswiftc", "-driver-show-incremental"])
    }

    func fixture(_ arguments: [String]) async throws -> String {
        // The runner's state database stays inside the fixture's folder.
        let result = try await run("/usr/bin/env", ["FLOW_STATE_DB=\(root.path)/state.sqlite", root.appendingPathComponent(".build/debug/fixture").path] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.output)")
        return result.output
    }

    @Test func buildFailsAtTheYAMLLineThenBuildsRunsAndFollowsFlowFiles() async throws {
        defer { try? FileManager.default.removeItem(at: root) }

        let failing = try await build()
        #expect(failing.status != 0)
        let lines = failing.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("Flows/Lead.yaml:16:26: error: `GETAPI.Result` has no field `Valu` [unknown-field]"), "\(failing.output)")
        #expect(lines.contains("note: did you mean `Value`?"))

        try replace(in: "Flows/Lead.yaml", [("GETAPI.Result.Valu>>", "GETAPI.Result.Value>>")])
        let fixed = try await build()
        #expect(fixed.status == 0, "\(fixed.output)")
        #expect(!fixed.output.contains("warning:"), "\(fixed.output)")
        #expect(try await fixture(["run", "Lead", "--call", "name=Ann"]).replacing(/, \d+ ms/, with: "") == """
            Welcome        says "Hello Ann."
            GETAPI         GET http://127.0.0.1:\(server.port)/json?body=%7B%22Value%22%3A%22gold%22%7D → 200
            ReadBack       says "Your field is gold"
            Call ended: INBOUND

            """)
        #expect(try await fixture(["run", "OddNames"]).contains(#"switch         says "nobody 0 - no""#))

        // Added.
        try "Flow: Second\nElements:\n  - {Name: Hi, Type: TTS, Text: one}\n".write(
            to: root.appendingPathComponent("Flows/Second.yaml"), atomically: true, encoding: .utf8)
        #expect(try await build().status == 0)
        #expect(try await fixture(["list"]).contains("Second\n  Hi  TTS\n"))

        // Edited right after the previous build, as a script would: the driver compares times
        // in whole seconds, which `flowc generate` allows for (see GeneratedFileWriter).
        try replace(in: "Flows/Second.yaml", [("Text: one", "Text: two")])
        let rebuilt = try await build()
        #expect(rebuilt.status == 0)
        let second = try await fixture(["run", "Second"])
        #expect(second.contains(#"Hi             says "two""#), "\(second)\nbuild output:\n\(rebuilt.output)")

        // Deleted.
        try FileManager.default.removeItem(at: root.appendingPathComponent("Flows/Second.yaml"))
        #expect(try await build().status == 0)
        let list = try await fixture(["list"])
        #expect(!list.contains("Second"))
        #expect(list.contains("Lead"))
    }
}
