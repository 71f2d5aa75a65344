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

    /// Where values are read from: a call's state, or a workflow run's `WorkflowContext`.
    enum Scope {
        case call
        /// A workflow's: its actions by name (`flow` is the flow it names, whose properties
        /// and digits the run carries), read through `run`.
        case workflow(actions: [String: Workflow.Action])
    }

    let flow: Flow
    let indexOf: [String: Int]
    let propertyTypes: [String: ValueType]
    let layout: StateLayout
    var scope = Scope.call

    /// The expression holding the call's variables and contact: the call's, or the run's.
    private var context: String {
        if case .workflow = scope { "run" } else { "call" }
    }

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
        if case .workflow(let actions) = scope, root == "call" || root == "recording" || root == "request",
           let key = rest.first?.key, root != "call" || ["flow", "result_code", "duration"].contains(key) {
            return workflowExpression(root, rest, actions: actions)
        }
        switch root {
        case "call":
            let key = rest.first!.key!
            let type: ValueType = key == "waiting_time" ? .number : .string
            return Expression(code: "\(context).variables.\(SwiftNames.escaped(key))", type: type, isOptional: false)
        case "contact":
            let key = rest.first!.key!
            if key == "custom_fields" {
                return Expression(code: "\(context).contact.customField(\(SwiftNames.literal(rest.last!.key!)))", type: .string, isOptional: false)
            }
            let type: ValueType = key == "tags" || key == "emails" ? .array(.string) : .string
            return walk(Expression(code: "\(context).contact.\(SwiftNames.escaped(key))", type: type, isOptional: false), rest.dropFirst())
        default:
            break
        }
        if case .workflow(let actions) = scope { return workflowExpression(root, rest, actions: actions) }
        if let index = indexOf[root] {
            let element = flow.elements[index]
            switch StateLayout.Slot(readingKey: rest.first!.key!) {
            case .status: return Expression(code: layout.path(.status, element.name), type: .integer, isOptional: true)
            case .error: return Expression(code: layout.path(.error, element.name), type: .string, isOptional: true)
            case .digits: return Expression(code: layout.path(.digits, element.name), type: .string, isOptional: true)
            case .result, .property:
                guard case .apiRequest(let request) = element.kind, let shape = request.result else { preconditionFailure("checked: a declared Result") }
                return result(Expression(code: layout.path(.result, element.name), type: shape, isOptional: true), rest.dropFirst())
            }
        }
        let storage = Self.storage(of: propertyTypes[root] ?? .string)
        return walk(Expression(code: layout.path(.property, root), type: storage.type, isOptional: true,
                               isJSON: storage.swiftType == "JSONValue"), rest)
    }

    /// A value only a workflow reads: `call.flow`, `call.result_code`, `call.duration`, what
    /// the trigger adds, an earlier action's result or status, the flow's properties and digits.
    private func workflowExpression(_ root: String, _ rest: ArraySlice<PathSegment>, actions: [String: Workflow.Action]) -> Expression {
        let field = rest.first?.key ?? ""
        switch (root, field) {
        case ("call", "flow"): return Expression(code: "run.flow", type: .string, isOptional: false)
        case ("call", "result_code"): return Expression(code: "run.resultCode", type: .string, isOptional: true)
        case ("call", "duration"): return Expression(code: "run.duration", type: .number, isOptional: true)
        case ("recording", "file"): return Expression(code: "run.recordingFile", type: .string, isOptional: true)
        case ("recording", "duration"): return Expression(code: "run.recordingDuration", type: .number, isOptional: true)
        case ("request", "element"): return Expression(code: "run.requestElement", type: .string, isOptional: true)
        case ("request", "status"): return Expression(code: "run.requestStatus", type: .integer, isOptional: true)
        case ("request", "error"): return Expression(code: "run.requestError", type: .string, isOptional: true)
        default: break
        }
        if let action = actions[root] {
            if field == "Status" { return Expression(code: "run.status(\(action.index))", type: .integer, isOptional: true) }
            if case .transcription? = action.kind {
                // `Transcribe.Text` is the member `Text` of the action's result.
                return result(Expression(code: "run.result(\(action.index))", type: Workflow.Transcription.result, isOptional: true), rest)
            }
            guard case .apiRequest(let request)? = action.kind, let shape = request.result else { preconditionFailure("checked: a declared Result") }
            return result(Expression(code: "run.result(\(action.index))", type: shape, isOptional: true), rest.dropFirst())
        }
        if indexOf[root] != nil {
            return Expression(code: "run.digits(\(SwiftNames.literal(root)))", type: .string, isOptional: true)
        }
        let storage = Self.storage(of: propertyTypes[root] ?? .string)
        let reader = switch storage.swiftType {
        case "String": "property"
        case "Double": "numberProperty"
        case "Bool": "booleanProperty"
        default: "jsonProperty"
        }
        return walk(Expression(code: "run.\(reader)(\(SwiftNames.literal(root)))", type: storage.type, isOptional: true,
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
