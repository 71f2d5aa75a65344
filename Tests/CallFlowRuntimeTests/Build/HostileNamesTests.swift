@testable import CallFlowCompiler
import Foundation
import Testing

/// Names that are valid in the flow language but mean something to Swift, to the runtime or to
/// the generator itself: every one must give Swift that compiles. Hundreds of flows, elements,
/// properties and result keys, generated and type-checked together in one `swiftc` run against
/// the runtime, as the build plugin's output is.
@Suite struct HostileNamesTests {
    /// The type names of Swift's standard library, concurrency and string processing, as the
    /// toolchain's module interfaces declare them.
    static let standardLibraryTypeNames = ["Swift", "_Concurrency", "_StringProcessing"].flatMap(interfaceTypeNames)

    /// Flow names: every type name the runtime and the generator declare, the capitalized
    /// keywords, and every third of the standard library's (all of them would take a minute
    /// to compile; `theReservedNamesCoverTheToolchainAndTheRuntime` checks them all).
    static var flowNames: [String] {
        let standardLibrary = standardLibraryTypeNames.sorted().enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        let runtime = runtimeTypeNames
        let generator = ["GeneratedFlows", "State", "Step", "Properties", "Results", "Statuses", "Errors", "Digits", "CallFlowRuntime",
                         "FlowsCommand", "Swift", "Foundation", "Glibc", "Self", "Type", "Protocol", "Any", "AnyObject", "Copyable",
                         "Escapable", "Sendable", "Error", "Never", "Result", "Optional", "String", "Int", "Double", "Bool", "Array",
                         "Dictionary", "Set", "Task", "Duration", "Character", "Element", "Index", "Value", "Key", "AllFlows"]
        return Array(Set(standardLibrary + runtime + generator).filter { $0.wholeMatch(of: /[A-Z][A-Za-z0-9]*/) != nil }).sorted()
    }

