import Foundation
import Testing
@testable import CallFlowCompiler

/// The generated Swift for each example flow, byte for byte. After an intended change to the
/// emitter, `make golden` writes the new output; review it with `git diff`.
@Suite struct GoldenTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden")
    static let updating = ProcessInfo.processInfo.environment["CALLFLOW_UPDATE_GOLDEN"] == "1"

    static func generated() throws -> [FlowCompiler.GeneratedFile] {
        let flows = packageRoot.appendingPathComponent("Flows")
        let names = try FileManager.default.contentsOfDirectory(atPath: flows.path).filter { $0.hasSuffix(".yaml") }.sorted()
        let sources = try names.map { name in
            FlowCompiler.Source(path: "Flows/\(name)", contents: [UInt8](try Data(contentsOf: flows.appendingPathComponent(name))))
        }
        let (result, files) = FlowCompiler.generate(sources, readFile: { FileSystem.read(packageRoot.appendingPathComponent($0).path) })
        #expect(result.diagnostics.isEmpty)
        return files
    }

    @Test func generatedSwiftMatchesTheGoldenFiles() throws {
        let files = try Self.generated()
        #expect(files.map(\.name) == ["Flows_AccountPin.yaml.swift", "Flows_CloudTalkContact.yaml.swift", "Flows_DtmfMenu.yaml.swift", "Flows_LeadFieldReadback.yaml.swift",
                                       "Flows_ZoomMeeting.yaml.swift", "Flows_MissedChoiceFollowUp.yaml.swift", "Flows_RecordingTranscript.yaml.swift", "AllFlows.swift"])
        for file in files {
            let golden = Self.goldenDirectory.appendingPathComponent(file.name + ".golden")
            if Self.updating {
                try file.contents.write(to: golden, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: golden, encoding: .utf8)
            #expect(file.contents == expected, "\(file.name) differs from \(golden.lastPathComponent); if intended, run `make golden`")
        }
    }

    /// What keeps an edit's rebuild short (docs/flows.md, "Why this shape"): a flow's file
    /// declares two members and no types, and holds no `#` directive, which would make Swift
    /// parse its bodies on every build. Checked on every example and on the flow that uses
    /// every key.
    @Test func aFlowDeclaresTwoMembersAndNoDirective() throws {
        let every = try Data(contentsOf: fixturesDirectory.appendingPathComponent("Valid/EveryKey.yaml"))
        let (result, files) = FlowCompiler.generate([.init(path: "Flows/EveryKey.yaml", contents: [UInt8](every))],
                                                    readFile: { FileSystem.read(fixturesDirectory.appendingPathComponent("Valid").appendingPathComponent($0.replacingOccurrences(of: "Flows/", with: "")).path) })
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty)
        let flowFiles = try Self.generated().filter { $0.contents.contains("public static var compiled: CompiledFlow") } + files.filter { $0.name != "AllFlows.swift" }
        #expect(flowFiles.count >= 6)
        for file in flowFiles {
            let lines = file.contents.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(!lines.contains { $0.hasPrefix("#") }, "\(file.name) holds a directive")
            let members = lines.filter { $0.hasPrefix("    ") && !$0.hasPrefix("     ") && !$0.hasPrefix("    ///") && !$0.hasPrefix("    }") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(members.map(String.init).map { $0.components(separatedBy: "(").first! } == [
                "    public static var compiled: CompiledFlow {", "    private static func run",
            ], "\(file.name)")
            for keyword in ["struct ", "class ", "enum ", "typealias ", "protocol "] {
                // Lines with text from the flow (literals, comments) aside.
                let declaring = lines.filter { $0.contains(keyword) && !$0.contains("//") && !$0.contains("\"") }
                #expect(declaring.count == (keyword == "enum " ? 1 : 0), "\(file.name): \(keyword)")
            }
        }
    }

    @Test func generationIsDeterministic() throws {
        #expect(try Self.generated() == Self.generated())
    }

    @Test func nothingIsGeneratedWhenAFlowHasAnError() {
        let (result, files) = FlowCompiler.generate([.init(path: "Flows/Bad.yaml", text: "Flow: Bad\nElements:\n  - {Name: A, Type: TTS, Text: <<call.nam>>}\n")])
        #expect(result.hasErrors)
        #expect(files.isEmpty)
    }

    @Test func namesFromFilesBecomeSafeSwift() {
        let yaml = """
            Flow: Odd
            Elements:
              - Name: default
                Type: APIRequest
                URL: https://api.example.com/x
                Result:
                  "first name": string
                  json: integer
                  "2fa": boolean?
                  class: {"a-b": [string]}
                Fallback: Stop
              - Name: return
                Type: TTS
                Text: <<default.Result."first name">> <<default.Result.json>> <<default.Result.class."a-b".0>> <<default.Result."2fa" ?? "no">>
            """
        let (result, files) = FlowCompiler.generate([.init(path: "Flows/Odd.yaml", text: yaml)])
        #expect(result.diagnostics.map(\.description) == [])
        let swift = files.first { $0.name == "Flows_Odd.yaml.swift" }?.contents ?? ""
        #expect(swift.contains(#"RequestElementInfo("default", result: .object([.init("first name", .string), .init("json", .integer), .init("2fa", .optional(.boolean)), .init("class", .object([.init("a-b", .array(.string))]))]))"#))
        #expect(swift.contains(#"text += FlowText.text(values0.result_default?.flowMember("first name")?.flowString)"#))
        #expect(swift.contains(#"text += FlowText.text(values0.result_default?.flowMember("json")?.flowInteger)"#))
        #expect(swift.contains(#"text += FlowText.text(values0.result_default?.flowMember("2fa")?.flowBoolean, fallback: "no")"#))
        #expect(swift.contains(#"text += FlowText.text(values0.result_default?.flowMember("class")?.flowMember("a-b")?.flowElement(at: 0)?.flowString)"#))
        #expect(swift.contains("func element_return() async -> Int?"))
    }
}
