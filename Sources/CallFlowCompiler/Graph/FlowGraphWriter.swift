/// A checked flow as a graph for people: elements as nodes (name and type), exits as labelled
/// edges, the start and the places where the call ends marked. Mermaid for Markdown pages,
/// Graphviz dot for everything else. A workflow is drawn the same way: its trigger, its
/// conditions, its actions in order, and where a run stops.
public struct FlowGraphWriter {
    public enum Format: String, Sendable, CaseIterable {
        case mermaid, dot
    }

    private struct Node {
        var name: String
        var type: String
        /// Transfer and Hangup: the call ends here.
        var ends: Bool
    }

    private struct Edge {
        var from: Int
        /// nil where the call ends.
        var to: Int?
        var label: String
    }

    private let name: String
    private let nodes: [Node]
    private let edges: [Edge]
    private let start: Int?
    /// The start's label: `start` for a flow, the trigger for a workflow.
    private var startLabel = "start"

    public init(flow: Flow) {
        name = flow.name.value
        var indexOf: [String: Int] = [:]
        for element in flow.elements where indexOf[element.name] == nil { indexOf[element.name] = element.index }
        let graph = ElementGraph(flow: flow, indexOf: indexOf)
        nodes = flow.elements.map { element in
            let ends = element.type == .transfer || element.type == .hangup
            return Node(name: element.name, type: element.type?.rawValue ?? "?", ends: ends)
        }
        var edges: [Edge] = []
        for (index, exits) in graph.edges.enumerated() {
            for exit in exits {
                edges.append(Edge(from: index, to: exit.target, label: Self.label(exit.exit, of: flow.elements[index])))
            }
        }
        self.edges = edges
        start = graph.start
    }

    public init(workflow: Workflow) {
        name = workflow.name.value
        startLabel = (workflow.trigger?.value.rawValue ?? "start") + (workflow.flow.map { " of \($0.value)" } ?? "")
        var nodes: [Node] = []
        var edges: [Edge] = []
        if !workflow.conditions.isEmpty {
            let tests = workflow.conditions.map { condition in
                "\(PathSegment.describe(condition.source.path)) \(condition.operand.rawValue)" + (condition.value.map { " " + Self.text($0) } ?? "")
            }
            nodes.append(Node(name: "Conditions", type: tests.joined(separator: " and "), ends: false))
            edges.append(Edge(from: 0, to: workflow.actions.isEmpty ? nil : 1, label: "all hold"))
            edges.append(Edge(from: 0, to: nil, label: "not run"))
        }
        for action in workflow.actions {
            let index = nodes.count
            nodes.append(Node(name: action.name, type: action.type?.rawValue ?? "?", ends: false))
            edges.append(Edge(from: index, to: action.index == workflow.actions.count - 1 ? nil : index + 1, label: "done"))
            edges.append(Edge(from: index, to: nil, label: "failed: the run stops"))
        }
        self.nodes = nodes
        self.edges = edges
        start = nodes.isEmpty ? nil : 0
    }

    /// What taking the exit means, as the edge's label.
    private static func label(_ exit: ElementGraph.Exit, of element: Element) -> String {
        switch exit {
        case .next: "next"
        case .success: "success"
        case .failure: "failure"
        case .defaultExit: "default"
        case .noInput: "no input"
        case .condition(let index):
            if case .branch(let branch) = element.kind, branch.conditions.indices.contains(index) {
                [branch.conditions[index].operand.rawValue, branch.conditions[index].value.map(text)]
                    .compactMap { $0 }.joined(separator: " ")
            } else {
                "condition \(index + 1)"
            }
        }
    }

    private static func text(_ template: Template) -> String {
        template.parts.map { part in
            switch part {
            case .text(let text): text
            case .fillpoint(let fillpoint): "<<\(fillpoint.source)>>"
            }
        }.joined()
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .mermaid: mermaid()
        case .dot: dot()
        }
    }

    private var endsSomewhere: Bool { edges.contains { $0.to == nil } }

    private func mermaid() -> String {
        func escaped(_ text: String) -> String {
            var out = ""
            for character in PrintableText.escaped(text) {
                switch character {
                case "\"": out += "#quot;"
                case "<": out += "#lt;"
                case ">": out += "#gt;"
                case "#": out += "#35;"
                default: out.append(character)
                }
            }
            return out
        }
        var lines = ["flowchart TD"]
        if let start { let label = startLabel == "start" ? "start" : "\"\(escaped(startLabel))\""
            lines.append("    start((\(label))) --> n\(start)") }
        for (index, node) in nodes.enumerated() {
            let label = "\"\(escaped(node.name))<br/><i>\(escaped(node.type))</i>\""
            // A rounded "stadium" marks where the call ends.
            lines.append(node.ends ? "    n\(index)([\(label)])" : "    n\(index)[\(label)]")
        }
        if endsSomewhere { lines.append("    end_((end))") }
        for edge in edges {
            lines.append("    n\(edge.from) -->|\"\(escaped(edge.label))\"| \(edge.to.map { "n\($0)" } ?? "end_")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func dot() -> String {
        func quoted(_ text: String) -> String {
            "\"" + PrintableText.escaped(text).replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }
        var lines = [
            "digraph \(quoted(name)) {",
            "    node [shape=box, style=rounded, fontname=\"Helvetica\"];",
            "    edge [fontname=\"Helvetica\", fontsize=10];",
        ]
        if let start {
            lines.append("    start [shape=circle, label=\(quoted(startLabel))];")
            lines.append("    start -> n\(start);")
        }
        for (index, node) in nodes.enumerated() {
            let label = quoted(node.name).dropLast() + "\\n" + quoted(node.type).dropFirst()
            lines.append("    n\(index) [label=\(label)\(node.ends ? ", peripheries=2" : "")];")
        }
        if endsSomewhere { lines.append("    end_ [shape=doublecircle, label=\"end\"];") }
        for edge in edges {
            lines.append("    n\(edge.from) -> \(edge.to.map { "n\($0)" } ?? "end_") [label=\(quoted(edge.label))];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
