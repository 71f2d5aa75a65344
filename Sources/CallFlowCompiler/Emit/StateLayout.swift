/// How a flow's generated `run` holds what a call has set: each property, each request's
/// result, status and error, each input's digits, in local tuples of at most `partSize` members
/// (`values0.property_Lead`, `values1.result_GETAPI`), beside `resultCode`.
///
/// Local, because what is declared inside a function body costs nothing when Swift emits the
/// module, which it does for every file on every build. Small tuples, because LLVM spells a
/// tuple's whole type at every access, so one tuple of every value would make a flow's compile
/// time grow with the square of its size.
struct StateLayout {
    enum Slot: String {
        case property, result, status, error, digits

        /// What `<<Element.KEY…>>` reads of an element: `Status`, `Error`, `Value` (an input's
        /// digits), else its result. The one mapping for what is kept, read and given.
        init(readingKey key: String?) {
            switch key {
            case "Status": self = .status
            case "Error": self = .error
            case "Value": self = .digits
            default: self = .result
            }
        }
    }

    static let partSize = 16

    /// The tuples' members, `(label, Swift type)`, part by part.
    private(set) var parts: [[(label: String, type: String)]] = []
    private var partOfLabel: [String: Int] = [:]

    /// Every property (each is read when it is set, for the call's events), and what some
    /// fillpoint reads of the elements: a value nothing reads is not kept.
    init(flow: Flow, propertyTypes: [String: ValueType]) {
        for name in propertyTypes.keys.sorted() {
            add(.property, name, ValueExpressions.storage(of: propertyTypes[name]!).swiftType + "?")
        }
        var uses: [TemplateUse] = []
        for element in flow.elements { TemplateUse.append(of: element, to: &uses) }
        var read: Set<String> = []
        for fillpoint in uses.flatMap(\.template.fillpoints) {
            guard case .name(let root) = fillpoint.path[0], let key = fillpoint.path.dropFirst().first?.key else { continue }
            read.insert(Self.label(Slot(readingKey: key), root))
        }
        func addIfRead(_ slot: Slot, _ name: String, _ type: String) {
            if read.contains(Self.label(slot, name)) { add(slot, name, type) }
        }
        for element in flow.elements {
            guard case .apiRequest(let request) = element.kind else { continue }
            if request.result != nil { addIfRead(.result, element.name, "JSONValue?") }
            addIfRead(.status, element.name, "Int?")
            addIfRead(.error, element.name, "String?")
        }
        for element in flow.elements where element.type == .collectInput {
            addIfRead(.digits, element.name, "String?")
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

    /// Where generated code reads and writes a value: `values0.property_Lead`.
    func path(_ slot: Slot, _ name: String) -> String {
        storedPath(slot, name)!
    }

    /// Where a value is kept, or nil when nothing reads it: then it is not stored.
    func storedPath(_ slot: Slot, _ name: String) -> String? {
        let label = Self.label(slot, name)
        return partOfLabel[label].map { "values\($0).\(label)" }
    }

    /// `resultCode` and the tuples, each member nil.
    func emit(into writer: inout CodeWriter) {
        // Swift has no tuple of one labelled member.
        let parts = parts.map { $0.count == 1 ? $0 + [(label: "", type: "Void")] : $0 }
        writer.line("var resultCode = \"INBOUND\"")
        for (index, part) in parts.enumerated() {
            let initial = "(" + part.map { $0.type == "Void" ? "()" : "nil" }.joined(separator: ", ") + ")"
            writer.enclosed("var values\(index): (", ") = \(initial)") { writer in
                for (position, member) in part.enumerated() {
                    writer.line((member.label.isEmpty ? "" : member.label + ": ") + member.type + (position == part.count - 1 ? "" : ","))
                }
            }
        }
    }
}
