/// The output formats of `flowc check` (FLOW-LANGUAGE.md §7).
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    /// `PATH:LINE:COLUMN: error|warning: MESSAGE [CODE]`, then `note:` lines.
    case text
    /// One JSON object a diagnostic, a line each.
    case json
    /// SARIF 2.1.0, for code-scanning tools.
    case sarif

    /// The diagnostics rendered in this format, ending with a newline unless empty.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        switch self {
        case .text: diagnostics.map(Self.text).joined()
        case .json: diagnostics.map { Self.json($0) + "\n" }.joined()
        case .sarif: SARIFLog(diagnostics: diagnostics).render() + "\n"
        }
    }

    static func text(_ diagnostic: Diagnostic) -> String {
        var out = diagnostic.description + "\n"
        for note in diagnostic.notes { out += "note: \(PrintableText.escaped(note))\n" }
        return out
    }

    static func json(_ diagnostic: Diagnostic) -> String {
        JSONText.object([
            ("file", JSONText.string(diagnostic.file)),
            ("line", String(diagnostic.location.line)),
            ("column", String(diagnostic.location.column)),
            ("severity", JSONText.string(diagnostic.severity.rawValue)),
            ("code", JSONText.string(diagnostic.code.rawValue)),
            ("message", JSONText.string(diagnostic.message)),
            ("notes", JSONText.array(diagnostic.notes.map(JSONText.string))),
        ])
    }
}
