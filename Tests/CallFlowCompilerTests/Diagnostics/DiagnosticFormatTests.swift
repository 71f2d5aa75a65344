import Foundation
import Testing
@testable import CallFlowCompiler

@Suite struct DiagnosticFormatTests {
    private let sample = [
        Diagnostic(.unknownField, in: "Flows/A b.yaml", at: SourceLocation(line: 3, column: 7), "`X` has \"no\" field", notes: ["did you mean `Y`?"]),
        Diagnostic(.unreachable, in: "Flows/B.yaml", at: SourceLocation(line: 1, column: 1), "never reached"),
    ]

    @Test func textIsOneLineADiagnosticThenNotes() {
        #expect(DiagnosticFormat.text.render(sample) == """
            Flows/A b.yaml:3:7: error: `X` has "no" field [unknown-field]
            note: did you mean `Y`?
            Flows/B.yaml:1:1: warning: never reached [unreachable]

            """)
    }

    /// A newline in a YAML value must not print a second, forged diagnostic.
    @Test func controlCharactersFromAFlowAreEscaped() {
        let yaml = """
            Flow: Billing
            Elements:
              - Name: Welcome
                Type: "TTS\\nFlows/Billing.yaml:7:3: error: forged\\r\\u001B[2J\\tend"
            """
        let text = DiagnosticFormat.text.render(diagnostics(yaml, path: "Flows/Bill\ning.yaml"))
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix(#"Flows/Bill\ning.yaml:4:5: error: "#))
        #expect(lines[0].contains(#"TTS\nFlows/Billing.yaml:7:3: error: forged\r\x1B[2J\tend"#))
        #expect(lines.allSatisfy { line in !line.unicodeScalars.contains { $0.value < 0x20 } })
        #expect(PrintableText.escaped("a\u{7F}b\u{85}c\u{2028}") == #"a\x7Fb\u{85}c\u{2028}"#)
    }

    @Test func jsonIsOneObjectALine() throws {
        let lines = DiagnosticFormat.json.render(sample).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == #"{"file":"Flows/A b.yaml","line":3,"column":7,"severity":"error","code":"unknown-field","message":"`X` has \"no\" field","notes":["did you mean `Y`?"]}"#)
        let object = try #require(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(object["severity"] as? String == "warning")
        #expect((object["notes"] as? [Any])?.isEmpty == true)
    }

    @Test func sarifHasTheShapeCodeScanningExpects() throws {
        let data = Data(DiagnosticFormat.sarif.render(sample).utf8)
        let log = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "flowc")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == DiagnosticCode.allCases.map(\.rawValue))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 2)
        let first = results[0]
        #expect(first["ruleId"] as? String == "unknown-field")
        #expect(first["level"] as? String == "error")
        let index = try #require(first["ruleIndex"] as? Int)
        #expect(rules[index]["id"] as? String == "unknown-field")
        #expect((first["message"] as? [String: Any])?["text"] as? String == "`X` has \"no\" field\ndid you mean `Y`?")
        let physical = try #require(((first["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "Flows/A%20b.yaml")
        let region = try #require(physical["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 3 && region["startColumn"] as? Int == 7)
        #expect(results[1]["level"] as? String == "warning")
    }

    @Test func emptyRuns() throws {
        #expect(DiagnosticFormat.text.render([]) == "")
        #expect(DiagnosticFormat.json.render([]) == "")
        let log = try #require(JSONSerialization.jsonObject(with: Data(DiagnosticFormat.sarif.render([]).utf8)) as? [String: Any])
        #expect(((log["runs"] as? [[String: Any]])?.first?["results"] as? [Any])?.isEmpty == true)
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "Timout", in: ["Timeout", "Type"]) == "Timeout")
        #expect(Suggestion.closest(to: "url", in: ["URL", "Body"]) == "URL")
        #expect(Suggestion.closest(to: "Zzzzzz", in: ["Timeout", "Type"]) == nil)
        #expect(Suggestion.closest(to: "a", in: ["b", "ab"]) == "b")
        #expect(Suggestion.editDistance("", "abc", limit: 5) == 3)
    }
}
