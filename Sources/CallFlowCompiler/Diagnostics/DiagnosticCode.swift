/// The code at the end of every diagnostic line. The set and the meaning of each code are
/// part of the language contract (FLOW-LANGUAGE.md §6); never rename one.
public enum DiagnosticCode: String, Sendable, CaseIterable, Codable {
    case yamlSyntax = "yaml-syntax"
    case unknownKey = "unknown-key"
    case missingKey = "missing-key"
    case invalidValue = "invalid-value"
    case invalidName = "invalid-name"
    case duplicateName = "duplicate-name"
    case unknownTarget = "unknown-target"
    case fillpointSyntax = "fillpoint-syntax"
    case unknownReference = "unknown-reference"
    case unknownField = "unknown-field"
    case noResult = "no-result"
    case maybeUnset = "maybe-unset"
    case typeMismatch = "type-mismatch"
    case secretLeak = "secret-leak"
    case insecureURL = "insecure-url"
    case untrustedHost = "untrusted-host"
    case invalidHeader = "invalid-header"
    case bodyNotAllowed = "body-not-allowed"
    case unreachable = "unreachable"
    case loopWithoutInput = "loop-without-input"
    case foreignFillpoint = "foreign-fillpoint"
    case triggerMismatch = "trigger-mismatch"
    case unknownResultCode = "unknown-result-code"

    /// The severity every diagnostic with this code has.
    public var severity: Diagnostic.Severity {
        switch self {
        case .unreachable, .loopWithoutInput, .foreignFillpoint, .unknownResultCode: .warning
        default: .error
        }
    }

    /// One sentence for code-scanning tools (the SARIF rule description).
    public var summary: String {
        switch self {
        case .yamlSyntax: "The file is not valid YAML."
        case .unknownKey: "A key that the flow or the element type does not have."
        case .missingKey: "A required key is missing."
        case .invalidValue: "A value of the wrong kind or out of range."
        case .invalidName: "A name that is not a valid identifier."
        case .duplicateName: "Two elements, an element and a property, or two flows share a name."
        case .unknownTarget: "An exit names no element of the flow."
        case .fillpointSyntax: "A malformed <<fillpoint>>."
        case .unknownReference: "A fillpoint whose root is no element, property or namespace."
        case .unknownField: "A fillpoint path that the value does not have."
        case .noResult: "A reference to a result or status that the element does not produce."
        case .maybeUnset: "A value read where, on some path, it has not been set."
        case .typeMismatch: "Values whose types do not fit together."
        case .secretLeak: "A secret used where it could be spoken or logged."
        case .insecureURL: "A plain http:// URL to a host that is not loopback."
        case .untrustedHost: "A value the caller controls in the scheme, host or port of a URL."
        case .invalidHeader: "A header that does not parse or has an invalid name."
        case .bodyNotAllowed: "A request body on GET or HEAD."
        case .unreachable: "An element that no path from Start reaches."
        case .loopWithoutInput: "A cycle that neither plays, speaks nor reads input."
        case .foreignFillpoint: "Another product's {{fillpoint}} syntax, which would be spoken or sent literally."
        case .triggerMismatch: "A workflow reads a value its trigger does not provide."
        case .unknownResultCode: "A workflow compares call.result_code with a code its flow never ends with."
        }
    }
}
