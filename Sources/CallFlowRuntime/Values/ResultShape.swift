/// A declared `Result` shape at run time: what `flows try` compares a real response with, path
/// by path, and what it fills in for the values an earlier request would have given.
public indirect enum ResultShape: Sendable, Equatable, CustomStringConvertible {
    case string, number, integer, boolean
    case object([Member])
    case array(ResultShape)
    /// May be missing or null.
    case optional(ResultShape)

    public struct Member: Sendable, Equatable {
        public var key: String
        public var shape: ResultShape

        public init(_ key: String, _ shape: ResultShape) {
            self.key = key
            self.shape = shape
        }
    }

    /// One path where a response differs from the shape.
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        /// `data.items.0.id`; empty for the whole response.
        public var path: String
        public var declared: String
        public var received: String

        public var description: String {
            "`\(path.isEmpty ? "(the response)" : path)`: declared \(declared), received \(received)"
        }
    }

    /// The shape as a flow writes it: `string`, `[integer]`, `{id, name}`, `string?`.
    public var description: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .integer: "integer"
        case .boolean: "boolean"
        case .object(let members): "{" + members.map(\.key).joined(separator: ", ") + "}"
        case .array(let item): "[\(item)]"
        case .optional(let wrapped): "\(wrapped)?"
        }
    }

    /// Every path of `value` that does not fit, in the order of the shape (each array item is
    /// checked); empty when it fits. Keys the shape does not declare are allowed.
    public func differences(from value: JSONValue?, at path: String = "") -> [Difference] {
        func differs() -> [Difference] { [Difference(path: path, declared: description, received: Self.describe(value))] }
        switch (self, value) {
        case (.optional, nil), (.optional, .null?): return []
        case (.optional(let wrapped), _): return wrapped.differences(from: value, at: path)
        case (.string, .string?), (.boolean, .bool?): return []
        case (.number, .number?): return []
        case (.integer, .number(let number)?): return Int(exactly: number) != nil ? [] : differs()
        case (.array(let item), .array(let items)?):
            return items.enumerated().flatMap { item.differences(from: $1, at: Self.join(path, String($0))) }
        case (.object(let members), .object?):
            return members.flatMap { $0.shape.differences(from: value?[$0.key], at: Self.join(path, $0.key)) }
        default:
            return differs()
        }
    }

    /// A value of this shape with every required place filled by an empty one (`""`, 0,
    /// `false`, `[]`), and `given` laid over it: what an earlier request's result is taken to
    /// be when `flows try` is given only the parts of it the request reads.
    public func filled(with given: JSONValue?) -> JSONValue {
        switch (self, given) {
        case (.optional(let wrapped), let value?): return wrapped.filled(with: value)
        case (.optional, nil): return .null
        case (.object(let members), _):
            return .object(members.map { member in (key: member.key, value: member.shape.filled(with: given?[member.key])) })
        case (_, let value?): return value
        case (.string, nil): return .string("")
        case (.number, nil), (.integer, nil): return .number(0)
        case (.boolean, nil): return .bool(false)
        case (.array, nil): return .array([])
        }
    }

    private static func join(_ path: String, _ step: String) -> String {
        path.isEmpty ? step : path + "." + step
    }

    /// What came, in words: `nothing`, `null`, `text "abc"`, `a number 1.5`, `a list`, `an object`.
    static func describe(_ value: JSONValue?) -> String {
        switch value {
        case nil: "nothing (the key is missing)"
        case .null?: "null"
        case .bool(let flag)?: "a boolean \(flag)"
        case .number(let number)?: "a number \(FlowText.number(number))"
        case .string(let text)?: "text \(JSONValue.string(String(text.prefix(40))).compactText)"
        case .array?: "a list"
        case .object?: "an object"
        }
    }
}
