import CallFlowCompiler
import CallFlowRuntime

/// An APIRequest element named on the command line as `FLOW.ELEMENT` (`flows logs`,
/// `flows alerts reset`, `flows try`).
struct RequestElement {
    let flow: CompiledFlow
    let element: String

    var name: String { "\(flow.name).\(element)" }

    /// The element `argument` names, or nil after an error that says what to write instead.
    static func find(_ argument: String, in flows: [CompiledFlow]) -> RequestElement? {
        guard let dot = argument.firstIndex(of: ".") else {
            if let flow = flows.first(where: { $0.name == argument }) {
                let requests = flow.elements.filter { $0.type == "APIRequest" }.map { "\(flow.name).\($0.name)" }
                printError("flows: error: `\(argument)` is a flow; name one of its APIRequest elements, as FLOW.ELEMENT: \(requests.isEmpty ? "it has none" : requests.joined(separator: ", "))")
            } else {
                _ = RunCommand.flow(named: argument, in: flows)
            }
            return nil
        }
        guard let flow = RunCommand.flow(named: String(argument[..<dot]), in: flows) else { return nil }
        let element = String(argument[argument.index(after: dot)...])
        let requests = flow.elements.filter { $0.type == "APIRequest" }.map(\.name)
        guard requests.contains(element) else {
            let guess = Suggestion.closest(to: element, in: requests).map { " Did you mean `\($0)`?" } ?? ""
            printError("flows: error: \(flow.name) has no APIRequest element `\(element)`.\(guess) It has: \(requests.isEmpty ? "none" : requests.joined(separator: ", "))")
            return nil
        }
        return RequestElement(flow: flow, element: element)
    }
}