    /// Element and property names: Swift's keywords (those the language's names can spell)
    /// and the names the generated code gives its own members and types.
    static let memberNames = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout", "internal",
        "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static", "struct", "subscript",
        "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard",
        "if", "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self",
        "Self", "super", "throws", "true", "try", "async", "some", "any", "Type", "Protocol", "consume", "copy", "borrowing",
        "consuming", "discard", "each", "get", "set", "willSet", "didSet", "actor", "nonisolated", "isolated", "macro", "package",
        "Step", "State", "index", "resultCode", "properties", "results", "statuses", "errors", "digits", "steps", "run", "name",
        "summary", "elements", "callVariables", "contactVariables", "state", "step", "current", "outcome",
        "plan", "result", "json", "path", "String", "Int", "Bool", "Double", "Error", "Call", "CallFlow", "FlowElement",
        "RequestPlan", "JSONValue", "FlowText", "element_a", "a_Result", "Result", "Never", "Optional", "Sendable",
        "property_a", "result_a", "status_a", "error_a", "digits_a", "initialState", "elementTable", "stepTable", "requestTable",
        "flowMember", "flowString", "decode", "compiled",
    ]

    /// Result keys: the same, and keys that are not identifiers at all.
    static let resultKeys = memberNames + ["call", "secrets", "1st", "a-b", "a_b", "a b", "é", "über", "_", "__", "$x", "json_2", "Self_2"]

    static func interfaceTypeNames(_ module: String) -> [String] {
        let swift = URL(fileURLWithPath: CommandLine.arguments[0]).path.hasPrefix("/") ? "/opt/swift/usr/lib/swift/linux" : ""
        let folder = URL(fileURLWithPath: swift).appendingPathComponent("\(module).swiftmodule")
        guard let interface = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.first(where: { $0.hasSuffix("-gnu.swiftinterface") }),
              let text = try? String(contentsOf: folder.appendingPathComponent(interface), encoding: .utf8) else { return [] }
        // Top-level declarations only, which start their line; a nested type hides nothing.
        return text.split(separator: "\n").filter { !($0.first?.isWhitespace ?? true) }.compactMap { line in
            line.firstMatch(of: /public (?:final |indirect )?(?:struct|enum|class|protocol|actor|typealias) ([A-Z][A-Za-z0-9]*)/).map { String($0.output.1) }
        }
    }

    static var runtimeTypeNames: [String] {
        let sources = TestServer.packageRoot.appendingPathComponent("Sources/CallFlowRuntime")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        return files.flatMap { file -> [String] in
            let text = (try? String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)) ?? ""
            return text.matches(of: /public (?:final |indirect )?(?:struct|enum|class|protocol|actor|typealias) ([A-Z][A-Za-z0-9]*)/).map { String($0.output.1) }
        }
    }

    /// The flows: one a hostile flow name; one whose elements, one whose properties and one
    /// whose request's result keys are hostile; files whose names clash in other ways.
    static var sources: [FlowCompiler.Source] {
        var sources = flowNames.map { name in
            FlowCompiler.Source(path: "Flows/Names/\(name).yaml", text: "Flow: \(name)\nElements:\n  - {Name: Say, Type: TTS, Text: \"\(name)\"}\n")
        }
        var elements = "Flow: HostileElements\nElements:\n"
        for (index, name) in memberNames.enumerated() {
            switch index % 4 {
            case 0: elements += "  - {Name: \(name), Type: TTS, Text: \"\(name)\"}\n"
            case 1: elements += "  - {Name: \(name), Type: CollectInput, Text: \"Press\", OnNoInput: \(memberNames[(index + 1) % memberNames.count])}\n"
            case 2: elements += "  - {Name: \(name), Type: SetProperty, PropertyName: P\(index), Value: \"<<\(memberNames[index - 1]).Value ?? \\\"\\\">>\"}\n"
            default: elements += "  - {Name: \(name), Type: APIRequest, URL: \"https://api.example.com/<<P\(index - 1) ?? \\\"x\\\">>\", Result: {\(name): string}, OnFailure: \(memberNames[(index + 1) % memberNames.count])}\n"
            }
        }
        sources.append(FlowCompiler.Source(path: "Flows/Elements.yaml", text: elements))

        var properties = "Flow: HostileProperties\nElements:\n"
        for (index, name) in memberNames.enumerated() {
            properties += "  - {Name: E\(index), Type: SetProperty, PropertyName: \(name), Value: \"\(index)\"}\n"
        }
        properties += "  - {Name: Read, Type: TTS, Text: \"" + memberNames.map { "<<\($0)>>" }.joined(separator: " ") + "\"}\n"
        sources.append(FlowCompiler.Source(path: "Flows/Properties.yaml", text: properties))

        func quoted(_ key: String) -> String { "\"" + key + "\"" }
        let shape = "{" + resultKeys.enumerated().map { index, key in
            index % 3 == 0 ? "\(quoted(key)): {\(quoted(key)): string, inner: [{\(quoted(key)): integer}]}" : "\(quoted(key)): string?"
        }.joined(separator: ", ") + "}"
        let reads = resultKeys.enumerated().map { index, key -> String in
            let path = "Fetch.Result[\\\"\(key)\\\"]"
            return index % 3 == 0 ? "<<\(path)[\\\"\(key)\\\"]>> <<\(path).inner.0[\\\"\(key)\\\"] ?? 0>>" : "<<\(path) ?? \\\"-\\\">>"
        }.joined(separator: " ")
        // Keys that are type names or keywords, each holding an object of its own.
        let objectKeys = ["Error", "self", "Self", "Type", "String", "json", "init", "Result", "Inner", "Never"]
        let nestedShape = objectKeys.map { "\(quoted($0)): {\(quoted($0)): string, inner: {\(quoted($0)): integer?}}" }.joined(separator: ", ")
        let nestedReads = objectKeys.map { "<<Nested.Result[\\\"\($0)\\\"][\\\"\($0)\\\"]>>" }.joined(separator: " ")
        sources.append(FlowCompiler.Source(path: "Flows/Keys.yaml", text: """
            Flow: HostileKeys
            Elements:
              - {Name: Fetch, Type: APIRequest, URL: "https://api.example.com/x", Result: \(shape), OnFailure: Done}
              - {Name: Read, Type: TTS, Text: "\(reads)"}
              - {Name: Nested, Type: APIRequest, URL: "https://api.example.com/y", OnFailure: Done, Result: {\(nestedShape)}}
              - {Name: ReadNested, Type: TTS, Text: "\(nestedReads)"}
              - {Name: Done, Type: Hangup}

            """))

        // A workflow of HostileElements whose actions have hostile names, each reading the one
        // before it and a property of the flow. (Type names are the flows' above: a workflow's is
        // made the same way.)
        let actionNames = memberNames.filter { !["call", "contact", "secrets", "recording", "request"].contains($0) }
        var actions = "Workflow: HostileActions\nTrigger: CallEnded\nFlow: HostileElements\nActions:\n"
        for (index, name) in actionNames.enumerated() {
            let earlier = index > 0 ? " <<\(actionNames[index - 1]).Status>>" : ""
            actions += "  - {Name: \(name), Type: APIRequest, Action: POST, URL: \"https://api.example.com/x\", Body: {v: '<<P2 ?? \"\">>\(earlier)'}}\n"
        }
        sources.append(FlowCompiler.Source(path: "Flows/Actions.yaml", text: actions))

        // Text that lands in comments of the generated Swift, with every kind of line break:
        // were a comment ended early, `#error` would fail the compile.
        sources.append(FlowCompiler.Source(path: "Flows/Comments.yaml", text: #"""
            Flow: Comments
            Description: "one\r#error(\"injected\")\u2028two\u0085three\ffour"
            Elements:
              - Name: Fetch
                Type: APIRequest
                Description: "a\r#error(\"injected\")"
                URL: https://api.example.com/x
                Result: {"k\r#error(\"injected\")": string?}

            """#))

        // File names that clash as Swift file names, and one that holds a line break.
        for (path, name) in [("Flows/a/Menu.yaml", "MenuA"), ("Flows/b/Menu.yaml", "MenuB"), ("Flows/x.yaml", "XYaml"), ("Flows/x.yml", "XYml"),
                             ("Flows/AllFlows.yaml", "AllFlowsFile"), ("Flows/odd\nname.yaml", "OddFileName"), ("Flows/a_Menu.yaml", "MenuUnderscore")] {
            sources.append(FlowCompiler.Source(path: path, text: "Flow: \(name)\nElements:\n  - {Name: Say, Type: TTS, Text: hi}\n"))
        }
        return sources
    }

    /// Every type a flow's Swift type could hide is in the generator's reserved list.
    @Test func theReservedNamesCoverTheToolchainAndTheRuntime() {
        #expect(Self.standardLibraryTypeNames.count > 300)
        let missing = Set(Self.standardLibraryTypeNames + Self.runtimeTypeNames).subtracting(SwiftNames.reservedTypeNames)
        #expect(missing.sorted() == [], "add these to SwiftNames.reservedTypeNames")
    }

    @Test func everyHostileNameCompiles() async throws {
        let sources = Self.sources
        #expect(Self.flowNames.count > 150)
        let (result, files) = FlowCompiler.generate(sources, readFile: { _ in nil })
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.description) == [])
        #expect(Set(files.map(\.name)).count == files.count, "two flows share a generated file name")
        #expect(files.count == sources.count + 1)

        let folder = TemporaryFolder()
        for file in files { try file.contents.write(toFile: folder.path + "/" + file.name, atomically: true, encoding: .utf8) }
        let debug = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var modules = debug
        while !FileManager.default.fileExists(atPath: modules.appendingPathComponent("Modules/CallFlowRuntime.swiftmodule").path), modules.path != "/" {
            modules.deleteLastPathComponent()
        }
        let root = TestServer.packageRoot.path
        let arguments = ["swiftc", "-typecheck", "-swift-version", "6", "-parse-as-library", "-module-name", "HostileFlows",
                         "-I", modules.appendingPathComponent("Modules").path, "-I", root + "/Sources/CCurl", "-I", root + "/Sources/CSQLite",
                         "-I", root + "/Sources/CHiredis"]
            + files.map { folder.path + "/" + $0.name }
        let compiled = try await offThePool { try FixturePackageTests.runBlocking("/usr/bin/env", arguments, in: URL(fileURLWithPath: folder.path)) }
        let errors = compiled.output.split(separator: "\n").filter { $0.contains("error:") }
        #expect(compiled.status == 0, "\(errors.prefix(40).joined(separator: "\n"))")
    }
}
