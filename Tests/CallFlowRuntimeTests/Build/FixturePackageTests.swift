import Foundation
import Testing

/// `swift build` of a package that uses CallFlow as docs/flows.md tells a user to
/// (Tests/Fixtures/FlowPackage): CallFlow by URL at a tagged version, the executable target
/// named `flows`. A bad reference fails the build at the YAML line; fixed, it builds and runs
/// its own flows; adding, editing and deleting a flow file are picked up by the next plain
/// `swift build`.
@Suite(.serialized) struct FixturePackageTests {
    let server: TestServer
    /// The temporary folder: `ContactCentre/`, the user's package, and `CallFlow/`, a tagged
    /// git repository of this checkout as it is (uncommitted changes included).
    let folder: URL
    let root: URL

    init() async throws {
        server = try await TestServer.start(script: TestServer.echoScript)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("callflow-fixture-\(UUID().uuidString)")
        root = folder.appendingPathComponent("ContactCentre")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let fixture = TestServer.packageRoot.appendingPathComponent("Tests/Fixtures/FlowPackage")
        try FileManager.default.copyItem(at: fixture, to: root)
        let callflow = folder.appendingPathComponent("CallFlow")
        try await Self.tagCopy(of: TestServer.packageRoot.standardizedFileURL, at: callflow)
        try replace(in: "Package.swift", [("CALLFLOW_URL", callflow.absoluteString)])
        for flow in ["Flows/Lead.yaml", "Flows/OddNames.yaml", "Flows/Sampled.yaml"] { try replace(in: flow, [("SERVER_PORT", String(server.port))]) }
    }

    /// A git repository at `destination` holding the files of `checkout` that git tracks or
    /// would track, as they are on disk, committed and tagged 1.0.0: what a user depends on.
    static func tagCopy(of checkout: URL, at destination: URL) async throws {
        let script = """
            set -e
            mkdir -p "$2"
            cd "$1"
            git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c '[ -e "{}" ] || [ -L "{}" ] && printf "%s\\0" "{}"' | tar -cf - --null -T - | tar -xf - -C "$2"
            cd "$2"
            git init -q
            git add -A
            git -c user.name=CallFlow -c user.email=tests@callflow.invalid commit -q -m "CallFlow under test"
            git tag 1.0.0
            """
        let result = try await offThePool { try runBlocking("/bin/sh", ["-c", script, "sh", checkout.path, destination.path], in: checkout) }
        guard result.status == 0 else { throw TestServer.StartFailure(message: "could not make a tagged copy of CallFlow: \(result.output)") }
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

    /// Runs `executable` to its end, in `root` and with `environment` (else this process's):
    /// its status and its output, standard output and error together.
    static func runBlocking(_ executable: String, _ arguments: [String], in root: URL,
                            environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = root
        if let environment { process.environment = environment }
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

    func fixture(_ arguments: [String], status: Int32 = 0) async throws -> String {
        // The runner's state database stays inside the fixture's folder.
        let result = try await run("/usr/bin/env", ["FLOW_STATE_DB=\(root.path)/state.sqlite", root.appendingPathComponent(".build/debug/flows").path] + arguments)
        #expect(result.status == status, "\(arguments): \(result.output)")
        return result.output
    }

    @Test func buildFailsAtTheYAMLLineThenBuildsRunsAndFollowsFlowFiles() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }

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
        // `.build/debug/flows` is the user's own command: CallFlow's example runner, a product
        // of the dependency, neither clashes with the target nor overwrites the executable.
        let ownFlows = try await fixture(["list"])
        #expect(ownFlows.contains("Lead") && !ownFlows.contains("LeadFieldReadback"), "\(ownFlows)")
        // Flows/More/Lead.yml beside Flows/Lead.yaml, its flow named `String`, element `Step`.
        #expect(try await fixture(["run", "String"]).contains(#"Step           says "a flow named String""#))

        // flows try: the API's answer no longer fits the sample the Result was inferred from.
        let changed = try await fixture(["try", "Sampled.Fetch"], status: 1)
        #expect(changed.contains("""
            JSON structure change detected: the response does not fit the Result of Sampled.Fetch
              `Count`: declared number, received text "three"
              `Value`: declared string, received an object
            """), "\(changed)")
        #expect(changed.contains("< 200\n"))
        #expect(changed.contains(#"  "Value": {"#))
        // A value of an earlier element is named when missing, and used when given.
        #expect(try await fixture(["try", "Sampled.Echo"], status: 64).contains(
            "flows: error: Sampled.Echo reads <<Fetch.Result.Value>>, which an earlier element sets; give it with --set Fetch.Result.Value=VALUE"))
        #expect(try await fixture(["try", "Sampled.Echo", "--set", "Fetch.Result.Value=gold"]).contains(#""rawQuery": "value=gold""#))
        // --update-sample writes the response over the sample; the next build maps it.
        let updated = try await fixture(["try", "Sampled.Fetch", "--update-sample"])
        #expect(updated.contains("Wrote the response to Flows/samples/lead.json; the next build maps its structure"), "\(updated)")
        let sample = try String(contentsOf: root.appendingPathComponent("Flows/samples/lead.json"), encoding: .utf8)
        #expect(sample == "{\n  \"Value\": {\n    \"text\": \"gold\"\n  },\n  \"Count\": \"three\"\n}\n")
        // The next build maps the new structure: the same response fits now.
        #expect(try await build().status == 0)
        #expect(!(try await fixture(["try", "Sampled.Fetch"])).contains("JSON structure change detected"))
        // Logged like any request.
        #expect(try await fixture(["logs", "Sampled.Fetch"]).contains("The last 3 requests of Sampled.Fetch"))

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
