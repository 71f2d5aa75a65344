/// The nodes of one YAML file, stored flat: one record a node, the children of every
/// collection in one list, the text of every scalar in one buffer.
///
/// A tree of objects cost an allocation a node and a reference count at every hand-over; this
/// layout costs a few buffers a file, and `YAMLNode` is a small view into it: a pointer to the
/// buffers and a node number. Nodes are valid while their tree lives (`YAMLLoader.Result`
/// holds it). The buffers are written before the tree is made and never after, so the tree can
/// be read from any thread.
final class YAMLTree: @unchecked Sendable {
    enum Kind: UInt8 { case scalar, mapping, sequence }

    struct Record {
        var location: SourceLocation
        var kind: Kind
        var style: YAMLScalar.Style
        /// Index into `tags`, or -1 for none.
        var tag: Int32
        /// A scalar's text (`start..<start+count` of `text`), or a collection's children
        /// (`start..<start+count` of `children`, key and value alternating for a mapping).
        var start: Int32
        var count: Int32
        /// A scalar's first `<<` location in `markers`, or a collection's weight: one field for
        /// both keeps a record at 32 bytes, and a file has a record a node.
        private var markerStartOrWeight: Int32
        /// How many of a scalar's `<<` locations `markers` holds.
        var markerCount: Int32

        static func scalar(at location: SourceLocation, style: YAMLScalar.Style, tag: Int32, text: Range<Int>, markers: Range<Int>) -> Record {
            Record(location: location, kind: .scalar, style: style, tag: tag, start: Int32(text.lowerBound), count: Int32(text.count),
                   markerStartOrWeight: Int32(markers.lowerBound), markerCount: Int32(markers.count))
        }

        static func collection(_ kind: Kind, at location: SourceLocation, tag: Int32, children: Range<Int>, weight: Int32) -> Record {
            Record(location: location, kind: kind, style: .plain, tag: tag, start: Int32(children.lowerBound), count: Int32(children.count),
                   markerStartOrWeight: weight, markerCount: 0)
        }

        var markerStart: Int32 { kind == .scalar ? markerStartOrWeight : 0 }

        /// How many nodes this subtree holds; bounds the cost of alias expansion.
        var weight: Int32 { kind == .scalar ? 1 : markerStartOrWeight }

        /// `start..<start+count`: a scalar's text in `text`, a collection's children in `children`.
        var span: Range<Int> { Int(start)..<Int(start + count) }

        /// A scalar that YAML resolves to null: an empty plain scalar, `~` or `null`.
        func isNull(in text: UnsafeBufferPointer<UInt8>) -> Bool {
            guard kind == .scalar, style == .plain, tag < 0 else { return false }
            switch count {
            case 0: return true
            case 1: return text[Int(start)] == UInt8(ascii: "~")
            case 4: return ["null", "Null", "NULL"].contains { $0.utf8.elementsEqual(UnsafeBufferPointer(rebasing: text[span])) }
            default: return false
            }
        }

        /// What a reader calls this kind of node in a message ("a mapping", "a list", "text").
        func kindDescription(in text: UnsafeBufferPointer<UInt8>) -> String {
            switch kind {
            case .scalar: isNull(in: text) ? "nothing" : "text"
            case .mapping: "a mapping"
            case .sequence: "a list"
            }
        }
    }

    /// What nodes read: the tree's memory as plain pointers, valid while the tree lives. A node
    /// holds a pointer to this, not the tree, so copying a node counts no reference.
    struct Storage {
        let records: UnsafeBufferPointer<Record>
        let children: UnsafeBufferPointer<Int32>
        let text: UnsafeBufferPointer<UInt8>
        let markers: UnsafeBufferPointer<SourceLocation>
        let tags: UnsafeBufferPointer<String>

        /// A scalar's text.
        func textBytes(of record: Record) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: text[record.span])
        }
    }

    let storage: UnsafePointer<Storage>

    /// Takes over the loader's buffers; the tree frees them.
    init(records: TreeBuffer<Record>, children: TreeBuffer<Int32>, text: TreeBuffer<UInt8>, markers: [SourceLocation], tags: [String]) {
        let ownMarkers = UnsafeMutableBufferPointer<SourceLocation>.allocate(capacity: markers.count)
        _ = ownMarkers.initialize(from: markers)
        let ownTags = UnsafeMutableBufferPointer<String>.allocate(capacity: tags.count)
        _ = ownTags.initialize(from: tags)
        let storage = UnsafeMutablePointer<Storage>.allocate(capacity: 1)
        storage.initialize(to: Storage(records: records.elements, children: children.elements, text: text.elements,
                                       markers: UnsafeBufferPointer(ownMarkers), tags: UnsafeBufferPointer(ownTags)))
        self.storage = UnsafePointer(storage)
    }

    deinit {
        let storage = storage.pointee
        storage.records.deallocate()
        storage.children.deallocate()
        storage.text.deallocate()
        storage.markers.deallocate()
        UnsafeMutableBufferPointer(mutating: storage.tags).deinitialize().deallocate()
        self.storage.deallocate()
    }

    func node(_ id: Int32) -> YAMLNode {
        YAMLNode(storage: storage, id: id)
    }
}
