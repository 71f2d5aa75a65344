import Foundation
import Testing
@testable import CallFlowCompiler

/// Flows that are right must produce no diagnostic at all.
@Suite struct ValidFlowTests {
    private func check(file url: URL) throws -> [String] {
        let bytes = try [UInt8](Data(contentsOf: url))
        return FlowCompiler.check([.init(path: url.path, contents: bytes)]).diagnostics.map { "\($0)" }
    }

    @Test func theLanguagePageExamplesCheckClean() throws {
        for name in ["LeadFieldReadback.yaml", "BranchExample.yaml"] {
            #expect(try check(file: fixturesDirectory.appendingPathComponent("Spec/\(name)")) == [], "\(name)")
        }
    }

    @Test func aFlowWithEveryElementTypeAndKeyChecksClean() throws {
        let url = fixturesDirectory.appendingPathComponent("Valid/EveryKey.yaml")
        #expect(try check(file: url) == [])
        let flow = try #require(FlowCompiler.check([.init(path: url.path, contents: [UInt8](Data(contentsOf: url)))]).flows.first)
        #expect(Set(flow.elements.compactMap(\.type)) == Set(ElementType.allCases))
        let text = try String(contentsOf: url, encoding: .utf8)
        let allKeys = ElementType.flowKeys + ElementType.commonKeys + ElementType.allCases.flatMap(\.keys)
            + ElementType.conditionKeys + ElementType.bodyValueKeys
        for key in allKeys {
            #expect(text.contains("\(key.name):"), "EveryKey.yaml does not use `\(key.name)`")
        }
        for operand in Branch.Operand.allCases { #expect(text.contains("Operand: \(operand.rawValue)")) }
        for method in APIRequest.Method.allCases { #expect(text.contains("Action: \(method.rawValue)")) }
    }

    @Test func theExampleFlowsCheckClean() throws {
        let directory = packageRoot.appendingPathComponent("Flows")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
        #expect(!names.isEmpty)
        // Checked as one set, as the build does: a workflow names a flow of another file.
        let sources = try names.map { FlowCompiler.Source(path: $0, contents: [UInt8](try Data(contentsOf: directory.appendingPathComponent($0)))) }
        let result = FlowCompiler.check(sources, readFile: { FileSystem.read(directory.appendingPathComponent($0).path) })
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.workflows.count >= 1)
    }

    @Test func theExampleFlowIsModelledAsWritten() throws {
        let url = fixturesDirectory.appendingPathComponent("Spec/LeadFieldReadback.yaml")
        let flow = try #require(FlowCompiler.check([.init(path: "f.yaml", contents: [UInt8](Data(contentsOf: url)))]).flows.first)
        #expect(flow.name.value == "LeadFieldReadback")
        #expect(flow.elements.map(\.name) == ["Welcome", "GETAPI", "StoreField", "ReadBack", "Sorry", "Done"])
        guard case .apiRequest(let request) = flow.elements[1].kind else { Issue.record("GETAPI is not an APIRequest"); return }
        #expect(request.method == .get && request.timeout == 10)
        #expect(request.headers.map(\.name) == ["Content-Type", "Authorization"])
        #expect(request.onFailure?.name == "Sorry")
        #expect(request.result == .object([.init(name: "Value", type: .string)]))
    }
}
