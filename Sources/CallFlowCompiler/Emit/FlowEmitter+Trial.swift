/// What `flows try` runs: the APIRequest elements with what they read and declare, and the
/// part of `run` that makes one element's request from values given on the command line.
extension FlowEmitter {
    /// A value of an earlier element some request reads: where generated code keeps it, and
    /// how `GivenValues` reads it.
    private struct Slot: Hashable {
        /// `values0.property_LeadField`
        var target: String
        /// `given.text("LeadField")`
        var source: String
    }

    /// The APIRequest elements, in order.
    private var requestElements: [(Element, APIRequest)] {
        flow.elements.compactMap { element -> (Element, APIRequest)? in
            if case .apiRequest(let request) = element.kind { (element, request) } else { nil }
        }
    }

    /// The position of the element at `index` in `requests`; nil for any other type.
    func requestPosition(_ index: Int) -> Int? {
        requestElements.firstIndex { $0.0.index == index }
    }

    /// The earlier values each request reads: fillpoint paths without a fallback, in order.
    private func reads(of element: Element) -> [Fillpoint] {
        var uses: [TemplateUse] = []
        TemplateUse.append(of: element, to: &uses)
        return uses.flatMap(\.template.fillpoints)
    }

    func emitRequestTable(_ writer: inout CodeWriter) {
        let requests = requestElements
        guard !requests.isEmpty else { return }
        writer.line("var requestTable: [RequestElementInfo] = []")
        for (element, request) in requests {
            var paths: [String] = []
            for fillpoint in reads(of: element) where slot(for: fillpoint) != nil && fillpoint.fallback == nil {
                let path = PathSegment.describe(fillpoint.path)
                if !paths.contains(path) { paths.append(path) }
            }
            var arguments = [SwiftNames.literal(element.name)]
            if !paths.isEmpty { arguments.append("reads: [\(paths.map(SwiftNames.literal).joined(separator: ", "))]") }
            if let result = request.result { arguments.append("result: \(Self.shapeLiteral(result))") }
            if let sample = request.resultSample { arguments.append("sample: \(SwiftNames.literal(sample))") }
            writer.line("requestTable.append(RequestElementInfo(\(arguments.joined(separator: ", "))))")
        }
        writer.line("let requests = requestTable")
    }

    /// `if case .trial`: the values the requests read taken from those given, then one element.
    func emitTrial(_ writer: inout CodeWriter) {
        let requests = requestElements
        guard !requests.isEmpty else { return }
        let slots = Set(requests.flatMap { reads(of: $0.0) }.compactMap { slot(for: $0) })
        writer.block("if case .trial(let element, let given) = entry") { writer in
            for slot in slots.sorted(by: { $0.target < $1.target }) { writer.line("\(slot.target) = \(slot.source)") }
            writer.line("guard given.problems.isEmpty else { return resultCode }")
            writer.line("_ = await steps[element]()")
            writer.line("return resultCode")
        }
        writer.line()
    }

    /// Where a fillpoint's value of an earlier element is kept, and how it is read from the
    /// given values; nil for call, contact and secrets.
    private func slot(for fillpoint: Fillpoint) -> Slot? {
        guard case .name(let root) = fillpoint.path[0], !["call", "contact", "secrets"].contains(root) else { return nil }
        if let index = indexOf[root] {
            let element = flow.elements[index]
            func quoted(_ part: String) -> String { SwiftNames.literal("\(element.name).\(part)") }
            switch StateLayout.Slot(readingKey: fillpoint.path.dropFirst().first?.key) {
            case .status: return Slot(target: values.layout.path(.status, element.name), source: "given.integer(\(quoted("Status")))")
            case .error: return Slot(target: values.layout.path(.error, element.name), source: "given.text(\(quoted("Error")))")
            case .digits: return Slot(target: values.layout.path(.digits, element.name), source: "given.text(\(quoted("Value")))")
            case .result, .property:
                guard let position = requestPosition(index) else { return nil }
                return Slot(target: values.layout.path(.result, element.name),
                            source: "given.result(of: requests[\(position)])")
            }
        }
        let reader = switch ValueExpressions.storage(of: propertyTypes[root] ?? .string).swiftType {
        case "String": "text"
        case "Double": "number"
        case "Bool": "boolean"
        default: "json"
        }
        return Slot(target: values.layout.path(.property, root), source: "given.\(reader)(\(SwiftNames.literal(root)))")
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
