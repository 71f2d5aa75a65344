import Foundation
import Testing
@testable import CallFlowCompiler

/// `flowc graph`: every kind of exit as a labelled edge, end states marked, text escaped.
@Suite struct FlowGraphTests {
    static let everyExit = """
        Flow: Exits
        Start: Menu
        Elements:
          - Name: Menu
            Type: CollectInput
            Text: "Press 1"
            OnNoInput: Fetch
          - Name: Route
            Type: Branch
            Source: <<Menu.Value>>
            Conditions:
              - {Operand: Equals, Value: "1", Goto: Fetch}
              - {Operand: Contains, Value: "say \\"<<call.name>>\\"", Goto: Notify}
            Default: Desk
          - Name: Fetch
            Type: APIRequest
            URL: https://api.example.com/x
            Fallback: Stop
            ResultCode: API_DOWN
          - Name: Notify
            Type: APIRequest
            URL: https://api.example.com/y
            ParseResponse: false
            Next: Desk
          - Name: Desk
            Type: Transfer
            To: desk

        """

    func graph(_ format: FlowGraphWriter.Format) throws -> String {
        let result = FlowCompiler.check([.init(path: "Exits.yaml", text: Self.everyExit)], readFile: { _ in nil })
        #expect(result.diagnostics.map(\.description) == [])
        return FlowGraphWriter(flow: try #require(result.flows.first)).render(format)
    }

    @Test func mermaid() throws {
        #expect(try graph(.mermaid) == """
            flowchart TD
                start((start)) --> n0
                n0["Menu<br/><i>CollectInput</i>"]
                n1["Route<br/><i>Branch</i>"]
                n2["Fetch<br/><i>APIRequest</i>"]
                n3["Notify<br/><i>APIRequest</i>"]
                n4(["Desk<br/><i>Transfer</i>"])
                end_((end))
                n0 -->|"next"| n1
                n0 -->|"no input"| n2
                n1 -->|"Equals 1"| n2
                n1 -->|"Contains say #quot;#lt;#lt;call.name#gt;#gt;#quot;"| n3
                n1 -->|"default"| n4
                n2 -->|"success"| n3
                n2 -->|"failure"| end_
                n3 -->|"next"| n4

            """)
    }

    @Test func dot() throws {
        #expect(try graph(.dot) == """
            digraph "Exits" {
                node [shape=box, style=rounded, fontname="Helvetica"];
                edge [fontname="Helvetica", fontsize=10];
                start [shape=circle, label="start"];
                start -> n0;
                n0 [label="Menu\\nCollectInput"];
                n1 [label="Route\\nBranch"];
                n2 [label="Fetch\\nAPIRequest"];
                n3 [label="Notify\\nAPIRequest"];
                n4 [label="Desk\\nTransfer", peripheries=2];
                end_ [shape=doublecircle, label="end"];
                n0 -> n1 [label="next"];
                n0 -> n2 [label="no input"];
                n1 -> n2 [label="Equals 1"];
                n1 -> n3 [label="Contains say \\"<<call.name>>\\""];
                n1 -> n4 [label="default"];
                n2 -> n3 [label="success"];
                n2 -> end_ [label="failure"];
                n3 -> n4 [label="next"];
            }

            """)
    }

    /// A condition value with a line break or an escape sequence stays inside its label.
    @Test func controlCharactersStayInsideLabels() throws {
        let yaml = """
            Flow: Odd
            Elements:
              - Name: Route
                Type: Branch
                Source: <<call.name>>
                Conditions:
                  - {Operand: Equals, Value: "a\\nn9 --> n0\\u001B[2J", Goto: Done}
                Default: Done
              - Name: Done
                Type: Hangup
            """
        let result = FlowCompiler.check([.init(path: "Odd.yaml", text: yaml)], readFile: { _ in nil })
        let flow = try #require(result.flows.first)
        let mermaid = FlowGraphWriter(flow: flow).render(.mermaid)
        #expect(mermaid.contains(#"n0 -->|"Equals a\nn9 --#gt; n0\x1B[2J"| n1"#))
        let dot = FlowGraphWriter(flow: flow).render(.dot)
        #expect(dot.contains(#"n0 -> n1 [label="Equals a\\nn9 --> n0\\x1B[2J"];"#))
        for text in [mermaid, dot] {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
            #expect(text.split(separator: "\n").count == text.filter { $0 == "\n" }.count)
        }
    }

    /// The README shows the graph of an example flow; it must be what `flowc graph` prints.
    @Test func theReadmeShowsTheGraphFlowcDraws() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let shown = try #require(DocumentationTests.fencedBlocks(readme).first { $0.language == "mermaid" }).body
        let path = packageRoot.appendingPathComponent("Flows/LeadFieldReadback.yaml").path
        let result = FlowCompiler.check([.init(path: path, contents: try #require(FileSystem.read(path)))])
        #expect(FlowGraphWriter(flow: try #require(result.flows.first)).render(.mermaid) == shown)
    }
}

/// `flowc graph` as a user runs it.
@Suite struct FlowcGraphTests {
    let check = FlowcCheckTests()

    @Test func printsMermaidByDefaultAndRefusesAFlowWithErrors() async throws {
        let root = try check.project(["Good.yaml": FlowcCheckTests.good, "Bad.yaml": FlowcCheckTests.bad])
        defer { try? FileManager.default.removeItem(at: root) }
        let good = try await check.flowc(["graph", "Good.yaml"], in: root)
        #expect(good.status == 0)
        #expect(good.stdout == "flowchart TD\n    start((start)) --> n0\n    n0([\"Bye<br/><i>Hangup</i>\"])\n")
        let bad = try await check.flowc(["graph", "Bad.yaml", "--format", "dot"], in: root)
        #expect(bad.status == 1)
        #expect(bad.stdout == "")
        #expect(bad.stderr.hasSuffix("flowc: error: Bad.yaml has errors; fix them to draw its graph\n"))
        #expect(bad.stderr.hasPrefix("Bad.yaml:5:15: error:"))
    }

    @Test func svgWithoutGraphvizSaysWhatToInstall() async throws {
        let root = try check.project(["Good.yaml": FlowcCheckTests.good])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await check.flowc(["graph", "Good.yaml", "--format", "svg"], in: root, environment: ["PATH": root.path])
        #expect(run.status == 1)
        #expect(run.stderr == "flowc: error: --format svg needs Graphviz's `dot` command, which is not installed; install it (apt install graphviz), or print --format dot or mermaid instead\n")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dot")))
    func svgWithGraphviz() async throws {
        let root = try check.project(["Good.yaml": FlowcCheckTests.good])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await check.flowc(["graph", "Good.yaml", "--format", "svg"], in: root)
        #expect(run.status == 0)
        #expect(run.stdout.contains("<svg"))
        #expect(run.stdout.contains(">Bye</text>"))
    }
}
