/// Resolves a fillpoint to the type of what it reads and the fact that must be set before it
/// can be read, reporting `unknown-reference`, `unknown-field`, `no-result` and `secret-leak`.
struct ReferenceResolver {
    struct Resolution {
        var type: ValueType
        /// What must have been set on every path to the reading element; nil when always set.
        var requires: Fact?
    }

    /// The call variables of FLOW-LANGUAGE.md §4.
    static let callVariables: [(name: String, type: ValueType)] = [
        ("referenceid", .string), ("name", .string), ("name2", .string), ("address", .string), ("city", .string),
        ("postalcode", .string), ("phonenum", .string), ("leadid", .string), ("dnis", .string), ("campaignid", .string),
        ("listid", .string), ("external_number", .string), ("uuid", .string), ("agent_id", .string),
        ("agent_email", .string), ("waiting_time", .number),
    ]

    /// The contact variables; `custom_fields` is a map of any name to text, read one field at a
    /// time (`contact.custom_fields.NAME`).
    static let contactVariables: [(name: String, type: ValueType)] = [
        ("name", .string), ("id", .string), ("title", .string), ("company", .string), ("industry", .string),
        ("address", .string), ("city", .string), ("zip", .string), ("state", .string), ("type", .string),
        ("tags", .array(.string)), ("emails", .array(.string)), ("custom_fields", .object([])),
    ]

    /// The values an element offers to fillpoints, by kind.
    static let requestValues = ["Result", "Status", "Error"]
    static let inputValues = ["Value"]
    static let elementValues = requestValues + inputValues

    let flow: Flow
    let indexOf: [String: Int]
    /// Every property some element sets, with its type once known.
    var propertyTypes: [String: ValueType?]
    let secrets: Set<String>

    init(flow: Flow, indexOf: [String: Int], propertyTypes: [String: ValueType?]) {
        self.flow = flow
        self.indexOf = indexOf
        self.propertyTypes = propertyTypes
        self.secrets = Set(flow.secrets.map(\.value))
    }

    /// Resolves `fillpoint`. Without a sink it reports nothing and answers nil for a property
    /// whose type is not known yet (the property type inference asks this way).
    func resolve(_ fillpoint: Fillpoint, place: TemplateUse.Place, sink: DiagnosticSink?) -> Resolution? {
        let at = fillpoint.location
        let path = fillpoint.path
        guard case .name(let root) = path[0] else {
            sink?.report(.unknownReference, at: at, "`<<\(fillpoint.source)>>` must start with a name: an element, a property, `call`, `contact` or `secrets`")
            return nil
        }
        let rest = path.dropFirst()
        switch root {
        case "call":
            return variable(fillpoint, namespace: "call", table: Self.callVariables, rest: rest, sink: sink)
        case "contact":
            if rest.first == .name("custom_fields") || rest.first == .key("custom_fields") {
                guard rest.count == 2, rest.last!.key != nil else {
                    sink?.report(.unknownField, at: at, "`contact.custom_fields` is read one field at a time, as in `<<contact.custom_fields.NAME>>`")
                    return nil
                }
                return Resolution(type: .string, requires: nil)
            }
            return variable(fillpoint, namespace: "contact", table: Self.contactVariables, rest: rest, sink: sink)
        case "secrets":
            guard rest.count == 1, let name = rest.first?.key else {
                sink?.report(.unknownField, at: at, "a secret is read as `<<secrets.NAME>>`, with a name listed under `Secrets`")
                return nil
            }
            guard secrets.contains(name) else {
                sink?.report(.unknownField, at: at, "`\(name)` is not listed under `Secrets`; add it there to read it from FLOW_SECRET_\(name) at run time",
                             notes: Suggestion.note(for: name, in: secrets))
                return nil
            }
            guard place.allowsSecrets else {
                sink?.report(.secretLeak, at: at, "the secret `\(name)` would be \(place == .contentType ? "sent as the Content-Type" : "spoken, stored or logged") here; secrets may only be used in an APIRequest's URL, Query, Header or Body, and in a workflow action's credential keys (\(ActionType.credentialKeys.sorted().joined(separator: ", ")))")
                return nil
            }
            return Resolution(type: .string, requires: nil)
        default:
            break
        }
        if let index = indexOf[root] {
            return elementValue(fillpoint, element: flow.elements[index], rest: rest, sink: sink)
        }
        if let known = propertyTypes[root] {
            guard let type = known ?? (sink == nil ? nil : .string) else { return nil }
            let fact = Fact.property(root)
            if rest.isEmpty { return Resolution(type: type, requires: fact) }
            return walk(type, rest, from: root, fillpoint: fillpoint, sink: sink).map { Resolution(type: $0, requires: fact) }
        }
        let candidates = flow.elements.map(\.name) + propertyTypes.keys.sorted() + ["call", "contact", "secrets"]
        sink?.report(.unknownReference, at: at, "`\(root)` is not an element, a property, or one of call, contact and secrets",
                     notes: Suggestion.note(for: root, in: candidates))
        return nil
    }

    func variable(_ fillpoint: Fillpoint, namespace: String, table: [(name: String, type: ValueType)], rest: ArraySlice<PathSegment>, sink: DiagnosticSink?) -> Resolution? {
        guard let first = rest.first else {
            sink?.report(.unknownField, at: fillpoint.location, "`\(namespace)` needs a field, as in `<<\(namespace).\(table[0].name)>>`")
            return nil
        }
        guard let key = first.key, let entry = table.first(where: { $0.name == key }) else {
            sink?.report(.unknownField, at: fillpoint.location, "`\(namespace)` has no field `\(first)`",
                         notes: Suggestion.note(for: first.key ?? "", in: table.map(\.name)))
            return nil
        }
        let remaining = rest.dropFirst()
        if remaining.isEmpty { return Resolution(type: entry.type, requires: nil) }
        return walk(entry.type, remaining, from: "\(namespace).\(key)", fillpoint: fillpoint, sink: sink).map { Resolution(type: $0, requires: nil) }
    }

