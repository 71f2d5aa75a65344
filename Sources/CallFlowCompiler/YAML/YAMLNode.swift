/// A YAML node with the position of its first character. The tree is what the flow model is
/// built from; unlike a Codable decode it keeps every position.
///
/// Nodes are immutable objects: the decoder hands them around a lot, and sharing one costs a
/// reference count where copying a value would cost the whole node.
public final class YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case mapping([YAMLPair])
        case sequence([YAMLNode])
    }

    public let content: Content
    public let location: SourceLocation
    /// An explicit tag such as `!!str`, if the file gave one.
    public let tag: String?
    /// How many nodes this subtree holds; bounds the cost of alias expansion.
    let weight: Int

    init(content: Content, location: SourceLocation, tag: String?, weight: Int) {
        self.content = content
        self.location = location
        self.tag = tag
        self.weight = weight
    }

    /// The same node, standing at another place (where an alias to it is).
    func moved(to location: SourceLocation) -> YAMLNode {
        YAMLNode(content: content, location: location, tag: tag, weight: weight)
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { scalar } else { nil }
    }

    public var pairs: [YAMLPair]? {
        if case .mapping(let pairs) = content { pairs } else { nil }
    }

    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { items } else { nil }
    }

    /// The scalar's text, if this is a scalar.
    public var text: String? { scalar?.value }

    /// A scalar that YAML resolves to null: an empty plain scalar, `~` or `null`.
    public var isNull: Bool {
        guard let scalar, scalar.style == .plain, tag == nil else { return false }
        switch scalar.value {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// What a reader calls this kind of node in a message ("a mapping", "a list", "text").
    public var kindDescription: String {
        switch content {
        case .scalar: isNull ? "nothing" : "text"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

/// A key and its value in a mapping, in file order.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode
}

/// A scalar's text, its style, and where each `<<` of its text stands in the file.
public struct YAMLScalar: Sendable {
    public enum Style: Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var value: String
    public var style: Style
    /// The location of each `<<` of `value` (counted left to right, without overlap), found in
    /// the raw text so that quotes, escapes and block indentation are accounted for. Empty when
    /// the value has no `<<`, or when escapes make raw and value disagree.
    public var markerLocations: [SourceLocation]
}
