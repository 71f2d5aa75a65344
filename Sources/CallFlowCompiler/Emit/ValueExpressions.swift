/// Compiles fillpoints to Swift expressions over the call and the flow's typed state.
///
/// Generation runs only on flows that checked clean, so every path here resolves. An
/// expression may be optional (a value that may be unset); it never traps: indexes go through
/// `flowElement(at:)` and missing values render as empty text.
struct ValueExpressions {
    /// A Swift expression and what it holds.
    struct Expression {
        var code: String
        var type: ValueType
        /// Whether `code` is an optional.
        var isOptional: Bool
        /// Whether `code` is a `JSONValue` (a property or result holding an object or a list),
        /// read by JSON members.
        var isJSON = false
    }

    let flow: Flow
    let indexOf: [String: Int]
    let propertyTypes: [String: ValueType]
    let layout: StateLayout

    /// How a property is stored: numbers as Double, text, booleans, anything else as JSON.
    static func storage(of type: ValueType) -> (swiftType: String, type: ValueType) {
        switch type.unwrapped {
        case .string: ("String", .string)
        case .number, .integer: ("Double", .number)
        case .boolean: ("Bool", .boolean)
        default: ("JSONValue", type.unwrapped)
        }
    }

    func expression(for fillpoint: Fillpoint) -> Expression {
        let path = fillpoint.path
        guard case .name(let root) = path[0] else { preconditionFailure("checked: a path starts with a name") }
        let rest = path.dropFirst()
        switch root {
        case "call":
            let key = rest.first!.key!
            let type: ValueType = key == "waiting_time" ? .number : .string
            return Expression(code: "call.variables.\(SwiftNames.escaped(key))", type: type, isOptional: false)
        case "contact":
            let key = rest.first!.key!
            if key == "custom_fields" {
                return Expression(code: "call.contact.customField(\(SwiftNames.literal(rest.last!.key!)))", type: .string, isOptional: false)
            }
            let type: ValueType = key == "tags" || key == "emails" ? .array(.string) : .string
            return walk(Expression(code: "call.contact.\(SwiftNames.escaped(key))", type: type, isOptional: false), rest.dropFirst())
        default:
            break
        }
        if let index = indexOf[root] {
            let element = flow.elements[index]
            switch rest.first!.key! {
            case "Status": return Expression(code: layout.path(.status, element.name), type: .integer, isOptional: true)
            case "Error": return Expression(code: layout.path(.error, element.name), type: .string, isOptional: true)
            case "Value": return Expression(code: layout.path(.digits, element.name), type: .string, isOptional: true)
            default:
                guard case .apiRequest(let request) = element.kind, let shape = request.result else { preconditionFailure("checked: a declared Result") }
                return result(Expression(code: layout.path(.result, element.name), type: shape, isOptional: true), rest.dropFirst())
            }
        }
        let storage = Self.storage(of: propertyTypes[root] ?? .string)
        return walk(Expression(code: layout.path(.property, root), type: storage.type, isOptional: true,
                               isJSON: storage.swiftType == "JSONValue"), rest)
    }

    /// Follows path steps from `start`: members and items of a JSON value, items of a Swift
    /// array (a contact's tags).
    func walk(_ start: Expression, _ steps: ArraySlice<PathSegment>) -> Expression {
        var current = start
        for step in steps {
            let access = current.isOptional ? "?." : "."
            if current.isJSON {
                let member = step.key.map { "flowMember(\(SwiftNames.literal($0)))" } ?? "flowElement(at: \(step.description))"
                current = Expression(code: current.code + access + member, type: .string, isOptional: true, isJSON: true)
                continue
            }
            guard case .array(let element) = current.type.unwrapped, case .index(let index) = step else {
                preconditionFailure("checked: the path fits the type")
            }
            current = Expression(code: current.code + access + "flowElement(at: \(index))", type: element, isOptional: true)
        }
        return current
    }

    /// Follows path steps into a declared `Result`, held as JSON that was checked against the
    /// shape when the response came (`ResultShape.decoded`): objects and lists stay JSON, and a
    /// field of a scalar type is read as its Swift type (`flowString`, `flowInteger`, …).
    func result(_ start: Expression, _ steps: ArraySlice<PathSegment>) -> Expression {
        var code = start.code
        var type = start.type
        var mayBeNil = start.isOptional
        for step in steps {
            code += mayBeNil ? "?." : "."
            switch (type.unwrapped, step) {
            case (.array(let item), .index(let index)):
                code += "flowElement(at: \(index))"
                type = item
            case (.object(let fields), _):
                let key = step.key!
                code += "flowMember(\(SwiftNames.literal(key)))"
                type = fields.first { $0.name == key }!.type
            default:
                preconditionFailure("checked: the path fits the type")
            }
            mayBeNil = true
        }
        let view: String? = switch type.unwrapped {
        case .string: "flowString"
        case .integer: "flowInteger"
        case .number: "flowNumber"
        case .boolean: "flowBoolean"
        default: nil
        }
        guard let view else { return Expression(code: code, type: type, isOptional: mayBeNil, isJSON: true) }
        return Expression(code: code + (mayBeNil ? "?." : ".") + view, type: type, isOptional: true)
    }

    /// The fillpoint's value as text, its fallback used where it is unset.
    func text(_ fillpoint: Fillpoint) -> String {
        let expression = expression(for: fillpoint)
        switch fillpoint.fallback {
        case nil: return "FlowText.text(\(expression.code))"
        case .text(let text)?: return "FlowText.text(\(expression.code), fallback: \(SwiftNames.literal(text)))"
        case .number(let number)?: return "FlowText.text(\(expression.code), fallback: \(SwiftNames.literal(number)))"
        }
    }
}
