/// What `flows try` runs: the APIRequest elements with what they read and declare, and one
/// function that makes one element's request from values given on the command line.
extension FlowEmitter {
    /// A value of an earlier element some request reads: where generated code keeps it, and
    /// how `GivenValues` reads it.
    private struct Slot: Hashable {
        /// `state.properties.LeadField`
        var target: String
        /// `values.text("LeadField")`
        var source: String
    }

    func emitTrial(_ writer: inout CodeWriter) {
        let requests = flow.elements.compactMap { element -> (Element, APIRequest)? in
            if case .apiRequest(let request) = element.kind { (element, request) } else { nil }
        }
        guard !requests.isEmpty else { return }
        var slots: Set<Slot> = []
        writer.line()
        writer.list("public static let requests: [RequestElementInfo] =") { writer in
            for (element, request) in requests {
                var reads: [String] = []
                var uses: [TemplateUse] = []
                TemplateUse.append(of: element, to: &uses)
                for use in uses {
                    for fillpoint in use.template.fillpoints {
                        guard let slot = slot(for: fillpoint, requests: requests) else { continue }
                        slots.insert(slot)
                        let path = PathSegment.describe(fillpoint.path)
                        if fillpoint.fallback == nil, !reads.contains(path) { reads.append(path) }
                    }
                }
                var arguments = [SwiftNames.literal(element.name)]
                if !reads.isEmpty { arguments.append("reads: [\(reads.map(SwiftNames.literal).joined(separator: ", "))]") }
                if let result = request.result { arguments.append("result: \(Self.shapeLiteral(result))") }
                if let sample = request.resultSample { arguments.append("sample: \(SwiftNames.literal(sample))") }
                writer.line("RequestElementInfo(\(arguments.joined(separator: ", "))),")
            }
        }
        writer.line()
        writer.block("public static func tryRequest(_ element: String, on call: Call, given values: GivenValues) async -> [String]?") { writer in
            writer.line("guard let index = elements.firstIndex(where: { $0.name == element && $0.type == \"APIRequest\" }) else { return nil }")
            writer.line("var state = State()")
            for slot in slots.sorted(by: { $0.target < $1.target }) { writer.line("\(slot.target) = \(slot.source)") }
            writer.line("guard values.problems.isEmpty else { return values.problems }")
            writer.line("_ = await steps[index](call, &state)")
            writer.line("return []")
        }
    }

    /// Where a fillpoint's value of an earlier element is kept, and how it is read from the
    /// given values; nil for call, contact and secrets.
    private func slot(for fillpoint: Fillpoint, requests: [(Element, APIRequest)]) -> Slot? {
        guard case .name(let root) = fillpoint.path[0], !["call", "contact", "secrets"].contains(root) else { return nil }
        if let index = indexOf[root] {
            let element = flow.elements[index]
            let name = SwiftNames.escaped(element.name)
            func quoted(_ part: String) -> String { SwiftNames.literal("\(element.name).\(part)") }
            switch fillpoint.path.dropFirst().first?.key {
            case "Status": return Slot(target: "state.statuses.\(name)", source: "values.integer(\(quoted("Status")))")
            case "Error": return Slot(target: "state.errors.\(name)", source: "values.text(\(quoted("Error")))")
            case "Value": return Slot(target: "state.digits.\(name)", source: "values.text(\(quoted("Value")))")
            default:
                guard let position = requests.firstIndex(where: { $0.0.index == index }) else { return nil }
                let type = Self.resultTypeName(element)
                return Slot(target: "state.results.\(name)",
                            source: "values.result(\(SwiftNames.literal(element.name)), shape: requests[\(position)].result ?? .object([])) { json throws(ResponseShapeError) in try \(type)(json: json, at: \"\") }")
            }
        }
        let reader = switch ValueExpressions.storage(of: propertyTypes[root] ?? .string).swiftType {
        case "String": "text"
        case "Double": "number"
        case "Bool": "boolean"
        default: "json"
        }
        return Slot(target: "state.properties.\(SwiftNames.escaped(root))", source: "values.\(reader)(\(SwiftNames.literal(root)))")
    }

    /// A result shape as a `ResultShape` literal.
    static func shapeLiteral(_ type: ValueType) -> String {
        switch type {
        case .string: ".string"
        case .number: ".number"
        case .integer: ".integer"
        case .boolean: ".boolean"
        case .object(let fields): ".object([" + fields.map { ".init(\(SwiftNames.literal($0.name)), \(shapeLiteral($0.type)))" }.joined(separator: ", ") + "])"
        case .array(let item): ".array(\(shapeLiteral(item)))"
        case .optional(let wrapped): ".optional(\(shapeLiteral(wrapped)))"
        }
    }
}
