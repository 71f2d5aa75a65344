import Foundation
import Synchronization
import Testing
@testable import CallFlowCompiler

/// `generate` with the cache of an earlier run: each run's output folder (what was written,
/// with the earlier runs' files where nothing new was written) and diagnostics must be those of
/// a run with no cache, while unchanged flow files are neither read nor emitted.
@Suite struct GenerationCacheTests {
    /// A flow with a warning (an unreachable element), so that kept diagnostics show.
    static let menu = """
        Flow: Menu
        Elements:
          - Name: Choice
            Type: CollectInput
            Text: "Press 1"
            OnNoInput: Bye
          - Name: Bye
            Type: Hangup
            ResultCode: NO_CHOICE
          - Name: Lost
            Type: TTS
            Text: never
        """

    /// A flow whose `Result` shape comes from `a.json`.
    static func lookup(code: String = "FOUND") -> String {
        """
        Flow: Lookup
        Elements:
          - Name: Get
            Type: APIRequest
            URL: https://api.example.com/x
            ResultSample: a.json
            Fallback: Stop
          - Name: Say
            Type: TTS
            Text: <<Get.Result.a>>
            ResultCode: \(code)
        """
    }

    static let followUp = """
        Workflow: FollowUp
        Trigger: CallEnded
        Flow: Menu
        Conditions:
          - {Source: <<call.result_code>>, Operand: Equals, Value: NO_CHOICE}
        Actions:
          - Name: Post
            Type: APIRequest
            Action: POST
            URL: https://crm.example.com/calls
            Body: {digits: <<Choice.Value ?? "">>}
        """

    /// Files the flows read (`ResultSample`), changed by tests between runs.
    final class Disk: Sendable {
        let files = Mutex<[String: String]>(["Flows/a.json": #"{"a": "x"}"#])

        var read: @Sendable (String) -> [UInt8]? {
            { [self] path in files.withLock { $0[path] }.map { Array($0.utf8) } }
        }
    }

    /// One run after another into one output folder, as `flowc generate` does.
    struct Folder {
        var files: [String: String] = [:]
        var cache: GenerationCache? = GenerationCache(generator: "test")

        /// Runs `generate` with the cache; returns what it checked and wrote, after asserting
        /// that the folder and diagnostics equal those of a run without the cache.
        mutating func generate(_ sources: [(String, String)], disk: Disk,
                               sourceLocation: Testing.SourceLocation = #_sourceLocation) -> (result: FlowCompiler.Result, written: [String]) {
            let sources = sources.map { FlowCompiler.Source(path: $0.0, text: $0.1) }
            let run = FlowCompiler.generate(sources, readFile: disk.read, reusing: cache)
            for file in run.files { files[file.name] = file.contents }
            let fresh = FlowCompiler.generate(sources, readFile: disk.read, reusing: nil)
            #expect(run.result.diagnostics == fresh.result.diagnostics, sourceLocation: sourceLocation)
            if !fresh.result.hasErrors {
                let expected = Dictionary(uniqueKeysWithValues: fresh.files.map { ($0.name, $0.contents) })
                #expect(files.filter { expected[$0.key] != nil } == expected, sourceLocation: sourceLocation)
            }
            cache = run.cache
            return (run.result, run.files.map(\.name))
        }
    }

    @Test func anUnchangedFlowIsKeptWithItsWarnings() {
        let disk = Disk()
        var folder = Folder()
        let first = folder.generate([("Flows/Menu.yaml", Self.menu), ("Flows/Lookup.yaml", Self.lookup())], disk: disk)
        #expect(first.written == ["Flows_Menu.yaml.swift", "Flows_Lookup.yaml.swift", "AllFlows.swift"])
        #expect(folder.cache?.entries.keys.sorted() == ["Flows/Lookup.yaml", "Flows/Menu.yaml"])

        let second = folder.generate([("Flows/Menu.yaml", Self.menu), ("Flows/Lookup.yaml", Self.lookup(code: "SEEN"))], disk: disk)
        #expect(second.result.flows.map(\.name.value) == ["Lookup"])
        #expect(second.written == ["Flows_Lookup.yaml.swift", "AllFlows.swift"])
        #expect(second.result.diagnostics.map(\.description) == [
            "Flows/Menu.yaml:10:5: warning: no path from `Choice`, where the call starts, reaches `Lost` [unreachable]",
        ])
    }

