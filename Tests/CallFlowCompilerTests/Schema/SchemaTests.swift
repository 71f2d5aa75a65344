import Foundation
import Testing
@testable import CallFlowCompiler

/// The JSON Schemas in schema/: written from the compiler's key tables, and checked against
/// every example with a real validator (check-jsonschema, which `make setup` installs).
@Suite struct SchemaTests {
    static let validator = packageRoot.appendingPathComponent(".build/tools/bin/check-jsonschema").path

    @Test(arguments: JSONSchemaWriter.Kind.allCases)
    func theSchemaFilesAreWhatTheCompilerWrites(_ kind: JSONSchemaWriter.Kind) throws {
        let stored = try String(contentsOf: packageRoot.appendingPathComponent("schema/\(kind.fileName)"), encoding: .utf8)
        #expect(stored == JSONSchemaWriter.schema(kind), "run `make schema` and review the change")
    }

    @Test func everyElementTypeAndKeyIsInTheFlowSchema() throws {
        let schema = JSONSchemaWriter.schema(.flow)
        for type in ElementType.allCases {
            #expect(schema.contains("\"const\": \"\(type.rawValue)\""))
            for key in type.allKeys { #expect(schema.contains("\"\(key.name)\": "), "\(type.rawValue).\(key.name)") }
        }
    }

    struct Validation {
        var status: Int32
        var output: String
    }

    /// Runs check-jsonschema on `files` against a schema of schema/, off the cooperative pool.
    func validate(_ files: [String], against kind: JSONSchemaWriter.Kind) async throws -> Validation {
        try #require(FileManager.default.isExecutableFile(atPath: Self.validator), "check-jsonschema is missing: run `make setup`")
        let schema = packageRoot.appendingPathComponent("schema/\(kind.fileName)").path
        return try await offThePool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.validator)
            process.arguments = ["--schemafile", schema] + files
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Validation(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
        }
    }

    /// Each YAML document of a scenario file as a file of its own: check-jsonschema reads one
    /// document a file (editors' YAML support validates each document).
    func documents(of files: [URL], in folder: URL) throws -> [String] {
        var paths: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (index, document) in text.components(separatedBy: "\n---\n").enumerated() {
                let path = folder.appendingPathComponent("\(file.deletingPathExtension().lastPathComponent)-\(index + 1).yaml").path
                try document.write(toFile: path, atomically: true, encoding: .utf8)
                paths.append(path)
            }
        }
        return paths
    }

    func yamlFiles(in folder: String) throws -> [URL] {
        let url = packageRoot.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func everyExampleFlowAndScenarioIsValid() async throws {
        let files = try yamlFiles(in: "Flows")
        let workflows = try files.filter { try String(contentsOf: $0, encoding: .utf8).wholeMatch(of: /(?s)(.*\n)?Workflow: .*/) != nil }
        let flows = files.filter { !workflows.contains($0) }
        #expect(flows.count >= 4 && workflows.count >= 1)
        let flowRun = try await validate(flows.map(\.path), against: .flow)
        #expect(flowRun.status == 0, "\(flowRun.output)")
        let workflowRun = try await validate(workflows.map(\.path), against: .workflow)
        #expect(workflowRun.status == 0, "\(workflowRun.output)")

        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenarios = try documents(of: try yamlFiles(in: "Flows/Tests"), in: folder)
        #expect(scenarios.count >= 13)
        let scenarioRun = try await validate(scenarios, against: .scenario)
        #expect(scenarioRun.status == 0, "\(scenarioRun.output)")
    }

    @Test func unknownKeysAreFlagged() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flow = folder.appendingPathComponent("Flow.yaml").path
        try """
            Flow: Typo
            Elements:
              - {Name: Fetch, Type: APIRequest, URL: "https://x.example", Tmeout: 5}
            """.write(toFile: flow, atomically: true, encoding: .utf8)
        let flowRun = try await validate([flow], against: .flow)
        #expect(flowRun.status == 1)
        #expect(flowRun.output.contains("'Tmeout' was unexpected"), "\(flowRun.output)")

        let scenario = folder.appendingPathComponent("Scenario.yaml").path
        try """
            Scenario: typo
            Flow: Typo
            Expect: {Requests: {Fetch: {Url: x}}}
            """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let scenarioRun = try await validate([scenario], against: .scenario)
        #expect(scenarioRun.status == 1)
        #expect(scenarioRun.output.contains("'Url' was unexpected"), "\(scenarioRun.output)")
    }
}
