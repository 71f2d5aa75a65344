/// Collects diagnostics while a phase runs, so that every problem in every file is reported in
/// one run rather than stopping at the first.
final class DiagnosticSink {
    /// The file every location reported here is in.
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    func report(_ code: DiagnosticCode, at location: SourceLocation, _ message: String, notes: [String] = []) {
        diagnostics.append(Diagnostic(code, in: file, at: location, message, notes: notes))
    }

    /// `PATH:LINE:COLUMN` of a location in this file, for notes that point elsewhere.
    func reference(_ location: SourceLocation) -> String {
        location.reference(in: file)
    }

    func append(contentsOf other: [Diagnostic]) {
        diagnostics.append(contentsOf: other)
    }
}
