/// A YAML node with the position of its first character. The tree is what the flow model is
/// built from; unlike a Codable decode it keeps every position.
///
/// A node is a view into its file's `YAMLTree`, valid while the tree lives: copying one counts
/// no reference, and the text of a scalar becomes a `String` only when asked for.
struct YAMLNode: @unchecked Sendable {
    enum Content: Sendable {
        case scalar(YAMLScalar)
        case mapping(Pairs)
        case sequence(Items)
    }

    let storage: UnsafePointer<YAMLTree.Storage>
    let id: Int32

    init(storage: UnsafePointer<YAMLTree.Storage>, id: Int32) {
        self.storage = storage
        self.id = id
    }

    private var tree: YAMLTree.Storage { storage.pointee }

    private var record: YAMLTree.Record { tree.records[Int(id)] }

    var location: SourceLocation { record.location }

    /// An explicit tag such as `!!str`, if the file gave one.
    var tag: String? {
        let tag = record.tag
        return tag < 0 ? nil : tree.tags[Int(tag)]
    }

    var content: Content {
        switch record.kind {
        case .scalar: .scalar(YAMLScalar(storage: storage, id: id))
        case .mapping: .mapping(Pairs(storage: storage, record: record))
        case .sequence: .sequence(Items(storage: storage, record: record))
        }
    }

    var scalar: YAMLScalar? {
        record.kind == .scalar ? YAMLScalar(storage: storage, id: id) : nil
    }

    var pairs: Pairs? {
        let record = record
        return record.kind == .mapping ? Pairs(storage: storage, record: record) : nil
    }

    var items: Items? {
        let record = record
        return record.kind == .sequence ? Items(storage: storage, record: record) : nil
    }

    /// The items of a list, or this node alone: for keys that take one value or a list.
    var itemsOrSelf: [YAMLNode] {
        items.map(Array.init) ?? [self]
    }

    /// The scalar's text, if this is a scalar.
    var text: String? { scalar?.value }

    /// Calls `body` with the scalar's UTF-8 bytes, without making a `String`; nil when this is
    /// not a scalar.
    func withText<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        let record = record
        guard record.kind == .scalar else { return nil }
        return body(tree.textBytes(of: record))
    }

    /// Whether this is a scalar whose text is `text`.
    func hasText(_ text: StaticString) -> Bool {
        withText { $0.hasSameBytes(as: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) } ?? false
    }

    /// A scalar that YAML resolves to null: an empty plain scalar, `~` or `null`.
    var isNull: Bool { record.isNull(in: tree.text) }

    /// What a reader calls this kind of node in a message ("a mapping", "a list", "text").
    var kindDescription: String { record.kindDescription(in: tree.text) }

    /// The key-value pairs of a mapping, in file order (merged keys after the mapping's own).
    struct Pairs: RandomAccessCollection, @unchecked Sendable {
        let storage: UnsafePointer<YAMLTree.Storage>?
        let start: Int
        let count: Int

        /// No pairs.
        init() {
            storage = nil
            start = 0
            count = 0
        }

        init(storage: UnsafePointer<YAMLTree.Storage>, record: YAMLTree.Record) {
            self.storage = storage
            self.start = Int(record.start)
            self.count = Int(record.count) / 2
        }

        var startIndex: Int { 0 }
        var endIndex: Int { count }

        subscript(position: Int) -> YAMLPair {
            let slot = start + 2 * position
            let storage = storage!
            let children = storage.pointee.children
            return YAMLPair(key: YAMLNode(storage: storage, id: children[slot]), value: YAMLNode(storage: storage, id: children[slot + 1]))
        }

        /// Calls `body` with the UTF-8 of the key at `position`, without making a `String`; nil
        /// when the key is not a scalar.
        func withKeyText<Result>(at position: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
            let tree = storage!.pointee
            let record = tree.records[Int(tree.children[start + 2 * position])]
            guard record.kind == .scalar else { return nil }
            return body(tree.textBytes(of: record))
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
    struct Items: RandomAccessCollection, @unchecked Sendable {
        let storage: UnsafePointer<YAMLTree.Storage>
        let start: Int
        let count: Int

        init(storage: UnsafePointer<YAMLTree.Storage>, record: YAMLTree.Record) {
            self.storage = storage
            self.start = Int(record.start)
            self.count = Int(record.count)
        }

        var startIndex: Int { 0 }
        var endIndex: Int { count }

        subscript(position: Int) -> YAMLNode {
            YAMLNode(storage: storage, id: storage.pointee.children[start + position])
        }
    }
}

/// A key and its value in a mapping, in file order.
struct YAMLPair: @unchecked Sendable {
    var key: YAMLNode
    var value: YAMLNode
}

/// A scalar's text, its style, and where each `<<` of its text stands in the file.
struct YAMLScalar: @unchecked Sendable {
    enum Style: UInt8, Sendable, BitwiseCopyable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    let storage: UnsafePointer<YAMLTree.Storage>
    let id: Int32

    private var tree: YAMLTree.Storage { storage.pointee }
    private var record: YAMLTree.Record { tree.records[Int(id)] }

    /// The scalar's value, quotes and escapes resolved.
    var value: String { String(decoding: tree.textBytes(of: record), as: UTF8.self) }


    /// Whether the value holds `<<`, the start of a fillpoint.
    var hasMarker: Bool { FillpointMarkers.occur(in: tree.textBytes(of: record)) }

    var style: Style { record.style }

    /// The location of each `<<` of `value` (counted left to right, without overlap), found in
    /// the raw text so that quotes, escapes and block indentation are accounted for. Empty when
    /// the value has no `<<`, or when escapes make raw and value disagree.
    var markerLocations: [SourceLocation] {
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
