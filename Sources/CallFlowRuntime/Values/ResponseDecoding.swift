/// A response whose JSON does not have the declared shape. Its description is the request's
/// error text: `Response structure changed: …`, naming the first path that differs.
public struct ResponseShapeError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        "Response structure changed: " + (path.isEmpty ? problem : "`\(path)` \(problem)")
    }
}

/// The checks `ResultShape.decoded` makes of a response: each names the path it is at.
public enum ResponseDecoding {
    public static func member(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    public static func object(_ value: JSONValue?, at path: String) throws(ResponseShapeError) -> JSONValue {
        guard case .object? = value else { throw mismatch(value, "an object", at: path) }
        return value!
    }

    public static func string(_ value: JSONValue?, at path: String) throws(ResponseShapeError) -> String {
        guard case .string(let text)? = value else { throw mismatch(value, "text", at: path) }
        return text
    }

    public static func number(_ value: JSONValue?, at path: String) throws(ResponseShapeError) -> Double {
        guard case .number(let number)? = value else { throw mismatch(value, "a number", at: path) }
        return number
    }

    public static func integer(_ value: JSONValue?, at path: String) throws(ResponseShapeError) -> Int {
        guard case .number(let number)? = value, let integer = Int(exactly: number) else { throw mismatch(value, "an integer", at: path) }
        return integer
    }

    public static func boolean(_ value: JSONValue?, at path: String) throws(ResponseShapeError) -> Bool {
        guard case .bool(let flag)? = value else { throw mismatch(value, "a boolean", at: path) }
        return flag
    }

    public static func array<Element>(_ value: JSONValue?, at path: String,
                                      _ element: (JSONValue?, String) throws(ResponseShapeError) -> Element) throws(ResponseShapeError) -> [Element] {
        guard case .array(let items)? = value else { throw mismatch(value, "a list", at: path) }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() { result.append(try element(item, member(path, String(index)))) }
        return result
    }

    /// A value that may be missing or null.
    public static func optional<Value>(_ value: JSONValue?, at path: String,
                                       _ decode: (JSONValue?, String) throws(ResponseShapeError) -> Value) throws(ResponseShapeError) -> Value? {
        switch value {
        case nil, .null?: return nil
        default: return try decode(value, path)
        }
    }

    private static func mismatch(_ value: JSONValue?, _ expected: String, at path: String) -> ResponseShapeError {
        let found: String
        switch value {
        case nil: return ResponseShapeError(path: path, problem: "is missing (expected \(expected))")
        case .null?: found = "null"
        case .bool?: found = "a boolean"
        case .number?: found = "a number"
        case .string?: found = "text"
        case .array?: found = "a list"
        case .object?: found = "an object"
        }
        return ResponseShapeError(path: path, problem: "is \(found), expected \(expected)")
    }
}
