/// Text with `<<fillpoints>>`, as written in `Text`, `URL`, header values, body values and the
/// other template-valued keys.
public struct Template: Sendable {
    public enum Part: Sendable {
        case text(String)
        case fillpoint(Fillpoint)
    }

    public var parts: [Part]
    /// Where the scalar holding the template starts.
    public var location: SourceLocation
    /// The template came from a plain (unquoted) YAML scalar, so a constant like `100` or
    /// `true` is a number or a boolean rather than text.
    public var isPlainScalar: Bool

    public init(parts: [Part], location: SourceLocation, isPlainScalar: Bool = false) {
        self.parts = parts
        self.location = location
        self.isPlainScalar = isPlainScalar
    }

    /// The fillpoints of the template, in order.
    public var fillpoints: [Fillpoint] {
        parts.compactMap { if case .fillpoint(let fillpoint) = $0 { fillpoint } else { nil } }
    }

    /// The whole text, if the template has no fillpoint.
    public var constant: String? {
        var text = ""
        for part in parts {
            guard case .text(let piece) = part else { return nil }
            text += piece
        }
        return text
    }

    /// The fillpoint, if the template is exactly one fillpoint and nothing else. Such a
    /// template keeps the fillpoint's type; any other template is text.
    public var soleFillpoint: Fillpoint? {
        guard parts.count == 1, case .fillpoint(let fillpoint) = parts[0] else { return nil }
        return fillpoint
    }
}

/// One `<<path ?? fallback>>` in a template.
public struct Fillpoint: Sendable {
    public var path: [PathSegment]
    public var fallback: Fallback?
    /// The location of the fillpoint's `<<`.
    public var location: SourceLocation
    /// The text between `<<` and `>>`, for messages.
    public var source: String

    public var root: String {
        if case .name(let name) = path[0] { return name }
        return path[0].description
    }
}

/// One step of a fillpoint path: `name`, `0`, or `"quoted key"`.
public enum PathSegment: Sendable, Hashable, CustomStringConvertible {
    case name(String)
    case index(Int)
    case key(String)

    /// The key this step reads from an object, if it is not an index.
    public var key: String? {
        switch self {
        case .name(let key), .key(let key): key
        case .index: nil
        }
    }

    public var description: String {
        switch self {
        case .name(let name): name
        case .index(let index): String(index)
        case .key(let key): "\"" + key.reduce(into: "") { escaped, character in
            if character == "\\" || character == "\"" { escaped.append("\\") }
            escaped.append(character)
        } + "\""
        }
    }

    /// A path as the user would write it: `GETAPI.Result.status.0`.
    public static func describe(_ path: some Sequence<PathSegment>) -> String {
        path.map(\.description).joined(separator: ".")
    }
}

/// The value after `??`, used where the fillpoint's value is unset, missing or null.
public enum Fallback: Sendable, Hashable {
    case text(String)
    case number(String)
}
