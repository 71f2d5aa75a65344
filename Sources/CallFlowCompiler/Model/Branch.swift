/// A Branch element: route on a value.
public struct Branch: Sendable {
    public enum Operand: String, Sendable, CaseIterable {
        case equals = "Equals", notEquals = "NotEquals", contains = "Contains", startsWith = "StartsWith"
        case endsWith = "EndsWith", greaterThan = "GreaterThan", greaterOrEqual = "GreaterOrEqual"
        case lessThan = "LessThan", lessOrEqual = "LessOrEqual", isEmpty = "IsEmpty", isNotEmpty = "IsNotEmpty"
        case matches = "Matches"

        /// Operands that order numbers.
        public var isOrdering: Bool {
            switch self {
            case .greaterThan, .greaterOrEqual, .lessThan, .lessOrEqual: true
            default: false
            }
        }

        /// Operands that take no `Value`.
        public var isUnary: Bool { self == .isEmpty || self == .isNotEmpty }
    }

    public struct Condition: Sendable {
        public var operand: Operand
        public var operandLocation: SourceLocation
        public var value: Template?
        public var valueLocation: SourceLocation?
        public var goto: ElementReference
    }

    /// The value routed on: one fillpoint (a bare property name is read as `<<Name>>`).
    public var source: Fillpoint
    public var sourceLocation: SourceLocation
    public var conditions: [Condition]
    public var defaultTarget: ElementReference
}
