/// The `loop-without-input` warning: a cycle of elements none of which plays, speaks or reads
/// input would spin a call forever without the caller hearing anything. These cycles are the
/// strongly connected components of the graph restricted to silent elements.
struct LoopCheck {
    let flow: Flow
    let graph: ElementGraph

    func check(reachable: [Bool], sink: DiagnosticSink) {
        let silent = flow.elements.map { Self.isSilent($0) }
        for component in silentCycles(silent: silent) {
            let first = component.min()!
            guard reachable[first] else { continue }
            let names = component.sorted().map { flow.elements[$0].name }
            let element = flow.elements[first]
            sink.report(.loopWithoutInput, at: element.nameLocation,
                        "\(names.count == 1 ? "`\(names[0])` loops to itself" : "`\(names.joined(separator: "`, `"))` loop") without playing, speaking or reading input, so a call could spin here forever",
                        notes: ["add a TTS, Play or CollectInput element to the loop, or an exit out of it"])
        }
    }

    /// An element that neither plays, speaks nor reads input.
    static func isSilent(_ element: Element) -> Bool {
        switch element.kind {
        case .tts, .play, .collectInput, .transfer, .hangup: false
        case .apiRequest(let request): request.phrase.isEmpty
        case .setProperty, .branch, nil: true
        }
    }

    /// Tarjan's algorithm, iterative so that long chains cannot overflow the stack. Returns the
    /// components that contain a cycle (more than one element, or an element that exits to itself).
    private func silentCycles(silent: [Bool]) -> [[Int]] {
        let count = silent.count
        var index = [Int](repeating: -1, count: count)
        var lowLink = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int] = []
        var nextIndex = 0
        var result: [[Int]] = []

        /// The next silent element that `node` exits to, from its exit `position` on.
        func successor(of node: Int, from position: inout Int) -> Int? {
            let edges = graph.edges[node]
            while position < edges.count {
                defer { position += 1 }
                if let target = edges[position].target, silent[target] { return target }
            }
            return nil
        }

        var callStack: [(node: Int, position: Int)] = []
        for root in 0..<count where silent[root] && index[root] < 0 {
            callStack.append((root, 0))
            index[root] = nextIndex
            lowLink[root] = nextIndex
            nextIndex += 1
            stack.append(root)
            onStack[root] = true
            while !callStack.isEmpty {
                let top = callStack.count - 1
                let node = callStack[top].node
                if let next = successor(of: node, from: &callStack[top].position) {
                    if index[next] < 0 {
                        index[next] = nextIndex
                        lowLink[next] = nextIndex
                        nextIndex += 1
                        stack.append(next)
                        onStack[next] = true
                        callStack.append((next, 0))
                    } else if onStack[next] {
                        lowLink[node] = min(lowLink[node], index[next])
                    }
                    continue
                }
                callStack.removeLast()
                if let parent = callStack.last?.node { lowLink[parent] = min(lowLink[parent], lowLink[node]) }
                guard lowLink[node] == index[node] else { continue }
                // Most components are one element without a loop; they need no list.
                if stack.last == node {
                    stack.removeLast()
                    onStack[node] = false
                    if graph.edges[node].contains(where: { $0.target == node }) { result.append([node]) }
                    continue
                }
                var component: [Int] = []
                while true {
                    let member = stack.removeLast()
                    onStack[member] = false
                    component.append(member)
                    if member == node { break }
                }
                result.append(component)
            }
        }
        return result
    }
}
