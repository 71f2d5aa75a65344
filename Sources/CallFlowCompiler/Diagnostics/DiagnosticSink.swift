/// Collects diagnostics while a phase runs, so that every problem in every file is reported in
/// one run rather than stopping at the first.
final class DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func report(_ code: DiagnosticCode, at location: SourceLocation, _ message: String, notes: [String] = []) {
        diagnostics.append(Diagnostic(code, at: location, message, notes: notes))
    }

    func append(contentsOf other: [Diagnostic]) {
        diagnostics.append(contentsOf: other)
    }
}
