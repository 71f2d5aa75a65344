import CYAML

/// Reads YAML with libyaml's event API into a `YAMLTree` that keeps 1-based positions.
///
/// libyaml checks the syntax; this loader adds what libyaml leaves to its callers: duplicate
/// keys, aliases (with a bound on how far they may expand), merge keys (`<<: *base`) and a
/// bound on nesting depth, so that no input can exhaust memory or the stack.
struct YAMLLoader {
    /// Deeper nesting is reported as an error; no flow needs more than a handful of levels.
    static let maximumDepth = 256
    /// The most nodes that aliases may add by expansion, to stop "billion laughs" input.
    static let maximumAliasExpansion = 1_000_000

    struct Result: Sendable {
        /// One root node per YAML document in the file, in order.
        /// Valid while this result lives: it holds their tree.
        var documents: [YAMLNode]
        var diagnostics: [Diagnostic]
        let tree: YAMLTree?
    }

    private var source: SourceText
    private let sink: DiagnosticSink
    private var stack: [Frame] = []
    private var documents: [Int32] = []
    private var anchors: [String: Int32] = [:]
    private var aliasExpansion = 0

    // The tree as it grows; see `YAMLTree`.
    private var records: TreeBuffer<YAMLTree.Record>
    private var children: TreeBuffer<Int32>
    private var text: TreeBuffer<UInt8>
    private var markers: [SourceLocation] = []
    private var tags: [String] = []
    private var tagIDs: [String: Int32] = [:]
    /// The finished nodes of every open collection, innermost last.
    private var pending: [Int32] = []

    private struct Frame {
        var kind: YAMLTree.Kind
        var location: SourceLocation
        var tag: Int32
        var anchor: String?
        /// Where this collection's nodes start in `pending`.
        var firstPending: Int
        var keyIndex: [String: SourceLocation]?
        var weight: Int32 = 1
        var hasMergeKey = false
    }

    private struct Stop: Error {}

    /// Parses `bytes` (the contents of `file`) into documents, reporting problems as
    /// `yaml-syntax` diagnostics located in `file`.
    static func load(_ bytes: [UInt8], file: String) -> Result {
        var loader = YAMLLoader(file: file, source: SourceText(bytes: bytes))
        guard loader.run() else {
            loader.records.deallocate()
            loader.children.deallocate()
            loader.text.deallocate()
            return Result(documents: [], diagnostics: loader.sink.diagnostics, tree: nil)
        }
        let tree = YAMLTree(records: loader.records, children: loader.children, text: loader.text,
                            markers: loader.markers, tags: loader.tags)
        return Result(documents: loader.documents.map(tree.node), diagnostics: loader.sink.diagnostics, tree: tree)
    }

    private init(file: String, source: SourceText) {
        self.sink = DiagnosticSink(file: file)
        self.source = source
        // More than a flow file needs (about a node per 11 bytes), so that the buffers do not
        // grow: growing copies them, and the pages of an unused reserve are never touched.
        records = TreeBuffer(capacity: source.bytes.count / 6 + 16)
        children = TreeBuffer(capacity: source.bytes.count / 6 + 16)
        text = TreeBuffer(capacity: source.bytes.count)
    }

    /// Reads the whole input; false when the YAML is not valid.
    private mutating func run() -> Bool {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            sink.report(.yamlSyntax, at: location(line: 0, column: 0), "the YAML parser could not start (out of memory)")
            return false
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = source.bytes
        return bytes.withUnsafeBufferPointer { buffer in
            // libyaml wants a non-null pointer even for empty input.
            let empty: [UInt8] = [0]
            return empty.withUnsafeBufferPointer { emptyBuffer in
                let base = buffer.count > 0 ? buffer.baseAddress! : emptyBuffer.baseAddress!
                yaml_parser_set_input_string(&parser, base, buffer.count)
                var event = yaml_event_t()
                while true {
                    guard yaml_parser_parse(&parser, &event) == 1 else {
                        reportParserError(parser)
                        return false
                    }
                    defer { yaml_event_delete(&event) }
                    if event.type == YAML_STREAM_END_EVENT { return true }
                    do {
                        try handle(event)
                    } catch {
                        return false
                    }
                }
            }
        }
    }

