import Foundation
import Testing
@testable import CallFlowCompiler

/// The examples in docs/ are run, so the reference cannot drift from the compiler.
@Suite struct DocumentationTests {
    struct Section {
        var code: String
        var file: String
        var mistake: String
        var output: String
        var fix: String
    }

    /// The fenced blocks of a Markdown text with their language tag, in order.
    static func fencedBlocks(_ text: String) -> [(language: String, body: String)] {
        var blocks: [(String, String)] = []
        var current: (String, [Substring])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let open = current {
                    blocks.append((open.0, open.1.joined(separator: "\n") + "\n"))
                    current = nil
                } else {
                    current = (String(line.dropFirst(3)), [])
                }
            } else if current != nil {
                current!.1.append(line)
            }
        }
        return blocks
    }

    static func sections() throws -> [Section] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/diagnostics.md"), encoding: .utf8)
        return try text.components(separatedBy: "\n## ").dropFirst().map { chunk in
            let code = String(chunk.prefix { $0 != "\n" })
            let file = try #require(chunk.firstMatch(of: /Mistake, in `([^`]+)`/)).output.1
            let blocks = fencedBlocks(chunk)
            try #require(blocks.map(\.language) == ["yaml", "text", "yaml"], "section \(code)")
            return Section(code: code, file: String(file), mistake: blocks[0].body, output: blocks[1].body, fix: blocks[2].body)
        }
    }

    @Test func everyDiagnosticCodeHasAnExample() throws {
        #expect(try Self.sections().map(\.code) == DiagnosticCode.allCases.map(\.rawValue))
    }

    /// The example flows of `Flows/`, which a workflow example may name.
    static func exampleFlows() throws -> [FlowCompiler.Source] {
        let folder = packageRoot.appendingPathComponent("Flows")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted().compactMap { name in
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            return text.contains("\nWorkflow: ") || text.hasPrefix("Workflow: ") ? nil : FlowCompiler.Source(path: "Flows/" + name, text: text)
        }
    }

    @Test func eachMistakeGivesExactlyTheDocumentedOutputAndEachFixIsClean() throws {
        let flows = try Self.exampleFlows()
        for section in try Self.sections() {
            // A workflow is checked beside the example flows, as the build checks it.
            let beside = section.mistake.hasPrefix("Workflow: ") ? flows : []
            let mistake = FlowCompiler.check(beside + [.init(path: section.file, text: section.mistake)], readFile: { _ in nil })
            #expect(DiagnosticFormat.text.render(mistake.diagnostics) == section.output, "\(section.code)")
            #expect(mistake.diagnostics.first?.code.rawValue == section.code)
            let fix = FlowCompiler.check(beside + [.init(path: section.file, text: section.fix)], readFile: { _ in nil })
            #expect(fix.diagnostics.map(\.description) == [], "\(section.code)")
        }
    }

    /// Every complete flow (a YAML block that starts with `Flow:`) in the other docs and the
    /// README checks clean.
    @Test func flowsInTheReferenceCheckClean() throws {
        let documents = ["docs/language.md", "docs/flowc.md", "README.md"]
        var checked = 0
        for document in documents {
            let text = try String(contentsOf: packageRoot.appendingPathComponent(document), encoding: .utf8)
            for block in Self.fencedBlocks(text) where block.language == "yaml" && block.body.hasPrefix("Flow:") {
                let result = FlowCompiler.check([.init(path: "Flows/Example.yaml", text: block.body)], readFile: { _ in nil })
                #expect(result.diagnostics.map(\.description) == [], "\(document): \(block.body.prefix(60))")
                checked += 1
            }
        }
        #expect(checked >= 3)
    }

    /// Every workflow in docs/workflows.md (a YAML block with a `Workflow:` line) checks clean
    /// beside the example flows, and the example there is the one in `Flows/`.
    @Test func workflowsInTheReferenceCheckClean() throws {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/workflows.md"), encoding: .utf8)
        let blocks = Self.fencedBlocks(text).filter { $0.language == "yaml" && ($0.body.contains("\nWorkflow: ") || $0.body.hasPrefix("Workflow: ")) }
        #expect(blocks.count >= 1)
        for block in blocks {
            let result = FlowCompiler.check(try Self.exampleFlows() + [.init(path: "Flows/Example.yaml", text: block.body)], readFile: { _ in nil })
            #expect(result.diagnostics.map(\.description) == [], "\(block.body.prefix(60))")
        }
        let example = try String(contentsOf: packageRoot.appendingPathComponent("Flows/MissedChoiceFollowUp.yaml"), encoding: .utf8)
        #expect(blocks.first?.body.hasSuffix(example.drop { $0 != "\n" }.dropFirst()) == true, "docs/workflows.md shows Flows/MissedChoiceFollowUp.yaml")
    }
}
