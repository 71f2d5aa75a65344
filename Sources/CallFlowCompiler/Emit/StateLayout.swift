/// How a flow's generated `State` holds what a call has set: each property, each request's
/// result, status and error, each input's digits, in tuples of at most `partSize` members
/// (`state.values0.property_Lead`, `state.values1.result_GETAPI`).
///
/// Tuples, because a tuple's members cost nothing when Swift emits the module, which it does
/// for every file on every build, while a struct's stored properties each do. Small tuples,
/// because LLVM spells a tuple's whole type at every access, so one tuple of every value would
/// make a flow's compile time grow with the square of its size.
struct StateLayout {
    enum Slot: String {
        case property, result, status, error, digits
    }

    static let partSize = 16

    /// The tuples' members, `(label, Swift type)`, part by part.
    private(set) var parts: [[(label: String, type: String)]] = []
    private var partOfLabel: [String: Int] = [:]

    init(flow: Flow, propertyTypes: [String: ValueType]) {
        for name in propertyTypes.keys.sorted() {
            add(.property, name, ValueExpressions.storage(of: propertyTypes[name]!).swiftType + "?")
        }
        for element in flow.elements {
            guard case .apiRequest(let request) = element.kind else { continue }
            if request.result != nil { add(.result, element.name, "JSONValue?") }
            add(.status, element.name, "Int?")
            add(.error, element.name, "String?")
        }
        for element in flow.elements where element.type == .collectInput {
            add(.digits, element.name, "String?")
        }
    }

    /// A label is a prefix, `_` and the name. The prefixes start with different letters, so no
    /// two labels meet whatever the names are.
    private static func label(_ slot: Slot, _ name: String) -> String { "\(slot.rawValue)_\(name)" }

    private mutating func add(_ slot: Slot, _ name: String, _ type: String) {
        if parts.last.map({ $0.count == Self.partSize }) ?? true { parts.append([]) }
        let label = Self.label(slot, name)
        partOfLabel[label] = parts.count - 1
        parts[parts.count - 1].append((label, type))
    }

    /// Where generated code reads and writes a value: `state.values0.property_Lead`.
    func path(_ slot: Slot, _ name: String) -> String {
        let label = Self.label(slot, name)
        return "state.values\(partOfLabel[label]!).\(label)"
    }

    /// `struct State` and `initialState()`.
    func emit(into writer: inout CodeWriter) {
        // Swift has no tuple of one labelled member.
        let parts = parts.map { $0.count == 1 ? $0 + [(label: "", type: "Void")] : $0 }
        writer.line()
        writer.line("/// What a call has set so far; nil where a value is not (yet) set.")
        writer.block("struct State") { writer in
            writer.line("var resultCode: String")
            for (index, part) in parts.enumerated() {
                writer.enclosed("var values\(index): (", ")") { writer in
                    for (position, member) in part.enumerated() {
                        writer.line((member.label.isEmpty ? "" : member.label + ": ") + member.type + (position == part.count - 1 ? "" : ","))
                    }
                }
            }
        }
        writer.line()
        writer.block("static func initialState() -> State") { writer in
            let values = parts.enumerated().map { index, part in
                "values\(index): (" + part.map { $0.type == "Void" ? "()" : "nil" }.joined(separator: ", ") + ")"
            }
            writer.line("State(" + (["resultCode: \"INBOUND\""] + values).joined(separator: ", ") + ")")
        }
    }
}
