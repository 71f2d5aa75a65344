/// The type of a value a fillpoint can read: a declared result shape, a property, a call or
/// contact variable.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case string
    case number
    case integer
    case boolean
    case object([Field])
    case array(ValueType)
    /// May be missing or null (`string?` in a result shape).
    case optional(ValueType)

    /// One key of an object type, in declaration order.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var type: ValueType
        /// Where the key is declared (or the sample file, for an inferred shape); not part of
        /// the type's identity.
        public var location: SourceLocation?

        public init(name: String, type: ValueType, location: SourceLocation? = nil) {
            self.name = name
            self.type = type
            self.location = location
        }

        public static func == (lhs: Field, rhs: Field) -> Bool { lhs.name == rhs.name && lhs.type == rhs.type }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(type)
        }
    }

    /// The type without an optional wrapper.
    public var unwrapped: ValueType {
        if case .optional(let wrapped) = self { wrapped.unwrapped } else { self }
    }

    public var isOptional: Bool {
        if case .optional = self { true } else { false }
    }

    /// `number` or `integer`.
    public var isNumeric: Bool {
        switch unwrapped {
        case .number, .integer: true
        default: false
        }
    }

    /// The type as written in a result shape: `string`, `[integer]`, `{id, name}`.
    public var description: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .integer: "integer"
        case .boolean: "boolean"
        case .object(let fields): "{" + fields.map(\.name).joined(separator: ", ") + "}"
        case .array(let element): "[\(element)]"
        case .optional(let wrapped): "\(wrapped)?"
        }
    }

    /// What a step of a path reads from a value of this type, or why it cannot.
    func step(_ segment: PathSegment) -> StepResult {
        let base = unwrapped
        let optional = isOptional
        switch (base, segment) {
        case (.object(let fields), .name(let key)), (.object(let fields), .key(let key)):
            guard let field = fields.first(where: { $0.name == key }) else {
                return .noSuchKey(candidates: fields.map(\.name))
            }
            return .value(optional && !field.type.isOptional ? .optional(field.type) : field.type)
        case (.array(let element), .index):
            // An index may be past the end, so what it reads may be missing.
            return .value(element.isOptional ? element : .optional(element))
        case (.array, _):
            return .notAnObject
        case (_, .index):
            return .notAnArray
        default:
            return .notAnObject
        }
    }

    enum StepResult {
        case value(ValueType)
        case noSuchKey(candidates: [String])
        case notAnObject
        case notAnArray
    }
}
