import Foundation
import Testing

/// `flowc check` as a user runs it: the built executable, real files, exit codes.
@Suite struct FlowcCheckTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `flowc` built beside this test bundle.
    static let flowc: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("flowc").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("flowc")
    }()

    /// Runs the built `flowc` to its end, off the cooperative pool.
    func flowc(_ arguments: [String], in directory: URL, environment: [String: String]? = nil) async throws -> Run {
        try await offThePool {
            let process = Process()
            process.executableURL = Self.flowc
            process.arguments = arguments
            process.currentDirectoryURL = directory
            if let environment { process.environment = environment }
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// A temporary project folder with the given files.
    func project(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowc-test-\(UUID().uuidString)")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    static let good = "Flow: Good\nElements:\n  - {Name: Bye, Type: Hangup}\n"
    static let bad = "Flow: Bad\nElements:\n  - Name: Say\n    Type: TTS\n    Text: \"Hi <<call.nam>>\"\n"

    @Test func defaultsToFlowsAndSkipsScenarioFolders() async throws {
        let root = try project([
            "Flows/Good.yaml": Self.good,
            "Flows/sub/Other.yml": Self.good.replacingOccurrences(of: "Good", with: "Other"),
            "Flows/Tests/Scenario.yaml": "Scenario: not a flow\n",
            "Flows/notes.txt": "ignored",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await flowc(["check"], in: root)
        #expect(run.status == 0)
        #expect(run.stderr == "flowc: checked 2 flow files: no problems\n")
    }

    @Test func errorsExitOneWithExactLines() async throws {
        let root = try project(["Flows/Good.yaml": Self.good, "Flows/Bad.yaml": Self.bad])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await flowc(["check"], in: root)
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == """
            Flows/Bad.yaml:5:15: error: `call` has no field `nam` [unknown-field]
            note: did you mean `name`?
            flowc: checked 2 flow files: 1 error

            """)
    }

    @Test func warningsAloneExitZero() async throws {
        let root = try project(["Flows/W.yaml": "Flow: W\nElements:\n  - {Name: A, Type: Hangup}\n  - {Name: B, Type: Hangup}\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await flowc(["check", "Flows/W.yaml"], in: root)
        #expect(run.status == 0)
        #expect(run.stderr.hasPrefix("Flows/W.yaml:4:6: warning: no path from `A`, where the call starts, reaches `B` [unreachable]\n"))
    }

    @Test func jsonAndSarifGoToStandardOutput() async throws {
        let root = try project(["Flows/Bad.yaml": Self.bad])
        defer { try? FileManager.default.removeItem(at: root) }
        let json = try await flowc(["check", "--format", "json"], in: root)
        #expect(json.status == 1)
        #expect(json.stdout == #"{"file":"Flows/Bad.yaml","line":5,"column":15,"severity":"error","code":"unknown-field","message":"`call` has no field `nam`","notes":["did you mean `name`?"]}"# + "\n")
        let sarif = try await flowc(["check", "--format", "sarif", "Flows"], in: root)
        #expect(sarif.status == 1)
        let log = try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any]
        #expect(log?["version"] as? String == "2.1.0")
    }

    @Test func missingPathsAndUsageErrors() async throws {
        let root = try project([:])
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = try await flowc(["check", "Nope/"], in: root)
        #expect(missing.status == 1)
        #expect(missing.stderr == "flowc: error: no such file or directory: Nope/\nflowc: checked 0 flow files: 1 error\n")
        let usage = try await flowc(["check", "--format", "xml"], in: root)
        #expect(usage.status == 64)
    }
}

/// `flowc generate` as the build plugin runs it.
@Suite struct FlowcGenerateTests {
    let check = FlowcCheckTests()

    /// A target whose flows are still to be written builds: the plugin passes no flow file.
    @Test func noFlowFilesGiveAnEmptyListOfFlows() async throws {
        let root = try check.project(["Flows/main.swift": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await check.flowc(["generate", "--output", "Generated"], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        let all = try String(contentsOf: root.appendingPathComponent("Generated/AllFlows.swift"), encoding: .utf8)
        #expect(all.contains("public static let all: [CompiledFlow] = [\n    ]\n"))
    }

    /// A second run takes unchanged flows from `.flowc-cache.json`: it prints the same
    /// warnings, leaves their Swift files alone, and writes a deleted one again.
    @Test func aSecondRunKeepsUnchangedFlows() async throws {
        let warned = "Flow: Warned\nElements:\n  - {Name: Bye, Type: Hangup}\n  - {Name: Lost, Type: TTS, Text: never}\n"
        let root = try check.project(["Flows/Good.yaml": FlowcCheckTests.good, "Flows/Warned.yaml": warned])
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try await check.flowc(["generate", "--output", "Generated", "Flows"], in: root)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Generated/.flowc-cache.json").path))
        let good = root.appendingPathComponent("Generated/Flows_Good.yaml.swift").path
        let written = try modificationTime(good)

        let second = try await check.flowc(["generate", "--output", "Generated", "Flows"], in: root)
        #expect(second.status == 0)
        #expect(second.stderr == first.stderr)
        #expect(second.stderr.contains("Flows/Warned.yaml:4:6: warning: no path from `Bye`, where the call starts, reaches `Lost` [unreachable]"))
        let kept = try modificationTime(good)
        #expect(kept.tv_sec == written.tv_sec && kept.tv_nsec == written.tv_nsec)

        try FileManager.default.removeItem(atPath: good)
        #expect(try await check.flowc(["generate", "--output", "Generated", "Flows"], in: root).status == 0)
        #expect(try String(contentsOfFile: good, encoding: .utf8).contains("public enum Good"))
    }

    /// The Swift driver compares modification times in whole seconds, so a flow regenerated in
    /// the second of its previous generation must still get a time in a later second; one that
    /// did not change is not written at all.
    @Test func aRewrittenFileGetsAModificationTimeInALaterSecond() async throws {
        let root = try check.project([:])
        defer { try? FileManager.default.removeItem(at: root) }
        // As if the previous generation had happened just now.
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let generated = try await regenerate(in: root, stampedAt: now)
        let rewritten = try modificationTime(generated)
        #expect(rewritten.tv_sec > now.tv_sec)

        #expect(try await check.flowc(["generate", "--output", "Generated", "Flows"], in: root).status == 0)
        let unchanged = try modificationTime(generated)
        #expect(unchanged.tv_sec == rewritten.tv_sec && unchanged.tv_nsec == rewritten.tv_nsec)
    }

    /// A generated file stamped in the future (a skewed clock) is rewritten without waiting for
    /// that time to come.
    @Test(.timeLimit(.minutes(1))) func aFileFromTheFutureIsRewrittenAtOnce() async throws {
        let root = try check.project([:])
        defer { try? FileManager.default.removeItem(at: root) }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let future = timespec(tv_sec: now.tv_sec + 3600, tv_nsec: 0)
        let generated = try await regenerate(in: root, stampedAt: future)
        #expect(try modificationTime(generated).tv_sec != future.tv_sec)
    }

    /// Generates a flow saying "one", stamps its Swift file with `time`, changes the flow to say
    /// "two" and generates again. Returns the Swift file's path, after checking it says "two".
    private func regenerate(in root: URL, stampedAt time: timespec) async throws -> String {
        let flow = root.appendingPathComponent("Flows/Hi.yaml")
        try FileManager.default.createDirectory(at: flow.deletingLastPathComponent(), withIntermediateDirectories: true)
        let generated = root.appendingPathComponent("Generated/Flows_Hi.yaml.swift").path
        func generate(saying text: String) async throws {
            try "Flow: Hi\nElements:\n  - {Name: Say, Type: TTS, Text: \(text)}\n".write(to: flow, atomically: true, encoding: .utf8)
            #expect(try await check.flowc(["generate", "--output", "Generated", "Flows"], in: root).status == 0)
        }
        try await generate(saying: "one")
        var times = [time, time]
        #expect(utimensat(AT_FDCWD, generated, &times, 0) == 0)
        try await generate(saying: "two")
        #expect(try String(contentsOfFile: generated, encoding: .utf8).contains(#""two""#))
        return generated
    }

    private func modificationTime(_ path: String) throws -> timespec {
        var status = stat()
        try #require(stat(path, &status) == 0)
        return status.st_mtim
    }
}

extension FlowcCheckTests {
    /// `flowc graph` of a workflow draws its trigger, conditions and actions; the flow it
    /// names is found beside it. `flowc check` checks workflows with the flows.
    @Test func workflowsAreCheckedAndDrawn() async throws {
        let workflow = """
            Workflow: After
            Trigger: CallEnded
            Flow: Good
            Conditions:
              - {Source: <<call.result_code>>, Operand: Equals, Value: INBOUND}
            Actions:
              - {Name: Post, Type: APIRequest, Action: POST, URL: "https://api.example.com/x", Body: {to: <<call.phonenum>>}}
              - {Name: Tell, Type: Slack, Token: "<<secrets.T>>", Channel: "#ops", Text: "posted <<Post.Status>>"}
            Secrets: [T]

            """
        let root = try project(["Flows/Good.yaml": Self.good, "Flows/After.yaml": workflow, "Flows/Broken.yaml": workflow.replacingOccurrences(of: "After", with: "Broken").replacingOccurrences(of: "Good", with: "Gone")])
        defer { try? FileManager.default.removeItem(at: root) }
        let check = try await flowc(["check"], in: root)
        #expect(check.status == 1)
        #expect(check.stderr.hasPrefix("Flows/Broken.yaml:3:1: error: no flow is named `Gone` [unknown-reference]\n"))
        let graph = try await flowc(["graph", "Flows/After.yaml"], in: root)
        #expect(graph.status == 0, "\(graph.stderr)")
        #expect(graph.stdout == """
            flowchart TD
                start(("CallEnded of Good")) --> n0
                n0["Conditions<br/><i>call.result_code Equals INBOUND</i>"]
                n1["Post<br/><i>APIRequest</i>"]
                n2["Tell<br/><i>Slack</i>"]
                end_((end))
                n0 -->|"all hold"| n1
                n0 -->|"not run"| end_
                n1 -->|"done"| n2
                n1 -->|"failed: the run stops"| end_
                n2 -->|"done"| end_
                n2 -->|"failed: the run stops"| end_

            """)
        let broken = try await flowc(["graph", "Flows/Broken.yaml"], in: root)
        #expect(broken.status == 1)
        #expect(broken.stderr.hasPrefix("Flows/Broken.yaml:3:1: error: no flow is named `Gone` [unknown-reference]"))
    }
}
