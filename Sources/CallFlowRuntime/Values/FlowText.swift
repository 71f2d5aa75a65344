/// How values are written into text (FLOW-LANGUAGE.md §4): a number in its shortest form
/// (`12`, `12.5`, never `12.0`), a boolean as `true` or `false`, a list or object as compact
/// JSON, an unset value as empty text.
public enum FlowText {
    public static func number(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    public static func text(_ value: String?) -> String { value ?? "" }
    public static func text(_ value: Double?) -> String { value.map(number) ?? "" }
    public static func text(_ value: Int?) -> String { value.map { String($0) } ?? "" }
    public static func text(_ value: Bool?) -> String { value.map { $0 ? "true" : "false" } ?? "" }
    public static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let text)?: text
        case let value?: value.compactText
        }
    }
    public static func text(_ value: (some JSONRepresentable)?) -> String {
        value.map { text($0.json) } ?? ""
    }
}

/// A value generated code can turn back into JSON: a declared result, or a part of one.
public protocol JSONRepresentable: Sendable {
    var json: JSONValue { get }
}

extension String: JSONRepresentable { public var json: JSONValue { .string(self) } }
extension Double: JSONRepresentable { public var json: JSONValue { .number(self) } }
extension Int: JSONRepresentable { public var json: JSONValue { .number(Double(self)) } }
extension Bool: JSONRepresentable { public var json: JSONValue { .bool(self) } }
extension JSONValue: JSONRepresentable { public var json: JSONValue { self } }
extension Array: JSONRepresentable where Element: JSONRepresentable {
    public var json: JSONValue { .array(map(\.json)) }
}
extension Optional: JSONRepresentable where Wrapped: JSONRepresentable {
    public var json: JSONValue { self?.json ?? .null }
}

extension FlowText {
    /// The value as text, or `fallback` where it is unset or null (a fillpoint's `??`).
    public static func text(_ value: (some JSONRepresentable)?, fallback: String) -> String {
        guard let json = value?.json, json != .null else { return fallback }
        return text(json)
    }
}
