/// A 1-based line and column in a flow file. Columns count characters (Unicode scalars), as
/// libyaml and most editors do.
///
/// The file is not part of a location: every location of a flow is in the flow's file, and
/// leaving the path out keeps locations plain values that cost nothing to copy.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// `PATH:LINE:COLUMN`, the form editors and build logs turn into a link.
    public func reference(in file: String) -> String { "\(file):\(line):\(column)" }
}
