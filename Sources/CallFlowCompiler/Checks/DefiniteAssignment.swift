/// The `maybe-unset` check: a must-analysis over the element graph. A value is set at an
/// element when every path from the start to it passes an exit that sets it; success and
/// failure exits of a request are separate edges, since they set different values.
struct DefiniteAssignment {
    /// A fillpoint that reads a value which must have been set.
    struct Read {
        var fillpoint: Fillpoint
        var element: Int
        var fact: Fact
    }

    let flow: Flow
    let graph: ElementGraph
    private let assignmentsByElement: [Int: [PropertyTypes.Assignment]]

    init(flow: Flow, graph: ElementGraph, assignments: [PropertyTypes.Assignment]) {
        self.flow = flow
        self.graph = graph
        self.assignmentsByElement = Dictionary(grouping: assignments, by: \.element)
    }

    func check(_ reads: [Read], sink: DiagnosticSink) {
        guard let start = graph.start, !reads.isEmpty else { return }
        // Only facts that are read matter; number them densely for bit sets.
        var factIndex: [Fact: Int] = [:]
        for read in reads where factIndex[read.fact] == nil { factIndex[read.fact] = factIndex.count }
        let words = (factIndex.count + 63) / 64
        let nodes = graph.edges.count

        // What each edge sets: a few fact numbers, so kept as lists rather than bit sets.
        let gens: [[[Int]]] = (0..<nodes).map { node in
            graph.edges[node].map { edge in sets(node, edge.exit).compactMap { factIndex[$0] } }
        }

        // IN[start] is empty; every other node starts at "everything" (top) when first reached
        // and only loses facts, so the worklist terminates.
        var facts = [[UInt64]?](repeating: nil, count: nodes)
        facts[start] = [UInt64](repeating: 0, count: words)
        var worklist = [start]
        var queued = [Bool](repeating: false, count: nodes)
        queued[start] = true
        var out = [UInt64](repeating: 0, count: words)
        while let node = worklist.popLast() {
            queued[node] = false
            for (edgeIndex, edge) in graph.edges[node].enumerated() {
                guard let target = edge.target else { continue }
                out.withUnsafeMutableBufferPointer { out in
                    facts[node]!.withUnsafeBufferPointer { incoming in
                        for word in 0..<words { out[word] = incoming[word] }
                    }
                    for index in gens[node][edgeIndex] { out[index / 64] |= 1 << UInt64(index % 64) }
                }
                var changed = false
                if facts[target] == nil {
                    if target != start {
                        facts[target] = out
                        changed = true
                    }
                } else {
                    facts[target]!.withUnsafeMutableBufferPointer { current in
                        for word in 0..<words {
                            let meet = current[word] & out[word]
                            if meet != current[word] {
                                current[word] = meet
                                changed = true
                            }
                        }
                    }
                }
                if changed, !queued[target] {
                    queued[target] = true
                    worklist.append(target)
                }
            }
        }

        for read in reads {
            guard let available = facts[read.element] else { continue }  // unreachable: warned elsewhere
            let index = factIndex[read.fact]!
            if available[index / 64] & (1 << UInt64(index % 64)) != 0 { continue }
            let element = flow.elements[read.element]
            let path = graph.path(to: read.element) { node, edge in sets(node, edge.exit).contains(read.fact) }
            var notes: [String] = []
            if let path {
                let steps = path.map { step in
                    let name = flow.elements[step.node].name
                    return step.exit?.label.map { "\(name) (\($0))" } ?? name
                }
                notes.append("not set on the path \(steps.joined(separator: " → "))")
            }
            sink.report(.maybeUnset, at: read.fillpoint.location,
                        "`\(PathSegment.describe(read.fillpoint.path))` may be unset when `\(element.name)` runs; set it on every path to `\(element.name)`, or add a fallback such as `<<\(PathSegment.describe(read.fillpoint.path)) ?? \"\">>`",
                        notes: notes)
        }
    }

    /// The facts that taking `exit` out of `node` sets.
    private func sets(_ node: Int, _ exit: ElementGraph.Exit) -> [Fact] {
        var facts: [Fact] = []
        switch flow.elements[node].kind {
        case .apiRequest(let request) where request.parseResponse:
            facts.append(.status(node))
            facts.append(exit == .success ? .result(node) : .error(node))
        case .collectInput:
            facts.append(.digits(node))
        default:
            break
        }
        for assignment in assignmentsByElement[node] ?? [] where assignment.exit == nil || assignment.exit == exit {
            facts.append(.property(assignment.property))
        }
        return facts
    }
}
