/// The flow as a graph: each element's exits as labelled edges to element indexes. Success and
/// failure of a request are separate edges, since they set different values.
struct ElementGraph {
    enum Exit: Sendable, Hashable {
        case next
        case success
        case failure
        case condition(Int)
        case defaultExit
        case noInput

        /// How a path note shows taking this exit; plain `next` shows nothing.
        var label: String? {
            switch self {
            case .next: nil
            case .success: "success"
            case .failure: "failure"
            case .condition(let index): "condition \(index + 1)"
            case .defaultExit: "default"
            case .noInput: "no input"
            }
        }
    }

    struct Edge: Sendable {
        var exit: Exit
        /// The element control passes to; `nil` where the call ends.
        var target: Int?
    }

    /// Each element's exits, by element index. All edges are kept in one array (a list an
    /// element cost an allocation, and its freeing, for each of them).
    struct EdgeLists: RandomAccessCollection {
        fileprivate var all: [Edge] = []
        /// Where each element's edges start in `all`; one more entry than elements.
        fileprivate var starts: [Int32] = [0]

        var startIndex: Int { 0 }
        var endIndex: Int { starts.count - 1 }

        subscript(node: Int) -> EdgeList {
            EdgeList(all: all, start: Int(starts[node]), count: Int(starts[node + 1] - starts[node]))
        }

        /// Ends the list of the element whose edges were appended to `all` last.
        fileprivate mutating func endElement() {
            starts.append(Int32(all.count))
        }
    }

    /// One element's exits, in the order of its keys.
    struct EdgeList: RandomAccessCollection {
        fileprivate let all: [Edge]
        fileprivate let start: Int
        let count: Int

        var startIndex: Int { 0 }
        var endIndex: Int { count }

        subscript(position: Int) -> Edge { all[start + position] }
    }

    let edges: EdgeLists
    let start: Int?

    /// Builds the graph. References that name no element are left out (they are reported as
    /// `unknown-target` by the name checks).
    init(flow: Flow, indexOf: [String: Int]) {
        // An exit that is given but names no element leads nowhere (it is reported as
        // `unknown-target`); one that is not given falls back to the default exit.
        func target(_ reference: ElementReference?, otherwise fallback: Int?) -> Int? {
            guard let reference else { return fallback }
            return indexOf[reference.name]
        }
        var edges = EdgeLists()
        edges.all.reserveCapacity(2 * flow.elements.count)
        edges.starts.reserveCapacity(flow.elements.count + 1)
        for element in flow.elements {
            let below = element.index + 1 < flow.elements.count ? element.index + 1 : nil
            let next = target(element.next, otherwise: below)
            switch element.kind {
            case .apiRequest(let request) where !request.parseResponse:
                edges.all.append(Edge(exit: .next, target: next))
            case .apiRequest(let request):
                let success = target(request.onSuccess, otherwise: next)
                let failure = target(request.onFailure, otherwise: request.fallback == .stop ? nil : success)
                edges.all.append(Edge(exit: .success, target: success))
                edges.all.append(Edge(exit: .failure, target: failure))
            case .branch(let branch):
                for (index, condition) in branch.conditions.enumerated() {
                    edges.all.append(Edge(exit: .condition(index), target: indexOf[condition.goto.name]))
                }
                edges.all.append(Edge(exit: .defaultExit, target: indexOf[branch.defaultTarget.name]))
            case .collectInput(let input):
                edges.all.append(Edge(exit: .next, target: next))
                edges.all.append(Edge(exit: .noInput, target: target(input.onNoInput, otherwise: next)))
            case .transfer(let transfer):
                if let onFailure = transfer.onFailure { edges.all.append(Edge(exit: .failure, target: indexOf[onFailure.name])) }
            case .hangup:
                break
            case .setProperty, .tts, .play, nil:
                edges.all.append(Edge(exit: .next, target: next))
            }
            edges.endElement()
        }
        self.edges = edges
        self.start = flow.startIndex
    }

    /// Which elements some path from the start reaches.
    func reachable() -> [Bool] {
        var seen = [Bool](repeating: false, count: edges.count)
        guard let start else { return seen }
        var stack = [start]
        seen[start] = true
        while let node = stack.popLast() {
            for edge in edges[node] {
                if let target = edge.target, !seen[target] {
                    seen[target] = true
                    stack.append(target)
                }
            }
        }
        return seen
    }

    /// A shortest path from the start to `goal` that takes no edge `avoid` rejects, as element
    /// indexes with the exit taken from each (the goal's own exit is nil).
    func path(to goal: Int, avoiding avoid: (Int, Edge) -> Bool) -> [(node: Int, exit: Exit?)]? {
        guard let start else { return nil }
        var previous = [(node: Int, exit: Exit)?](repeating: nil, count: edges.count)
        var seen = [Bool](repeating: false, count: edges.count)
        var queue = [start]
        var head = 0
        seen[start] = true
        while head < queue.count {
            let node = queue[head]
            head += 1
            if node == goal { break }
            for edge in edges[node] where !avoid(node, edge) {
                guard let target = edge.target, !seen[target] else { continue }
                seen[target] = true
                previous[target] = (node, edge.exit)
                queue.append(target)
            }
        }
        guard seen[goal] else { return nil }
        var path: [(node: Int, exit: Exit?)] = [(goal, nil)]
        var node = goal
        while let step = previous[node] {
            path.append((step.node, step.exit))
            node = step.node
        }
        return path.reversed()
    }
}
