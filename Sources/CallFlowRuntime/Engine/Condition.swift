/// A Branch's source value, whatever its type, as conditions compare it.
public enum BranchValue: Sendable {
    case unset
    case text(String)
    case number(Double)
    case boolean(Bool)
    case list([String])
    case json(JSONValue)

    public init(_ value: String?) { self = value.map { .text($0) } ?? .unset }
    public init(_ value: Double?) { self = value.map { .number($0) } ?? .unset }
    public init(_ value: Int?) { self = value.map { .number(Double($0)) } ?? .unset }
    public init(_ value: Bool?) { self = value.map { .boolean($0) } ?? .unset }
    public init(_ value: [String]?) { self = value.map { .list($0) } ?? .unset }
    public init(_ value: (some JSONRepresentable)?) {
        switch value?.json {
        case nil, .null?: self = .unset
        case .string(let text)?: self = .text(text)
        case .number(let number)?: self = .number(number)
        case .bool(let flag)?: self = .boolean(flag)
        case let json?: self = .json(json)
        }
    }

    /// The value written as text (FLOW-LANGUAGE.md §4).
    public var text: String {
        switch self {
        case .unset: ""
        case .text(let text): text
        case .number(let number): FlowText.number(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .list(let items): JSONValue.array(items.map { .string($0) }).compactText
        case .json(let json): json.compactText
        }
    }

    var number: Double? {
        switch self {
        case .number(let number): number
        case .text(let text): Double(text.trimmingSpaces())
        default: nil
        }
    }
}

/// The Branch operands of FLOW-LANGUAGE.md §3.
public enum Operand: String, Sendable {
    case equals = "Equals", notEquals = "NotEquals", contains = "Contains", startsWith = "StartsWith"
    case endsWith = "EndsWith", greaterThan = "GreaterThan", greaterOrEqual = "GreaterOrEqual"
    case lessThan = "LessThan", lessOrEqual = "LessOrEqual", isEmpty = "IsEmpty", isNotEmpty = "IsNotEmpty"
    case matches = "Matches"

    /// Whether the condition holds for `source` and `value` (the condition's `Value` as text).
    public func holds(_ source: BranchValue, _ value: String = "") -> Bool {
        switch self {
        case .equals: return Self.equal(source, value)
        case .notEquals: return !Self.equal(source, value)
        case .contains:
            if case .list(let items) = source { return items.contains(value) }
            return source.text.contains(value)
        case .startsWith: return source.text.hasPrefix(value)
        case .endsWith: return source.text.hasSuffix(value)
        case .greaterThan, .greaterOrEqual, .lessThan, .lessOrEqual:
            // Text that is not a number orders nothing: the condition does not hold.
            guard let left = source.number, let right = Double(value.trimmingSpaces()) else { return false }
            switch self {
            case .greaterThan: return left > right
            case .greaterOrEqual: return left >= right
            case .lessThan: return left < right
            default: return left <= right
            }
        case .isEmpty: return Self.isEmpty(source)
        case .isNotEmpty: return !Self.isEmpty(source)
        case .matches:
            guard let regex = try? Regex(value) else { return false }
            return source.text.contains(regex)
        }
    }

    private static func equal(_ source: BranchValue, _ value: String) -> Bool {
        if let left = source.number, let right = Double(value.trimmingSpaces()) { return left == right }
        return source.text == value
    }

    private static func isEmpty(_ source: BranchValue) -> Bool {
        switch source {
        case .unset: true
        case .list(let items): items.isEmpty
        case .json(.array(let items)): items.isEmpty
        case .json(.object(let members)): members.isEmpty
        default: source.text.isEmpty
        }
    }
}