    private mutating func handle(_ event: yaml_event_t) throws {
        let start = location(line: event.start_mark.line, column: event.start_mark.column)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let raw = UnsafeBufferPointer(start: data.value, count: data.value == nil ? 0 : data.length)
            let markerStart = markers.count
            if FillpointMarkers.occur(in: raw) {
                appendMarkers(count: FillpointMarkers.count(in: raw, from: 0, to: raw.count), start: event.start_mark, end: event.end_mark)
            }
            let textStart = text.count
            text.append(contentsOf: raw)
            let id = append(.scalar(at: start, style: scalarStyle(data.style), tag: tagID(data.tag),
                                    text: textStart..<text.count, markers: markerStart..<markers.count))
            try complete(id, anchor: data.anchor.map { String(cString: $0) })

        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            guard stack.count < Self.maximumDepth else {
                sink.report(.yamlSyntax, at: start, "the YAML nests more than \(Self.maximumDepth) levels deep")
                throw Stop()
            }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            let tag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
            stack.append(Frame(
                kind: isMapping ? .mapping : .sequence, location: start, tag: tagID(tag),
                anchor: anchor.map { String(cString: $0) }, firstPending: pending.count))

        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let frame = stack.removeLast()
            let childStart = children.count
            if frame.hasMergeKey {
                children.append(contentsOf: mergedPairs(pending[frame.firstPending...])[...])
            } else {
                children.append(contentsOf: pending[frame.firstPending...])
            }
            pending.removeSubrange(frame.firstPending...)
            let id = append(.collection(frame.kind, at: frame.location, tag: frame.tag,
                                        children: childStart..<children.count, weight: frame.weight))
            try complete(id, anchor: frame.anchor)

        case YAML_ALIAS_EVENT:
            let name = String(cString: event.data.alias.anchor)
            guard let anchored = anchors[name] else {
                sink.report(.yamlSyntax, at: start, "the alias `*\(name)` names no anchor defined before it",
                            notes: Suggestion.note(for: name, in: anchors.keys))
                throw Stop()
            }
            var record = records[Int(anchored)]
            aliasExpansion += Int(record.weight)
            guard aliasExpansion <= Self.maximumAliasExpansion else {
                sink.report(.yamlSyntax, at: start, "aliases expand to more than \(Self.maximumAliasExpansion) nodes")
                throw Stop()
            }
            // The node's text and children stay those of the anchored node, where the text
            // really is; only the node itself moves to where the alias stands.
            record.location = start
            try complete(append(record), anchor: nil)

        case YAML_DOCUMENT_START_EVENT:
            anchors = [:]

        default:
            break
        }
    }

    private mutating func append(_ record: YAMLTree.Record) -> Int32 {
        records.append(record)
        return Int32(records.count - 1)
    }

    private mutating func tagID(_ tag: UnsafeMutablePointer<yaml_char_t>?) -> Int32 {
        guard let tag else { return -1 }
        let text = String(cString: tag)
        if let id = tagIDs[text] { return id }
        tags.append(text)
        tagIDs[text] = Int32(tags.count - 1)
        return Int32(tags.count - 1)
    }

    /// Attaches a finished node to the collection being built, or makes it a document root.
    private mutating func complete(_ id: Int32, anchor: String?) throws {
        if let anchor { anchors[anchor] = id }
        guard !stack.isEmpty else {
            documents.append(id)
            return
        }
        let top = stack.count - 1
        let (weight, overflow) = stack[top].weight.addingReportingOverflow(records[Int(id)].weight)
        stack[top].weight = overflow ? .max : weight
        pending.append(id)
        // In a mapping, a key is checked once its value is there.
        guard stack[top].kind == .mapping, (pending.count - stack[top].firstPending) % 2 == 0 else { return }
        let key = pending[pending.count - 2]
        if isMergeKey(key) {
            stack[top].hasMergeKey = true
        } else if records[Int(key)].kind == .scalar {
            let location = records[Int(key)].location
            if let first = firstLocation(ofKey: key) {
                let text = keyText(key)
                sink.report(.yamlSyntax, at: location, "duplicate key `\(text)` in this mapping",
                            notes: ["`\(text)` is first set at \(sink.reference(first)); remove one of them"])
            }
        }
    }

    private func keyText(_ id: Int32) -> String {
        Self.keyText(id, records: records.elements, text: text.elements)
    }

    // The helpers below take the buffers rather than `self`: called from mutating methods,
    // methods of `self` made the optimizer copy the whole loader at each call.

    private static func keyText(_ id: Int32, records: UnsafeBufferPointer<YAMLTree.Record>, text: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[records[Int(id)].span]), as: UTF8.self)
    }

    /// A YAML 1.1 merge key: a plain, untagged `<<`.
    private static func isMergeKey(_ id: Int32, records: UnsafeBufferPointer<YAMLTree.Record>, text: UnsafeBufferPointer<UInt8>) -> Bool {
        let record = records[Int(id)]
        return record.kind == .scalar && record.style == .plain && record.tag < 0 && record.count == 2
            && text[Int(record.start)] == UInt8(ascii: "<") && text[Int(record.start) + 1] == UInt8(ascii: "<")
    }

    private func isMergeKey(_ id: Int32) -> Bool {
        Self.isMergeKey(id, records: records.elements, text: text.elements)
    }

    private static func sameText(_ a: Int32, _ b: Int32, records: UnsafeBufferPointer<YAMLTree.Record>, text: UnsafeBufferPointer<UInt8>) -> Bool {
        let x = records[Int(a)], y = records[Int(b)]
        guard y.kind == .scalar, x.count == y.count else { return false }
        return UnsafeBufferPointer(rebasing: text[x.span]).hasSameBytes(as: UnsafeBufferPointer(rebasing: text[y.span]))
    }

    /// The location of an earlier key with the text of `key` (the last key of the innermost
    /// mapping), if any. Small mappings are searched directly; large ones get an index so the
    /// check stays linear.
    private mutating func firstLocation(ofKey key: Int32) -> SourceLocation? {
        let top = stack.count - 1
        let firstPending = stack[top].firstPending
        let records = records.elements, text = text.elements
        if stack[top].keyIndex == nil {
            if pending.count - firstPending < 32 {
                for slot in stride(from: firstPending, to: pending.count - 2, by: 2) where Self.sameText(pending[slot], key, records: records, text: text) {
                    return records[Int(pending[slot])].location
                }
                return nil
            }
            var index: [String: SourceLocation] = [:]
            for slot in stride(from: pending.count - 4, through: firstPending, by: -2) where records[Int(pending[slot])].kind == .scalar {
                index[Self.keyText(pending[slot], records: records, text: text)] = records[Int(pending[slot])].location
            }
            stack[top].keyIndex = index
        }
        let keyText = Self.keyText(key, records: records, text: text)
        if let first = stack[top].keyIndex![keyText] { return first }
        stack[top].keyIndex![keyText] = records[Int(key)].location
        return nil
    }

    /// YAML 1.1 merge keys: `<<: *base` (or a list of them) adds the keys of the merged
    /// mappings that this mapping does not set itself. `slots` holds key and value alternating.
    private func mergedPairs(_ slots: ArraySlice<Int32>) -> [Int32] {
        var own: [Int32] = []
        var merged: [Int32] = []
        for slot in stride(from: slots.startIndex, to: slots.endIndex, by: 2) {
            let key = slots[slot], value = slots[slot + 1]
            guard isMergeKey(key) else {
                own += [key, value]
                continue
            }
            let valueRecord = records[Int(value)]
            let sources = valueRecord.kind == .sequence
                ? Array(children.elements[valueRecord.span]) : [value]
            for source in sources {
                let record = records[Int(source)]
                guard record.kind == .mapping else {
                    sink.report(.yamlSyntax, at: record.location, "a merge key `<<` takes a mapping or a list of mappings, not \(record.kindDescription(in: text.elements))")
                    continue
                }
                merged += children.elements[record.span]
            }
        }
        var seen = Set(stride(from: 0, to: own.count, by: 2).compactMap { records[Int(own[$0])].kind == .scalar ? keyText(own[$0]) : nil })
        for slot in stride(from: 0, to: merged.count, by: 2) where records[Int(merged[slot])].kind == .scalar {
            if seen.insert(keyText(merged[slot])).inserted { own += [merged[slot], merged[slot + 1]] }
        }
        return own
    }

    private mutating func reportParserError(_ parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error == YAML_MEMORY_ERROR {
            sink.report(.yamlSyntax, at: location(line: 0, column: 0), "the YAML parser ran out of memory")
            return
        }
        // For "while parsing X" errors the context mark is where the construct that went wrong
        // starts (an unclosed bracket, say); the problem mark is where libyaml noticed it.
        if let context = parser.context.map({ String(cString: $0) }) {
            let at = location(line: parser.context_mark.line, column: parser.context_mark.column)
            let noticed = location(line: parser.problem_mark.line, column: parser.problem_mark.column)
            sink.report(.yamlSyntax, at: at, "invalid YAML: \(problem) \(context)",
                        notes: (noticed == at ? [] : ["the parser noticed it at \(sink.reference(noticed))"]) + tabNote(parser.problem_mark))
        } else {
            var at = location(line: parser.problem_mark.line, column: parser.problem_mark.column)
            if parser.error == YAML_READER_ERROR {
                // Reader errors (bad UTF-8, control characters) carry a byte offset only.
                at = location(ofByte: parser.problem_offset)
                sink.report(.yamlSyntax, at: at, "invalid YAML: \(problem) (byte \(parser.problem_offset)); flow files must be UTF-8 text")
            } else {
                sink.report(.yamlSyntax, at: at, "invalid YAML: \(problem)", notes: tabNote(parser.problem_mark))
            }
        }
    }

    /// A hint when libyaml stopped at a tab, which its messages do not name.
    private mutating func tabNote(_ mark: yaml_mark_t) -> [String] {
        let offset = source.offset(ofCharacter: mark.index)
        let isTab = offset < source.bytes.count && source.bytes[offset] == UInt8(ascii: "\t")
        return isTab ? ["this is a tab; YAML indents with spaces only"] : []
    }

    private func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(line: line + 1, column: column + 1)
    }

    private func location(ofByte offset: Int) -> SourceLocation {
        var line = 1, column = 1
        for byte in source.bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(line: line, column: column)
    }

    /// Appends the locations of the scalar's `count` markers, or none when the raw text and the
    /// value disagree (escapes).
    private mutating func appendMarkers(count: Int, start: yaml_mark_t, end: yaml_mark_t) {
        let from = source.offset(ofCharacter: start.index)
        let to = source.offset(ofCharacter: end.index)
        let first = markers.count
        source.appendMarkers(from: from, to: to, line: start.line, column: start.column, to: &markers)
        if markers.count - first != count { markers.removeSubrange(first...) }
    }

    private func scalarStyle(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
