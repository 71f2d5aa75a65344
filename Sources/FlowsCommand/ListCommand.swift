import ArgumentParser
import CallFlowRuntime

/// `flows list`: each flow with its elements.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List each flow with its elements.")

    func run(_ flows: [CompiledFlow]) {
        for (index, flow) in flows.enumerated() {
            if index > 0 { Terminal.out("") }
            Terminal.out(flow.name + (flow.summary.map { ": " + $0 } ?? ""))
            let width = flow.elements.map(\.name.count).max() ?? 0
            for element in flow.elements {
                var line = "  " + element.name.padding(to: width) + "  " + element.type
                let seenBy = [element.agentsCanSee ? "agents can see" : nil, element.supervisorCanSee ? "supervisors can see" : nil].compactMap { $0 }
                if !seenBy.isEmpty { line += "  (" + seenBy.joined(separator: ", ") + ")" }
                Terminal.out(line)
            }
        }
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
