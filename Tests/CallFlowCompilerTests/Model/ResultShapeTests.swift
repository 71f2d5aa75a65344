import Foundation
import Testing
@testable import CallFlowCompiler

@Suite struct ResultShapeTests {
    private func shape(_ yaml: String) -> (ValueType?, [String]) {
        let sink = DiagnosticSink(file: "t.yaml")
        // The nodes are valid while the loader's result lives.
        let loaded = YAMLLoader.load(Array(yaml.utf8), file: "t.yaml")
        let type = withExtendedLifetime(loaded) {
            ResultShapeReader(sink: sink).readObject(loaded.documents[0], key: loaded.documents[0].location)
        }
        return (type, sink.diagnostics.map(\.message))
    }

    @Test func everyTypeForm() {
        let (type, problems) = shape("""
            a: string
            b: number?
            c: [integer]
            d: "[boolean?]?"
            e: {f: string}
            g?: [{h: string}]
            """)
        #expect(problems.isEmpty)
        #expect(type?.description == "{a, b, c, d, e, g}")
        guard case .object(let fields) = type else { Issue.record("not an object"); return }
        #expect(fields.map(\.type.description) == ["string", "number?", "[integer]", "[boolean?]?", "{f}", "[{h}]?"])
    }

    @Test func invalidTypes() {
        #expect(shape("a: strng").1 == ["`strng` is not a result type; use string, number, integer, boolean, a mapping, or a one-item list such as [string], each optionally with a trailing `?`"])
        #expect(shape("a: [string, number]").1 == ["a list type has exactly one item, the type of its elements, as in `[string]`; found 2"])
    }

    @Test func inferenceFromASample() throws {
        let json = #"{"id": 7, "name": "x", "ok": true, "gone": null, "tags": ["a"], "rows": [{"a": 1}, {"a": 2, "b": "y"}], "empty": []}"#
        let type = try ResultSampleInference.infer(from: Data(json.utf8), location: SourceLocation(line: 1, column: 1))
        guard case .object(let fields) = type else { Issue.record("not an object"); return }
        let described = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.type.description) })
        #expect(described == ["id": "number", "name": "string", "ok": "boolean", "gone": "string?", "tags": "[string]", "rows": "[{a, b}]", "empty": "[string?]"])
        #expect(fields.map(\.name) == ["empty", "gone", "id", "name", "ok", "rows", "tags"])
    }

    @Test func samplesThatAreNotObjectsAreRejected() {
        let location = SourceLocation(line: 1, column: 1)
        #expect(throws: ResultSampleInference.Failure.self) { try ResultSampleInference.infer(from: Data("[1]".utf8), location: location) }
        #expect(throws: ResultSampleInference.Failure.self) { try ResultSampleInference.infer(from: Data("{".utf8), location: location) }
    }
}
