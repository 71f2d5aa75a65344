import Foundation
import Testing

/// `flows test` as a user runs it: the example flows' scenarios from the package root, and a
/// folder of scenarios that fail.
struct FlowsTestCommandTests {
    let folder = TemporaryFolder()

    func flowsTest(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await offThePool { try FixturePackageTests.runBlocking(FlowsRunTests.flows.path, ["test"] + arguments, in: TestServer.packageRoot) }
    }

    @Test func theExampleFlowsPassTheirScenarios() async throws {
        let (status, output) = try await flowsTest([])
        let lines = output.split(separator: "\n")
        #expect(status == 0, "\(output)")
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("PASS  ") })
        #expect(lines.count >= 13)
        #expect(lines.last == "\(lines.count - 1) passed, 0 failed")
    }

    @Test func aFailingScenarioAndAMistakeInAFileFailTheRun() async throws {
        try """
            Scenario: the menu routes 1 to support
            Flow: DtmfMenu
            Inputs: ["1"]
            Expect: {ResultCode: SUPPORT}
            ---
            Scenario: passes
            Flow: DtmfMenu
            Inputs: ["2"]
            Expect: {ResultCode: SUPPORT}
            """.write(toFile: folder.path + "/menu.yaml", atomically: true, encoding: .utf8)
        try """
            Scenario: misspelt
            Flow: DtmfMenu
            Expect: {Pth: [Menu]}
            """.write(toFile: folder.path + "/typo.yml", atomically: true, encoding: .utf8)
        let (status, output) = try await flowsTest([folder.path])
        #expect(status == 1)
        #expect(output == """
            FAIL  the menu routes 1 to support  (\(folder.path)/menu.yaml:1:1)
                  ResultCode is SALES, expected SUPPORT (line 4)
            PASS  passes
            \(folder.path)/typo.yml:3:10: error: unknown key `Pth` for `Expect` [unknown-key]
            note: did you mean `Path`?
            1 passed, 2 failed

            """)
    }

    /// The scenarios shown in docs/testing.md and the README pass against the example flows.
    @Test func theDocumentedScenariosPass() async throws {
        var count = 0
        for document in ["docs/testing.md", "README.md"] {
            let text = try String(contentsOf: TestServer.packageRoot.appendingPathComponent(document), encoding: .utf8)
            for block in text.components(separatedBy: "```yaml\n").dropFirst() {
                let body = block.components(separatedBy: "```")[0]
                guard body.hasPrefix("Scenario:") else { continue }
                count += 1
                try body.write(toFile: folder.path + "/doc\(count).yaml", atomically: true, encoding: .utf8)
            }
        }
        #expect(count >= 2)
        let (status, output) = try await flowsTest([folder.path])
        #expect(status == 0, "\(output)")
        #expect(output.hasSuffix("\(count) passed, 0 failed\n"))
    }

    @Test func aPathThatIsNotThereIsAnError() async throws {
        let (status, output) = try await flowsTest([folder.path + "/missing"])
        #expect(status == 1)
        #expect(output == "flows: error: no such file or directory: \(folder.path)/missing\n")
    }
}
