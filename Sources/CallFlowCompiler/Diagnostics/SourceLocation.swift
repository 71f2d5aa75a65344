/// A 1-based line and column in a flow file. Columns count characters (Unicode scalars), as
/// libyaml and most editors do.
///
/// The file is not part of a location: every location of a flow is in the flow's file, and
/// leaving the path out keeps locations plain values that cost nothing to copy. Both numbers
/// are stored in 32 bits: a flow's model and YAML tree hold a location in every node, and
/// half the size is fewer pages to touch.
public struct SourceLocation: Sendable, Hashable, Comparable, BitwiseCopyable, Codable {
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// `PATH:LINE:COLUMN`, the form editors and build logs turn into a link.
    public func reference(in file: String) -> String { "\(file):\(line):\(column)" }
}
