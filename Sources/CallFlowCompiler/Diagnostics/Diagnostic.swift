/// One problem found in a flow file, anchored at the key or fillpoint that causes it.
public struct Diagnostic: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    /// The path of the file as the user named it (for example `Flows/Lead.yaml`).
    public var file: String
    public var location: SourceLocation
    public var code: DiagnosticCode
    public var message: String
    /// Follow-up lines: a did-you-mean, the path on which a value is unset, an earlier definition.
    public var notes: [String]

    public var severity: Severity { code.severity }

    public init(_ code: DiagnosticCode, in file: String, at location: SourceLocation, _ message: String, notes: [String] = []) {
        self.file = file
        self.code = code
        self.location = location
        self.message = message
        self.notes = notes
    }
}

extension Diagnostic: CustomStringConvertible {
    /// `PATH:LINE:COLUMN: error|warning: MESSAGE [CODE]`, the one-line form of FLOW-LANGUAGE.md §6.
    /// Always one line: a control character from the flow (a newline in a quoted value, in a
    /// file name) is escaped, so it cannot forge a diagnostic of its own.
    public var description: String {
        PrintableText.escaped("\(location.reference(in: file)): \(severity.rawValue): \(message) [\(code.rawValue)]")
    }
}
