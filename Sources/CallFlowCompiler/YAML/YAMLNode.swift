/// A YAML node with the position of its first character. The tree is what the flow model is
/// built from; unlike a Codable decode it keeps every position.
///
/// A node is a view into its file's `YAMLTree`: copying one costs a reference count, and the
/// text of a scalar becomes a `String` only when asked for.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case mapping(Pairs)
        case sequence(Items)
    }

    let tree: YAMLTree
    let id: Int32

    init(tree: YAMLTree, id: Int32) {
        self.tree = tree
        self.id = id
    }

    private var record: YAMLTree.Record { tree.records[Int(id)] }

    public var location: SourceLocation { record.location }

    /// An explicit tag such as `!!str`, if the file gave one.
    public var tag: String? {
        let tag = record.tag
        return tag < 0 ? nil : tree.tags[Int(tag)]
    }

    public var content: Content {
        switch record.kind {
        case .scalar: .scalar(YAMLScalar(tree: tree, id: id))
        case .mapping: .mapping(Pairs(tree: tree, record: record))
        case .sequence: .sequence(Items(tree: tree, record: record))
        }
    }

    public var scalar: YAMLScalar? {
        record.kind == .scalar ? YAMLScalar(tree: tree, id: id) : nil
    }

    public var pairs: Pairs? {
        let record = record
        return record.kind == .mapping ? Pairs(tree: tree, record: record) : nil
    }

    public var items: Items? {
        let record = record
        return record.kind == .sequence ? Items(tree: tree, record: record) : nil
    }

    /// The items of a list, or this node alone: for keys that take one value or a list.
    public var itemsOrSelf: [YAMLNode] {
        items.map(Array.init) ?? [self]
    }

    /// The scalar's text, if this is a scalar.
    public var text: String? { scalar?.value }

    /// Calls `body` with the scalar's UTF-8 bytes, without making a `String`; nil when this is
    /// not a scalar.
    func withText<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        let record = record
        guard record.kind == .scalar else { return nil }
        return tree.text.withUnsafeBufferPointer { text in
            body(UnsafeBufferPointer(rebasing: text[record.span]))
        }
    }

    /// Whether this is a scalar whose text is `text`.
    func hasText(_ text: StaticString) -> Bool {
        withText { $0.hasSameBytes(as: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) } ?? false
    }

    /// A scalar that YAML resolves to null: an empty plain scalar, `~` or `null`.
    public var isNull: Bool { record.isNull(in: tree.text) }

    /// What a reader calls this kind of node in a message ("a mapping", "a list", "text").
    public var kindDescription: String { record.kindDescription(in: tree.text) }

    /// The key-value pairs of a mapping, in file order (merged keys after the mapping's own).
    public struct Pairs: RandomAccessCollection, Sendable {
        let tree: YAMLTree?
        let start: Int
        public let count: Int

        /// No pairs.
        public init() {
            tree = nil
            start = 0
            count = 0
        }

        init(tree: YAMLTree, record: YAMLTree.Record) {
            self.tree = tree
            self.start = Int(record.start)
            self.count = Int(record.count) / 2
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { count }

        public subscript(position: Int) -> YAMLPair {
            let slot = start + 2 * position
            let tree = tree!
            return YAMLPair(key: tree.node(tree.children[slot]), value: tree.node(tree.children[slot + 1]))
        }

        /// Calls `body` with the UTF-8 of the key at `position`, without making a `String`; nil
        /// when the key is not a scalar.
        func withKeyText<Result>(at position: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
            let tree = tree!
            let record = tree.records[Int(tree.children[start + 2 * position])]
            guard record.kind == .scalar else { return nil }
            return tree.text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[record.span])) }
        }

        /// Whether the key at `position` is a scalar with the UTF-8 `key`.
        func key(at position: Int, is key: UnsafeBufferPointer<UInt8>) -> Bool {
            withKeyText(at: position) { $0.hasSameBytes(as: key) } ?? false
        }

        /// The position of the first pair from `first` on whose key is a scalar with the
        /// UTF-8 `key`.
        func firstIndex(ofKey key: UnsafeBufferPointer<UInt8>, from first: Int) -> Int? {
            (first..<count).first { self.key(at: $0, is: key) }
        }
    }

    /// The items of a list, in file order.
    public struct Items: RandomAccessCollection, Sendable {
        let tree: YAMLTree
        let start: Int
        public let count: Int

        init(tree: YAMLTree, record: YAMLTree.Record) {
            self.tree = tree
            self.start = Int(record.start)
            self.count = Int(record.count)
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { count }

        public subscript(position: Int) -> YAMLNode {
            tree.node(tree.children[start + position])
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
    public enum Style: UInt8, Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    let tree: YAMLTree
    let id: Int32

    private var record: YAMLTree.Record { tree.records[Int(id)] }

    /// The scalar's value, quotes and escapes resolved.
    public var value: String { String(decoding: utf8, as: UTF8.self) }

    /// The value's UTF-8 bytes.
    public var utf8: ArraySlice<UInt8> { tree.textBytes(of: record) }

    /// Whether the value holds `<<`, the start of a fillpoint.
    var hasMarker: Bool {
        let span = record.span
        return tree.text.withUnsafeBufferPointer { FillpointMarkers.occur(in: UnsafeBufferPointer(rebasing: $0[span])) }
    }

    public var style: Style { record.style }

    /// The location of each `<<` of `value` (counted left to right, without overlap), found in
    /// the raw text so that quotes, escapes and block indentation are accounted for. Empty when
    /// the value has no `<<`, or when escapes make raw and value disagree.
    public var markerLocations: [SourceLocation] {
        let record = record
        guard record.markerCount > 0 else { return [] }
        return Array(tree.markers[Int(record.markerStart)..<Int(record.markerStart + record.markerCount)])
    }

    /// The location of the `<<` with this ordinal (see `markerLocations`), if known.
    func markerLocation(_ ordinal: Int) -> SourceLocation? {
        let record = record
        return ordinal < record.markerCount ? tree.markers[Int(record.markerStart) + ordinal] : nil
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether both hold the same bytes; a plain loop, quicker than `elementsEqual` for the
    /// short keys and names it compares.
    func hasSameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        for index in 0..<count where self[index] != other[index] { return false }
        return true
    }
}