    @Test func aFlowWhoseSampleChangedIsCheckedAgain() {
        let disk = Disk()
        var folder = Folder()
        _ = folder.generate([("Flows/Lookup.yaml", Self.lookup())], disk: disk)
        let unchanged = folder.generate([("Flows/Lookup.yaml", Self.lookup())], disk: disk)
        #expect(unchanged.written == ["AllFlows.swift"])

        disk.files.withLock { $0["Flows/a.json"] = #"{"b": 1}"# }
        let changed = folder.generate([("Flows/Lookup.yaml", Self.lookup())], disk: disk)
        #expect(changed.result.hasErrors)
        #expect(changed.result.diagnostics.map(\.code) == [.unknownField])
        #expect(folder.cache?.entries.isEmpty == true)

        disk.files.withLock { $0["Flows/a.json"] = #"{"a": "y"}"# }
        let fixed = folder.generate([("Flows/Lookup.yaml", Self.lookup())], disk: disk)
        #expect(fixed.written == ["Flows_Lookup.yaml.swift", "AllFlows.swift"])
    }

    @Test func aWorkflowIsCheckedAgainstAKeptFlow() {
        let disk = Disk()
        var folder = Folder()
        let sources = [("Flows/Menu.yaml", Self.menu), ("Flows/FollowUp.yaml", Self.followUp)]
        _ = folder.generate(sources, disk: disk)
        let again = folder.generate(sources, disk: disk)
        #expect(again.result.flows.isEmpty)
        #expect(again.written == ["Flows_FollowUp.yaml.swift", "AllFlows.swift"])

        let unknownCode = Self.followUp.replacingOccurrences(of: "Value: NO_CHOICE", with: "Value: NO_CHOISE")
        let warned = folder.generate([("Flows/Menu.yaml", Self.menu), ("Flows/FollowUp.yaml", unknownCode)], disk: disk)
        #expect(warned.result.diagnostics.map(\.code) == [.unreachable, .unknownResultCode])
    }

    @Test func aNameTakenByAKeptFlowIsStillADuplicate() {
        let disk = Disk()
        var folder = Folder()
        _ = folder.generate([("Flows/Menu.yaml", Self.menu)], disk: disk)
        let clash = folder.generate([("Flows/Menu.yaml", Self.menu), ("Flows/Other.yaml", "Flow: Menu\nElements:\n  - {Name: Bye, Type: Hangup}\n")], disk: disk)
        #expect(clash.result.diagnostics.map(\.code) == [.unreachable, .duplicateName])
        #expect(clash.written.isEmpty)
    }

    @Test func theNextCacheHoldsEveryFlowFileAndWhatItRead() {
        let disk = Disk()
        let run = FlowCompiler.generate([.init(path: "Flows/Menu.yaml", text: Self.menu), .init(path: "Flows/Lookup.yaml", text: Self.lookup()),
                                         .init(path: "Flows/FollowUp.yaml", text: Self.followUp)],
                                        readFile: disk.read, reusing: GenerationCache(generator: "flowc 1"))
        #expect(run.cache.generator == "flowc 1")
        #expect(run.cache.entries.keys.sorted() == ["Flows/Lookup.yaml", "Flows/Menu.yaml"])
        #expect(run.cache.entries["Flows/Menu.yaml"]?.reads == [])
        #expect(run.cache.entries["Flows/Lookup.yaml"]?.reads == [.init(path: "Flows/a.json", contents: Data(#"{"a": "x"}"#.utf8))])
    }
}