    func elementValue(_ fillpoint: Fillpoint, element: Element, rest: ArraySlice<PathSegment>, sink: DiagnosticSink?) -> Resolution? {
        let at = fillpoint.location
        let name = element.name
        guard let kind = element.kind else { return nil }  // its Type is already reported
        let offered: [String]
        switch kind {
        case .apiRequest: offered = Self.requestValues
        case .collectInput: offered = Self.inputValues
        default: offered = []
        }
        guard let first = rest.first, let field = first.key else {
            if offered.isEmpty {
                sink?.report(.noResult, at: at, "`\(name)` is \(kind.type.withArticle) element and has no value to read")
            } else {
                sink?.report(.unknownField, at: at, "`<<\(name)>>` names an element; read one of its values: \(offered.map { "`\(name).\($0)`" }.joined(separator: ", "))")
            }
            return nil
        }
        guard Self.elementValues.contains(field) else {
            sink?.report(.unknownField, at: at, "`\(name)` has no `\(field)`" + (offered.isEmpty ? "" : "; \(kind.type.withArticle) element has \(offered.joined(separator: ", "))"),
                         notes: Suggestion.note(for: field, in: offered.isEmpty ? Self.elementValues : offered))
            return nil
        }
        guard offered.contains(field) else {
            let owner = field == "Value" ? "a CollectInput" : "an APIRequest"
            sink?.report(.noResult, at: at, "`\(name)` is \(kind.type.withArticle) element and has no `\(field)`; only \(owner) element has one")
            return nil
        }
        let remaining = rest.dropFirst()
        if case .collectInput = kind {
            return finish(.string, remaining, from: "\(name).Value", fact: .digits(element.index), fillpoint: fillpoint, sink: sink)
        }
        guard case .apiRequest(let request) = kind else { return nil }
        if !request.parseResponse {
            sink?.report(.noResult, at: at, "`\(name)` has `ParseResponse: false`, so the flow goes on before any response and `\(name).\(field)` is never set",
                         notes: request.parseResponseLocation.map { ["`ParseResponse: false` is at \(sink!.reference($0))"] } ?? [])
            return nil
        }
        switch field {
        case "Status":
            return finish(.integer, remaining, from: "\(name).Status", fact: .status(element.index), fillpoint: fillpoint, sink: sink)
        case "Error":
            return finish(.string, remaining, from: "\(name).Error", fact: .error(element.index), fillpoint: fillpoint, sink: sink)
        default:
            if request.method == .head {
                sink?.report(.noResult, at: at, "`\(name)` is a HEAD request, whose response has no body, so it has no `Result`; read `\(name).Status`")
                return nil
            }
            guard let shape = request.result else {
                if request.resultLocation == nil {
                    sink?.report(.noResult, at: at, "`\(name)` declares no `Result`; add `Result:` (the response's shape) or `ResultSample:` to the element to read its response")
                }
                return nil
            }
            let fact = Fact.result(element.index)
            if remaining.isEmpty { return Resolution(type: shape, requires: fact) }
            return walk(shape, remaining, from: "\(name).Result", fillpoint: fillpoint, sink: sink).map { Resolution(type: $0, requires: fact) }
        }
    }

    private func finish(_ type: ValueType, _ remaining: ArraySlice<PathSegment>, from owner: @autoclosure () -> String, fact: Fact, fillpoint: Fillpoint, sink: DiagnosticSink?) -> Resolution? {
        guard remaining.isEmpty else {
            sink?.report(.unknownField, at: fillpoint.location, "`\(owner())` is \(type == .integer ? "a number" : "text") and has no field `\(remaining.first!)`")
            return nil
        }
        return Resolution(type: type, requires: fact)
    }

    /// Follows `path` through `type`, reporting the first step that the type does not have.
    /// `owner` names what `type` is the type of, for messages.
    func walk(_ type: ValueType, _ path: ArraySlice<PathSegment>, from owner: @autoclosure () -> String, fillpoint: Fillpoint, sink: DiagnosticSink?) -> ValueType? {
        var current = type
        for (index, segment) in zip(path.indices, path) {
            // The path up to the step that failed, spelt out only for a message.
            func walked() -> String { path[..<index].reduce(owner()) { $0 + "." + $1.description } }
            switch current.step(segment) {
            case .value(let next):
                current = next
                continue
            case .noSuchKey(let candidates):
                sink?.report(.unknownField, at: fillpoint.location, "`\(walked())` has no field `\(segment)`",
                             notes: Suggestion.note(for: segment.key ?? "", in: candidates))
            case .notAnArray:
                sink?.report(.unknownField, at: fillpoint.location, "`\(walked())` is \(Self.article(current)), not a list, so it cannot be indexed with `\(segment)`")
            case .notAnObject:
                guard let sink else { break }
                let walked = walked()
                var message = "`\(walked)` is \(Self.article(current)), not an object, so it has no field `\(segment)`"
                if case .array = current.unwrapped { message += "; index a list with a number, as in `\(walked).0`" }
                sink.report(.unknownField, at: fillpoint.location, message)
            }
            return nil
        }
        return current
    }

    static func article(_ type: ValueType) -> String {
        switch type.unwrapped {
        case .string: "text"
        case .number, .integer: "a number"
        case .boolean: "a boolean"
        case .object: "an object"
        case .array: "a list"
        case .optional(let wrapped): article(wrapped)
        }
    }
}
