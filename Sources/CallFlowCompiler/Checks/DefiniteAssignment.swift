/// The `maybe-unset` check: a must-analysis over the element graph. A value is set at an
/// element when every path from the start to it passes an exit that sets it; success and
/// failure exits of a request are separate edges, since they set different values.
struct DefiniteAssignment {
    /// A fillpoint that reads a value which must have been set.
    struct Read {
        /// The fillpoint's `<<` and path, for the message.
        var location: SourceLocation
        var path: [PathSegment]
        var element: Int
        var fact: Fact
    }

    let flow: Flow
    let graph: ElementGraph
    /// The properties each element sets, and on which exit (nil for every exit), by element
    /// index: the searches ask this at every edge they take.
    private let setsByElement: [[(property: String, exit: ElementGraph.Exit?)]]

    init(flow: Flow, graph: ElementGraph, assignments: [PropertyTypes.Assignment]) {
        self.flow = flow
        self.graph = graph
        var setsByElement = [[(property: String, exit: ElementGraph.Exit?)]](repeating: [], count: graph.edges.count)
        for assignment in assignments { setsByElement[assignment.element].append((assignment.property, assignment.exit)) }
        self.setsByElement = setsByElement
    }

    func check(_ reads: [Read], sink: DiagnosticSink) {
        guard let start = graph.start, !reads.isEmpty else { return }
        // A read of fact F at element X is unset when the start reaches X on some path that takes
        // no edge setting F. Each read searches backwards from X along edges that do not set F;
        // nodes a fruitless search visited cannot be reached that way, so later reads of F stop
        // there. Values are read close to where they are set, so the searches stay small, where
        // a bit set of every fact at every element grows with the square of the flow's size.
        let predecessors = Predecessors(graph)
        var factIDs = [Fact: Int32](minimumCapacity: reads.count)
        let readFacts = reads.map { read in
            if let id = factIDs[read.fact] { return id }
            factIDs[read.fact] = Int32(factIDs.count)
            return Int32(factIDs.count - 1)
        }
        let order = reads.indices.sorted { (readFacts[$0], $0) < (readFacts[$1], $1) }

        /// The fact a node is known to have set on every path to it (nodes hold one at a time:
        /// reads are taken fact by fact), and the last search that visited the node.
        var knownSet = [Int32](repeating: -1, count: graph.edges.count)
        var visitedBy = [Int](repeating: -1, count: graph.edges.count)
        var unset = [Bool](repeating: false, count: reads.count)
        var stack: [Int] = []
        var visited: [Int] = []
        for (search, readIndex) in order.enumerated() {
            let fact = reads[readIndex].fact, factID = readFacts[readIndex]
            let goal = reads[readIndex].element
            if knownSet[goal] == factID { continue }
            stack.removeAll(keepingCapacity: true)
            visited.removeAll(keepingCapacity: true)
            stack.append(goal)
            visited.append(goal)
            visitedBy[goal] = search
            var reachedStart = false
            search: while let node = stack.popLast() {
                if node == start {
                    reachedStart = true
                    break search
                }
                for (from, exit) in predecessors.of(node) {
                    guard visitedBy[from] != search, knownSet[from] != factID, !sets(from, exit, fact) else { continue }
                    visitedBy[from] = search
                    visited.append(from)
                    stack.append(from)
                }
            }
            if reachedStart {
                unset[readIndex] = true
            } else {
                for node in visited { knownSet[node] = factID }
            }
        }

        for (read, isUnset) in zip(reads, unset) where isUnset {
            let element = flow.elements[read.element]
            let path = graph.path(to: read.element) { node, edge in sets(node, edge.exit, read.fact) }
            var notes: [String] = []
            if let path {
                let steps = path.map { step in
                    let name = flow.elements[step.node].name
                    return step.exit?.label.map { "\(name) (\($0))" } ?? name
                }
                notes.append("not set on the path \(steps.joined(separator: " → "))")
            }
            sink.report(.maybeUnset, at: read.location,
                        "`\(PathSegment.describe(read.path))` may be unset when `\(element.name)` runs; set it on every path to `\(element.name)`, or add a fallback such as `<<\(PathSegment.describe(read.path)) ?? \"\">>`",
                        notes: notes)
        }
    }

    /// Whether taking `exit` out of `node` sets `fact`. A fact names the element that sets it,
    /// already of the right kind (see `Fact`), so the element's kind need not be looked at:
    /// matching on it would copy the whole request at every edge the searches take.
    private func sets(_ node: Int, _ exit: ElementGraph.Exit, _ fact: Fact) -> Bool {
        switch fact {
        case .status(let element), .digits(let element):
            return element == node
        case .result(let element):
            return element == node && exit == .success
        case .error(let element):
            return element == node && exit != .success
        case .property(let name):
            return setsByElement[node].contains { $0.property == name && ($0.exit == nil || $0.exit == exit) }
        }
    }

    /// The edges into each node, as (node, exit) of the edge's source.
    private struct Predecessors {
        private var first: [Int32]
        private var sources: [(node: Int, exit: ElementGraph.Exit)]

        init(_ graph: ElementGraph) {
            var counts = [Int32](repeating: 0, count: graph.edges.count + 1)
            for edges in graph.edges {
                for edge in edges { if let target = edge.target { counts[target + 1] += 1 } }
            }
            for node in 0..<graph.edges.count { counts[node + 1] += counts[node] }
            first = counts
            var next = counts
            sources = Array(repeating: (0, .next), count: Int(counts[graph.edges.count]))
            for (node, edges) in graph.edges.enumerated() {
                for edge in edges {
                    guard let target = edge.target else { continue }
                    sources[Int(next[target])] = (node, edge.exit)
                    next[target] += 1
                }
            }
        }

        func of(_ node: Int) -> ArraySlice<(node: Int, exit: ElementGraph.Exit)> {
            sources[Int(first[node])..<Int(first[node + 1])]
        }
    }
}
