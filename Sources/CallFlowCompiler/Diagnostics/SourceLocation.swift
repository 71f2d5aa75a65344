/// A 1-based line and column in a flow file. Columns count characters (Unicode scalars), as
/// libyaml and most editors do.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The path of the file as the user named it (for example `Flows/Lead.yaml`).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }

    /// `PATH:LINE:COLUMN`, the form editors and build logs turn into a link.
    public var description: String { "\(file):\(line):\(column)" }
}
